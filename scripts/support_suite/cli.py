"""The project's commands: ``run``, ``test``, ``bench`` and their checks.

Called by the Makefile through scripts/suite.py.  Only the standard library
is imported before the Odoo check, so that a Python without Odoo 19.0 gets one
clear paragraph and exit status 2 instead of a traceback.
"""

import argparse
import sys

from .bench import cmd_bench
from .common import CommandError, say
from .demo import cmd_run
from .odoo_python import check_odoo
from .postgres import ensure_postgres
from .setup_source import ODOO_BRANCH
from .setup_venv import reexec_with_setup, setup_odoo
from .testing import cmd_test, cmd_test_peers


def cmd_setup(_args):
    python = setup_odoo()
    say(f"Odoo {ODOO_BRANCH} is set up: {python}")
    return 0


def cmd_check(_args):
    check_odoo()
    ensure_postgres()
    say("Odoo 19.0 and PostgreSQL are ready")
    return 0


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--setup-if-needed"]:
        # The Makefile without PYTHON: this Python if it has Odoo 19.0,
        # otherwise the project's own .venv (set up first when needed).
        argv = argv[1:]
        reexec_with_setup(argv)
    parser = argparse.ArgumentParser(prog="suite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="check Odoo 19.0 and PostgreSQL")
    run = sub.add_parser("run", help="create or update the demo database and serve it")
    run.add_argument("--no-install", action="store_true")
    run.add_argument(
        "--update",
        action="store_true",
        help="update the demo database even if unchanged",
    )
    sub.add_parser(
        "setup",
        help="set up Odoo 19.0 in .venv and .odoo-19.0 (from ODOO_SOURCE)",
    )
    test = sub.add_parser("test", help="run every test in a throwaway database")
    test.add_argument("--no-install", action="store_true")
    test.add_argument("--keep-db", action="store_true")
    test.add_argument(
        "--with-peers",
        action="store_true",
        help="run the peers' tests too (make test-peers) in the same database",
    )
    test.add_argument("targets", nargs="*", help="pytest targets (default: all)")
    peers = sub.add_parser(
        "test-peers", help="run the peers' tests with the suite installed"
    )
    peers.add_argument("--no-install", action="store_true")
    peers.add_argument("--keep-db", action="store_true")
    peers.add_argument(
        "--list",
        action="store_true",
        help="print the peers' test files (after installing the requirements) "
        "and run nothing",
    )
    bench = sub.add_parser("bench", help="run the benchmarks")
    bench.add_argument("--no-install", action="store_true")
    bench.add_argument("only", nargs="*", help="only the benchmarks with these names")
    args = parser.parse_args(argv)
    handler = {
        "check": cmd_check,
        "setup": cmd_setup,
        "run": cmd_run,
        "test": cmd_test,
        "test-peers": cmd_test_peers,
        "bench": cmd_bench,
    }[args.command]
    try:
        return handler(args)
    except CommandError as error:
        print(f"\n{error}\n", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
