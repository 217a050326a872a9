"""`make bench`: every bench/bench_*.py against a throwaway database with
the suite installed without demo data."""

import os
import subprocess
import sys

from .common import ROOT, SUITE_ADDONS, VAR_DIR, say
from .database import install_suite, throwaway_database
from .odoo_python import check_odoo, install_requirements
from .postgres import ensure_postgres


def cmd_bench(args):
    check_odoo()
    params = ensure_postgres()
    if not args.no_install:
        install_requirements()
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if any(o in s.name for o in args.only)]
    status = 0
    with throwaway_database(params, "bench", demo=False) as (dbname, config):
        say(f"installing the suite without demo data in {dbname}")
        install_suite(
            config,
            dbname,
            ["-i", ",".join(SUITE_ADDONS)],
            VAR_DIR / "bench-install.log",
        )
        for script in scripts:
            say(f"benchmark {script.name}")
            env = dict(
                os.environ, SUPPORT_BENCH_CONFIG=str(config), SUPPORT_BENCH_DB=dbname
            )
            status |= subprocess.call([sys.executable, str(script)], cwd=ROOT, env=env)
    return status
