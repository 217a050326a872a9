"""What the benchmarks share: opening the database `make bench` made.

`make bench` (scripts/support_suite/bench.py) runs each bench/bench_*.py as
a script, with the Odoo configuration and the throwaway database in
SUPPORT_BENCH_CONFIG and SUPPORT_BENCH_DB; this folder is then on sys.path.
"""

import os


def open_bench_database(install=()):
    """The registry of the bench database, Odoo configured for it; the
    modules of ``install`` are installed first when they are not yet."""
    import odoo  # noqa: PLC0415
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    config, database = (
        os.environ["SUPPORT_BENCH_CONFIG"],
        os.environ["SUPPORT_BENCH_DB"],
    )
    odoo.tools.config.parse_config(["-c", config, "-d", database])
    registry = Registry(database)
    if not install:
        return registry
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        modules = env["ir.module.module"].search(
            [("name", "in", list(install)), ("state", "!=", "installed")]
        )
        if not modules:
            return registry
        print(f"installing {', '.join(modules.mapped('name'))} in the bench database")
        modules.button_immediate_install()
    return Registry(database)
