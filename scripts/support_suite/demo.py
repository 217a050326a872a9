"""`make run`: the demo database (created, updated when the addons changed,
or left as it is) served with the demo's logins printed."""

import hashlib
import subprocess
import sys

from .common import (
    ADDONS_DIR,
    DEMO_DB,
    HTTP_PORT,
    SUITE_ADDONS,
    VAR_DIR,
    CommandError,
    digest,
    say,
    stamp_ok,
    write_stamp,
)
from .database import install_suite, write_config
from .odoo_python import check_odoo, install_requirements, odoo_cmd
from .postgres import database_exists, drop_database, ensure_postgres, pg_connect

# Every demo role's login, printed by `make run` (the users are made by the
# demo data of the addons).
DEMO_LOGINS = (
    ("administrator", "admin", "admin"),
    ("Support User (consultant)", "consultant", "consultant"),
    ("Support Manager", "manager", "manager"),
    ("Accountant", "accountant", "accountant"),
    ("Helpdesk agent", "agent", "agent"),
    ("customer Nordkust Logistik AB (portal)", "anna@nordkust.example", "portal"),
    ("customer Solberga Trä AB (portal)", "erik@solberga.example", "portal"),
    ("prospect Björkdal El AB (portal, a quote)", "maja@bjorkdal-el.example", "portal"),
)


def addons_digest():
    """A hash of every file of the addons: the demo database is updated when
    it changes."""
    sha = hashlib.sha256()
    for path in sorted(ADDONS_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            sha.update(str(path.relative_to(ADDONS_DIR)).encode() + b"\0")
            sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def start_message():
    width = max(len(role) for role, _login, _password in DEMO_LOGINS)
    lines = [
        "",
        f"Odoo Support Contracts is starting on http://localhost:{HTTP_PORT}",
        "The demo's users (login / password):",
    ]
    lines += [
        f"  {role.ljust(width)}  {login} / {password}"
        for role, login, password in DEMO_LOGINS
    ]
    lines += ["Stop it with Ctrl+C.", ""]
    return "\n".join(lines)


def point_reports_at_server(params, dbname):
    """wkhtmltopdf fetches a report's style sheets from the server that
    renders it: `report.url`, Odoo's parameter for it, names this server
    (otherwise `web.base.url`, http://localhost:8069 until the administrator
    logs in, which may be no server or another one). So the invoices the
    sending job renders in the background are styled."""
    conn = pg_connect(params, dbname)
    try:
        with conn, conn.cursor() as cr:
            cr.execute(
                "INSERT INTO ir_config_parameter (key, value, create_date, write_date) "
                "VALUES ('report.url', %s, now() at time zone 'UTC', "
                "now() at time zone 'UTC') ON CONFLICT (key) DO UPDATE "
                "SET value = EXCLUDED.value, write_date = EXCLUDED.write_date",
                (f"http://127.0.0.1:{HTTP_PORT}",),
            )
    finally:
        conn.close()


def cmd_run(args):
    check_odoo()
    params = ensure_postgres()
    if not args.no_install:
        install_requirements()
    # A scheduled action's run may take minutes (the demo history's invoices
    # rendered by the sending job after the first start): with one process,
    # Odoo reloads the whole server when a cron thread passes its limit
    # (limit_time_real, 120 s, unless this is set), as production sizing
    # sets it too.
    config = write_config(
        params, "odoo.conf", DEMO_DB, extra={"limit_time_real_cron": "900"}
    )
    modules = ",".join(SUITE_ADDONS)
    stamp = VAR_DIR / f"run-{DEMO_DB}.json"
    key = digest(addons_digest(), sys.executable, DEMO_DB)
    exists = database_exists(params, DEMO_DB)
    if exists and stamp_ok(stamp, key) and not args.update:
        say(
            f"the database {DEMO_DB} is up to date with the addons "
            "(make run ARGS=--update forces an update)"
        )
        install_args = None
    elif exists:
        say(f"updating the database {DEMO_DB}")
        install_args = ["-u", modules]
    else:
        say(f"creating the database {DEMO_DB} with the demo data (a few minutes)")
        install_args = ["-i", modules, "--with-demo"]
    if install_args:
        stamp.unlink(missing_ok=True)
        try:
            install_suite(config, DEMO_DB, install_args, VAR_DIR / "run-install.log")
        except CommandError:
            if "-i" in install_args:
                # Never leave a half-made demo database for the next run to update.
                drop_database(params, DEMO_DB)
            raise
        write_stamp(stamp, key)
    point_reports_at_server(params, DEMO_DB)
    print(start_message(), flush=True)
    return subprocess.call(odoo_cmd(config, "-d", DEMO_DB))
