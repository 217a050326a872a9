"""`make test` and `make test-peers`: the suite's tests and the peers'
tests (the tests of the modules the suite extends) with pytest in a throwaway
database where the suite is installed."""

import json
import os
import subprocess
import sys
from pathlib import Path

from .common import ADDONS_DIR, ROOT, SUITE_ADDONS, VAR_DIR, CommandError, say
from .database import install_suite, throwaway_database
from .odoo_python import check_odoo, install_requirements
from .postgres import ensure_postgres

# The peers' tests (`make test-peers`, and `make test`): every test of the
# OCA modules the suite extends, and the test files of Odoo's modules that
# exercise what the suite overrides (line discounts, invoicing from sale
# orders and subscriptions, credit notes and reversals, timesheets).
# (addon, path in the addon); tests/peer_known_failures.txt lists the
# exceptions with their reasons.
PEER_TESTS = (
    ("subscription_oca", "tests"),
    ("helpdesk_mgmt", "tests"),
    ("sale", "tests/test_sale_prices.py"),
    ("sale", "tests/test_sale_to_invoice.py"),
    ("sale", "tests/test_sale_refund.py"),
    ("account", "tests/test_account_move_out_invoice.py"),
    ("hr_timesheet", "tests/test_timesheet.py"),
)

PEER_LIST = ROOT / "tests" / "peer_known_failures.txt"


def cmd_test(args):
    check_odoo()
    params = ensure_postgres()
    if not args.no_install:
        install_requirements()
    with throwaway_database(params, "test", keep=args.keep_db) as (dbname, config):
        say(f"installing the suite in the throwaway database {dbname}")
        install_suite(
            config,
            dbname,
            ["-i", ",".join(SUITE_ADDONS), "--with-demo"],
            VAR_DIR / "test-install.log",
        )
        status = 0
        if args.with_peers and not args.targets:
            status |= run_peer_tests(config, dbname)
        targets = args.targets or [str(ADDONS_DIR), str(ROOT / "tests")]
        say("the suite's tests")
        env = dict(os.environ, SUPPORT_TEST_DB=dbname)
        # -rfEs: failures, errors and the reasons of skipped tests (the
        # opt-in set-up test says how to run it). pytest's summary line (with
        # its time) stays the last line printed.
        status |= run_pytest(config, dbname, targets, options=["-rfEs"], env=env)
        return status


def run_pytest(config, dbname, targets, options=(), env=None):
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        f"--odoo-config={config}",
        f"--odoo-database={dbname}",
        "--odoo-http",
        "--odoo-log-level=warn",
        *options,
        *targets,
    ]
    return subprocess.call(cmd, cwd=ROOT, env=env)


def addons_folders():
    """The folders of Odoo's addons (``odoo.addons.__path__``, then Odoo's
    source's addons/) as a new process of this Python sees them.

    Not this process's ``odoo.addons.__path__``: Python computed that
    namespace path when this process first imported Odoo, before
    install_requirements() let pip create site-packages/odoo/addons/ for the
    OCA wheels, and it would not list that folder until the next process.
    """
    code = (
        "import json, pathlib, odoo.addons, odoo.release\n"
        "source = pathlib.Path(odoo.release.__file__).resolve().parent.parent\n"
        "print(json.dumps([*odoo.addons.__path__, str(source / 'addons')]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise CommandError(
            f"Listing Odoo's addons folders with {sys.executable} failed: "
            f"{result.stderr.strip()[-500:]}"
        )
    return [Path(folder) for folder in json.loads(result.stdout)]


def addon_dir(name, folders):
    """The folder of the installed addon ``name`` (Odoo's source or
    site-packages), looked up in ``folders``."""
    for base in folders:
        if (base / name / "__manifest__.py").is_file():
            return base / name
    raise CommandError(
        f"The addon {name} is not installed with this Odoo "
        f"({sys.executable}; looked in {', '.join(map(str, folders))})."
    )


def peer_test_targets():
    """The paths of the peers' tests (PEER_TESTS) where they are installed."""
    folders = addons_folders()
    targets = []
    for addon, path in PEER_TESTS:
        target = addon_dir(addon, folders) / path
        if not target.exists():
            raise CommandError(
                f"The peer tests {addon}/{path} are missing from {target}."
            )
        targets.append(str(target))
    return targets


def run_peer_tests(config, dbname):
    """The peers' tests (PEER_TESTS) against ``dbname``, where the suite is
    installed; the known failures of PEER_LIST are reported as expected."""
    targets = peer_test_targets()
    say(f"the peers' tests with the suite installed ({len(targets)} targets)")
    env = dict(
        os.environ,
        SUPPORT_PEER_LIST=str(PEER_LIST),
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(ROOT / "scripts"), os.environ.get("PYTHONPATH")])
        ),
    )
    # -rfEX: the failures, errors and unexpected passes named at the end.
    status = run_pytest(
        config,
        dbname,
        targets,
        # -c: this project's pytest.ini though the files are elsewhere;
        # --rootdir=/: the tests named by their whole path.
        options=[
            "-c",
            str(ROOT / "pytest.ini"),
            "--rootdir=/",
            "-p",
            "peer_tests",
            "--peer-list-check",
            "-rfEX",
        ],
        env=env,
    )
    return status


def cmd_test_peers(args):
    check_odoo()
    if args.list:
        # What the run would test, without a database: the requirements
        # installed as for a run, then the peers' test files looked up.
        if not args.no_install:
            install_requirements()
        print("\n".join(peer_test_targets()), flush=True)
        return 0
    params = ensure_postgres()
    if not args.no_install:
        install_requirements()
    with throwaway_database(params, "peers", keep=args.keep_db) as (dbname, config):
        say(f"installing the suite in the throwaway database {dbname}")
        install_suite(
            config,
            dbname,
            ["-i", ",".join(SUITE_ADDONS), "--with-demo"],
            VAR_DIR / "peers-install.log",
        )
        return run_peer_tests(config, dbname)
