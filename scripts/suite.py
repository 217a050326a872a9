#!/usr/bin/env python3
"""The project's commands: ``run``, ``test``, ``bench`` and their checks.

Called by the Makefile.  Only the standard library is imported before the
Odoo check, so that a Python without Odoo 19.0 gets one clear paragraph and
exit status 2 instead of a traceback.
"""

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS_DIR = ROOT / "addons"
VAR_DIR = ROOT / "var"
SUITE_ADDONS = ("support_contract", "support_helpdesk_scope", "support_billing")
DEMO_DB = "support_demo"
HTTP_PORT = 8069
# Debian packages the suite uses at run time: git for customer repositories,
# wkhtmltopdf for PDF reports, chromium for the portal's browser tests.
DEBIAN_PACKAGES = {"git": "git", "wkhtmltopdf": "wkhtmltopdf", "chromium": "chromium"}
BACKEND_LOGIN = ("admin", "admin")
PORTAL_LOGIN = ("anna@nordkust.example", "portal")


class CommandError(Exception):
    """A failure the user can act on: printed as a paragraph, exit status 2."""


def say(message):
    print(f"[support] {message}", flush=True)


def paragraph(text):
    return textwrap.fill(" ".join(text.split()), width=88, break_on_hyphens=False)


# --------------------------------------------------------------------------
# Odoo
# --------------------------------------------------------------------------


def check_odoo():
    """Return ``odoo.release`` when ``import odoo`` gives Odoo 19.0."""
    found = None
    try:
        from odoo import release

        found = release.version_info
    except ImportError as error:
        found_text = f"importing it fails ({error})"
    else:
        found_text = f"it gives Odoo {release.version}"
    if found is None or tuple(found[:2]) != (19, 0):
        raise CommandError(
            paragraph(
                f"""This project needs Odoo 19.0 Community importable as `import
                odoo` by {sys.executable}, but {found_text}. Install Odoo 19.0
                from its source into this Python (see "Prerequisite" in
                README.md: pip install -r requirements.txt from Odoo's source,
                then pip install --no-build-isolation -e <odoo source>), or
                call make with PYTHON=/path/to/a/python/that/has/it."""
            )
        )
    return release


def odoo_source_dir():
    import odoo.release

    return Path(odoo.release.__file__).resolve().parent.parent


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------


def pg_params():
    """Connection parameters: PGHOST/PGPORT/PGUSER/PGPASSWORD when set."""
    return {
        "host": os.environ.get("PGHOST") or None,
        "port": os.environ.get("PGPORT") or None,
        "user": os.environ.get("PGUSER") or None,
        "password": os.environ.get("PGPASSWORD") or None,
    }


def pg_where(params):
    host = params["host"] or "the local socket"
    port = params["port"] or "5432"
    return f"{host} port {port}"


def pg_connect(params, dbname="postgres"):
    import psycopg2

    kwargs = {k: v for k, v in params.items() if v}
    return psycopg2.connect(dbname=dbname, connect_timeout=5, **kwargs)


def pg_error_kind(error):
    text = str(error)
    if "role" in text and "does not exist" in text:
        return "role"
    if (
        "password authentication failed" in text
        or "no password supplied" in text
        or "peer authentication failed" in text.lower()
    ):
        return "auth"
    return "down"


def debian_clusters():
    """The local Debian clusters as (version, name, status), or None."""
    if not shutil.which("pg_lsclusters"):
        return None
    out = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=False
    ).stdout
    clusters = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4:
            clusters.append((parts[0], parts[1], parts[3]))
    return clusters


def ensure_postgres():
    """Make sure a PostgreSQL server answers and our role exists.

    With PGHOST or PGPORT set, that server is used as it is.  Otherwise the
    local Debian cluster is started when it is installed but down, and a
    superuser role for the current user is created when missing.
    """
    import psycopg2

    params = pg_params()
    explicit = bool(params["host"] or params["port"])
    try:
        pg_connect(params).close()
        return params
    except psycopg2.OperationalError as error:
        kind = pg_error_kind(error)
        if explicit:
            raise CommandError(
                paragraph(
                    f"""No usable PostgreSQL server at {pg_where(params)} (from
                    PGHOST/PGPORT): {str(error).strip()}. Start that server, fix
                    PGHOST, PGPORT, PGUSER or PGPASSWORD, or unset PGHOST and
                    PGPORT to use the local Debian cluster."""
                )
            ) from None
    clusters = debian_clusters()
    if not clusters:
        raise CommandError(
            paragraph(
                f"""No PostgreSQL server answers at {pg_where(params)} and no
                local PostgreSQL cluster is installed. Install PostgreSQL 15
                (on Debian: apt-get install postgresql) or set PGHOST and
                PGPORT to a running server."""
            )
        )
    if kind == "auth":
        raise refused_login(params)
    if kind == "down":
        for version, name, status in clusters:
            if status != "online":
                say(f"starting the local PostgreSQL cluster {version}/{name}")
                run_checked(["pg_ctlcluster", version, name, "start"])
        for _attempt in range(30):
            try:
                pg_connect(params).close()
                return params
            except psycopg2.OperationalError as error:
                kind = pg_error_kind(error)
                if kind != "down":
                    break
                time.sleep(0.5)
    if kind == "role":
        create_local_role()
        try:
            pg_connect(params).close()
        except psycopg2.OperationalError as error:
            kind = pg_error_kind(error)
        else:
            return params
    if kind == "auth":
        raise refused_login(params)
    raise CommandError(
        paragraph(
            f"""The local PostgreSQL cluster does not accept connections at
            {pg_where(params)} even after starting it. Look at its log in
            /var/log/postgresql/ or set PGHOST and PGPORT to a running server."""
        )
    )


def refused_login(params):
    return CommandError(
        paragraph(
            f"""The local PostgreSQL server refused the login as role
            '{params["user"] or os.environ.get("USER", "")}'. Run the commands
            as the operating-system user of that role, or set PGHOST, PGUSER
            and PGPASSWORD for a password login."""
        )
    )


def create_local_role():
    import getpass

    user = os.environ.get("PGUSER") or getpass.getuser()
    if user == "postgres":
        raise CommandError(
            "Odoo refuses to run as the database superuser 'postgres': "
            "run as another user or set PGUSER."
        )
    if os.geteuid() != 0 and getpass.getuser() != "postgres":
        raise CommandError(
            paragraph(
                f"""The PostgreSQL role '{user}' does not exist and this user
                cannot create it. Run once: sudo -u postgres createuser
                --createdb {user}"""
            )
        )
    say(f"creating the PostgreSQL role {user}")
    run_checked(["runuser", "-u", "postgres", "--", "createuser", "--superuser", user])


def database_exists(params, dbname):
    conn = pg_connect(params)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            return bool(cr.fetchone())
    finally:
        conn.close()


def drop_database(params, dbname):
    conn = pg_connect(params)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    finally:
        conn.close()


# --------------------------------------------------------------------------
# Installation
# --------------------------------------------------------------------------


def run_checked(cmd, **kwargs):
    result = subprocess.run(cmd, check=False, **kwargs)
    if result.returncode:
        raise CommandError(
            f"This command failed ({result.returncode}): {' '.join(cmd)}"
        )
    return result


def odoo_pins():
    """Constraints that keep every package Odoo depends on at its version.

    The installed versions are pinned (not Odoo's requirements.txt, whose
    cbor2 pin does not build on Python 3.11), so installing the project's
    requirements never changes a package Odoo uses.
    """
    from importlib import metadata

    names = set()
    requirements = odoo_source_dir() / "requirements.txt"
    if requirements.exists():
        for line in requirements.read_text().splitlines():
            line = line.split("#")[0].split(";")[0].strip()
            if line:
                names.add(line.split("==")[0].split(">=")[0].strip())
    try:
        for req in metadata.requires("odoo") or ():
            names.add(req.split(";")[0].split(" ")[0].split(">")[0].split("=")[0])
    except metadata.PackageNotFoundError:
        pass
    pins = []
    for name in sorted(names):
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return pins


def install_requirements():
    VAR_DIR.mkdir(exist_ok=True)
    constraints = VAR_DIR / "odoo-constraints.txt"
    constraints.write_text("\n".join(odoo_pins()) + "\n")
    say("installing the Python requirements (Odoo's own pins kept)")
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]
    cmd += ["-r", str(ROOT / "requirements.txt"), "-c", str(constraints)]
    run_checked(cmd)
    missing = [pkg for tool, pkg in DEBIAN_PACKAGES.items() if not shutil.which(tool)]
    if missing:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise CommandError(
                f"Missing system packages: {', '.join(missing)}. Install them "
                f"(on Debian: apt-get install {' '.join(missing)}) and run again."
            )
        say(f"installing Debian packages: {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run_checked(["apt-get", "update", "-qq"], env=env)
        run_checked(["apt-get", "install", "-y", "-qq", *missing], env=env)


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


def odoo_cmd(config, *args):
    return [sys.executable, "-m", "odoo", "server", "-c", str(config), *args]


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------


def cmd_check(_args):
    check_odoo()
    ensure_postgres()
    say("Odoo 19.0 and PostgreSQL are ready")
    return 0


def cmd_run(args):
    check_odoo()
    params = ensure_postgres()
    if not args.no_install:
        install_requirements()
    config = write_config(params, "odoo.conf", DEMO_DB)
    modules = ",".join(SUITE_ADDONS)
    if database_exists(params, DEMO_DB):
        say(f"updating the database {DEMO_DB}")
        install_args = ["-u", modules]
    else:
        say(f"creating the database {DEMO_DB} with the demo data (a few minutes)")
        install_args = ["-i", modules, "--with-demo"]
    try:
        install_suite(config, DEMO_DB, install_args, VAR_DIR / "run-install.log")
    except CommandError:
        if "-i" in install_args:
            # Never leave a half-made demo database for the next run to update.
            drop_database(params, DEMO_DB)
        raise
    print(
        textwrap.dedent(
            f"""
            Odoo Support Contracts is starting on http://localhost:{HTTP_PORT}
              backend (staff):   login {BACKEND_LOGIN[0]}, password {BACKEND_LOGIN[1]}
              portal (customer): login {PORTAL_LOGIN[0]}, password {PORTAL_LOGIN[1]}
            Stop it with Ctrl+C.
            """
        ),
        flush=True,
    )
    return subprocess.call(odoo_cmd(config, "-d", DEMO_DB))


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
        targets = args.targets or [str(ADDONS_DIR), str(ROOT / "tests")]
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
            *targets,
        ]
        env = dict(os.environ, SUPPORT_TEST_DB=dbname)
        return subprocess.call(cmd, cwd=ROOT, env=env)


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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="suite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="check Odoo 19.0 and PostgreSQL")
    run = sub.add_parser("run", help="create or update the demo database and serve it")
    run.add_argument("--no-install", action="store_true")
    test = sub.add_parser("test", help="run every test in a throwaway database")
    test.add_argument("--no-install", action="store_true")
    test.add_argument("--keep-db", action="store_true")
    test.add_argument("targets", nargs="*", help="pytest targets (default: all)")
    bench = sub.add_parser("bench", help="run the benchmarks")
    bench.add_argument("--no-install", action="store_true")
    bench.add_argument("only", nargs="*", help="only the benchmarks with these names")
    args = parser.parse_args(argv)
    handler = {
        "check": cmd_check,
        "run": cmd_run,
        "test": cmd_test,
        "bench": cmd_bench,
    }[args.command]
    try:
        return handler(args)
    except CommandError as error:
        print(f"\n{error}\n", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
