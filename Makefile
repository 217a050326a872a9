# The project's commands (scripts/suite.py, whose work is in scripts/support_suite/).
#
# Without PYTHON: python3 is used when it imports Odoo 19.0; otherwise the
# commands set up Odoo 19.0 themselves in the project's ignored folders
# (.venv/, .odoo-19.0/, from ODOO_SOURCE: Odoo's official git repository by
# default, or a local directory or another git URL) and re-run themselves
# with .venv/bin/python. With PYTHON=/path/to/python that Python is used as
# it is and must have Odoo 19.0 (README.md, "Using your own Odoo").
# SETUP_PYTHON: the Python that checks for Odoo and makes .venv from itself.
# ARGS: more arguments of the command (make run ARGS=--update,
# make test-peers ARGS=--list, make bench ARGS=billing).
SETUP_PYTHON ?= python3
ifdef PYTHON
SUITE = $(PYTHON) scripts/suite.py
else
SUITE = $(SETUP_PYTHON) scripts/suite.py --setup-if-needed
endif
ifdef ODOO_SOURCE
export ODOO_SOURCE
endif

.PHONY: run test test-peers bench check lint

run:
	$(SUITE) run $(ARGS)

# The suite's tests and the peers' tests (make test-peers) in one database.
test:
	$(SUITE) test --with-peers $(ARGS)

test-peers:
	$(SUITE) test-peers $(ARGS)

bench:
	$(SUITE) bench $(ARGS)

check:
	$(SUITE) check

lint:
	pre-commit run --all-files
