# The project's commands. PYTHON must be a Python in which `import odoo`
# gives Odoo 19.0 Community (see README.md, "Prerequisite").
PYTHON ?= python3

.PHONY: run test bench check lint

run:
	$(PYTHON) scripts/suite.py run

test:
	$(PYTHON) scripts/suite.py test

bench:
	$(PYTHON) scripts/suite.py bench

check:
	$(PYTHON) scripts/suite.py check

lint:
	pre-commit run --all-files
