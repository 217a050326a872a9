"""The project's commands behind the Makefile, by concern (entry point:
scripts/suite.py).

- ``cli``: the command line (``run``, ``test``, ``test-peers``, ``bench``,
  ``check``, ``setup``) and ``check``/``setup`` themselves;
- set-up when the Python has no Odoo 19.0: ``debian`` (Debian packages),
  ``setup_source`` (Odoo's source), ``setup_venv`` (.venv, Odoo's
  requirements, Odoo; running the command again with it);
- ``odoo_python``: the Python that runs Odoo (its check, the project's
  requirements);
- database: ``postgres`` (server, role, databases), ``database`` (Odoo
  configurations, installing the suite, throwaway databases);
- ``demo`` (``make run``), ``testing`` (``make test``, the peers' tests),
  ``bench`` (``make bench``);
- ``common``: folders, settings, messages and stamps every module uses.

Only the standard library is imported at module level, so that a Python
without Odoo gets a clear message instead of a traceback.
"""
