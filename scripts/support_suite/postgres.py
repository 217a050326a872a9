"""PostgreSQL: the server (PGHOST/PGPORT or the local Debian cluster,
started when down), the current user's role, and databases that exist or are
dropped."""

import os
import shutil
import subprocess
import time

from .common import CommandError, as_root, paragraph, run_checked, say


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
                run_checked(as_root(["pg_ctlcluster", version, name, "start"]))
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
    cmd = ["createuser", "--superuser", user]
    if getpass.getuser() == "postgres":
        pass
    elif os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    elif (
        shutil.which("sudo")
        and not subprocess.run(
            ["sudo", "-n", "-u", "postgres", "true"], capture_output=True, check=False
        ).returncode
    ):
        cmd = ["sudo", "-n", "-u", "postgres", *cmd]
    else:
        raise CommandError(
            paragraph(
                f"""The PostgreSQL role '{user}' does not exist and this user
                cannot create it. Run once: sudo -u postgres createuser
                --superuser {user}"""
            )
        )
    say(f"creating the PostgreSQL role {user}")
    run_checked(cmd)


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
