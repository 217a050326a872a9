"""A database of the suite: its Odoo configuration under var/, installing
the suite into it (any problem in Odoo's log stops the command), and
throwaway databases dropped afterwards."""

import contextlib
import shutil
import subprocess
import sys
import uuid

from .common import ADDONS_DIR, HTTP_PORT, VAR_DIR, CommandError
from .odoo_python import odoo_cmd, odoo_source_dir
from .postgres import drop_database


def write_config(params, name, dbname, extra=None):
    """An Odoo configuration file for this checkout, under var/."""
    VAR_DIR.mkdir(exist_ok=True)
    addons_path = [str(ADDONS_DIR)]
    community = odoo_source_dir() / "addons"
    if community.is_dir():
        addons_path.append(str(community))
    options = {
        "addons_path": ",".join(addons_path),
        "data_dir": str(VAR_DIR / "data"),
        "db_name": dbname,
        "dbfilter": f"^{dbname}$",
        "list_db": "False",
        "http_interface": "127.0.0.1",
        "http_port": str(HTTP_PORT),
        "without_demo": "False",
        "max_cron_threads": "1",
    }
    for key, param in (
        ("db_host", "host"),
        ("db_port", "port"),
        ("db_user", "user"),
        ("db_password", "password"),
    ):
        if params[param]:
            options[key] = params[param]
    options.update(extra or {})
    path = VAR_DIR / name
    lines = ["[options]"] + [f"{k} = {v}" for k, v in options.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def install_problems(log_text):
    """Lines of an Odoo install log that mean the install is not right.

    Odoo logs a failed demo file as a mere warning and goes on without the
    module's demo data: that counts as a failure here.
    """
    markers = (" ERROR ", " CRITICAL ", "demo data failed to install", "Traceback")
    return [line for line in log_text.splitlines() if any(m in line for m in markers)]


def install_suite(config, dbname, install_args, log):
    """Install or update the suite; any install problem stops the command."""
    with log.open("w") as logfile:
        result = subprocess.run(
            odoo_cmd(
                config,
                "-d",
                dbname,
                *install_args,
                "--stop-after-init",
                "--log-level=warn",
            ),
            stdout=logfile,
            stderr=subprocess.STDOUT,
            check=False,
        )
    text = log.read_text()
    problems = install_problems(text)
    if result.returncode or problems:
        print(text[-6000:], file=sys.stderr)
        raise CommandError(
            f"Installing the suite in {dbname} failed ({len(problems)} problem(s)); "
            f"the whole log is in {log}."
        )


@contextlib.contextmanager
def throwaway_database(params, prefix, keep=False, demo=True):
    """(database name, configuration) of a new database, dropped afterwards."""
    dbname = f"support_{prefix}_{uuid.uuid4().hex[:8]}"
    data_dir = VAR_DIR / f"{prefix}-data"
    config = write_config(
        params,
        f"{prefix}.conf",
        dbname,
        {
            "data_dir": str(data_dir),
            "http_port": "0",
            # Odoo reads this option inverted: False means demo data.
            "without_demo": str(not demo),
        },
    )
    try:
        yield dbname, config
    finally:
        if not keep:
            drop_database(params, dbname)
            shutil.rmtree(data_dir / "filestore" / dbname, ignore_errors=True)
