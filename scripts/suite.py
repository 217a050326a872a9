#!/usr/bin/env python3
"""The project's commands: ``run``, ``test``, ``bench`` and their checks.

Called by the Makefile.  Only the standard library is imported before the
Odoo check, so that a Python without Odoo 19.0 gets one clear paragraph and
exit status 2 instead of a traceback.
"""

import argparse
import contextlib
import hashlib
import json
import os
import re
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
DEMO_DB = os.environ.get("SUPPORT_DEMO_DB") or "support_demo"
HTTP_PORT = int(os.environ.get("SUPPORT_HTTP_PORT") or 8069)
# Debian packages the suite uses at run time: git for customer repositories,
# wkhtmltopdf for PDF reports, chromium for the portal's browser tests.
DEBIAN_PACKAGES = {"git": "git", "wkhtmltopdf": "wkhtmltopdf", "chromium": "chromium"}
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

# The project's own set-up when the chosen Python has no Odoo 19.0 (all in
# ignored folders of the checkout; both can be moved with the environment).
VENV_DIR = Path(os.environ.get("SUPPORT_VENV") or ROOT / ".venv")
ODOO_DIR = Path(os.environ.get("SUPPORT_ODOO_DIR") or ROOT / ".odoo-19.0")
DEFAULT_ODOO_SOURCE = "https://github.com/odoo/odoo.git"
ODOO_BRANCH = "19.0"
# Debian packages of the set-up: PostgreSQL, the headers and compiler that
# Odoo's requirements build with (psycopg2, python-ldap), venv, and what the
# suite runs (git, wkhtmltopdf, chromium).
SETUP_DEBIAN_PACKAGES = (
    "postgresql",
    "libpq-dev",
    "libldap2-dev",
    "libsasl2-dev",
    "python3-dev",
    "python3-venv",
    "build-essential",
    "git",
    "wkhtmltopdf",
    "chromium",
)
# Odoo's requirements that do not install as they are pinned, per Python.
REQUIREMENT_FIXES = (
    # cbor2 5.4.2 does not build on Python 3.11; 5.6.2 has wheels for it.
    ((3, 11), r"^cbor2==5\.4\.2\b", "cbor2==5.6.2"),
)


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
                from its source into this Python (see "Using your own Odoo" in
                README.md: pip install -r requirements.txt from Odoo's source,
                then pip install --no-build-isolation --no-deps -e <odoo
                source>), call make with PYTHON=/path/to/a/python/that/has/it,
                or run make without PYTHON to let it set up Odoo 19.0 in the
                project's own folders (see "Set-up: two commands")."""
            )
        )
    return release


def odoo_source_dir():
    import odoo.release

    return Path(odoo.release.__file__).resolve().parent.parent


# --------------------------------------------------------------------------
# Set-up: Odoo 19.0 and its requirements in the project's own .venv
# --------------------------------------------------------------------------


def has_odoo_19():
    """Whether this Python imports Odoo 19.0 (without importing more of it)."""
    try:
        from odoo import release
    except ImportError:
        return False
    return tuple(release.version_info[:2]) == (19, 0)


def digest(*parts):
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()[:16]


def stamp_ok(path, key):
    try:
        return json.loads(path.read_text()).get("key") == key
    except (OSError, ValueError):
        return False


def write_stamp(path, key, **info):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "at": time.strftime("%F %T"), **info}))
    tmp.replace(path)


def retry_hint():
    return (
        "Fix that and run the same command again (`make run` or `make test`): "
        "the set-up goes on from where it stopped."
    )


def setup_step(number, total, text):
    say(f"set-up {number}/{total}: {text}")


def as_root(cmd):
    """``cmd`` as root: as it is for root, through sudo when it works without a
    password; otherwise a CommandError giving the exact command to run."""
    if os.geteuid() == 0:
        return cmd
    if (
        shutil.which("sudo")
        and not subprocess.run(
            ["sudo", "-n", "true"], capture_output=True, check=False
        ).returncode
    ):
        return ["sudo", "-n", *cmd]
    raise CommandError(
        paragraph(
            """This step needs root and sudo cannot be used without a
            password here. Run this once as root, then the same make command
            again:"""
        )
        + "\n\n    sudo "
        + " ".join(cmd)
    )


def missing_debian_packages(packages):
    """The packages of ``packages`` that dpkg does not list as installed."""
    if not shutil.which("dpkg-query"):
        return []
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\\n", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    installed = {
        line.split()[0]
        for line in result.stdout.splitlines()
        if line.split()[1:] == ["installed"]
    }
    return [p for p in packages if p not in installed]


def install_debian_packages(packages):
    """apt-get install ``packages`` that are missing (root or sudo, or says how)."""
    missing = missing_debian_packages(packages)
    if not missing:
        return False
    if not shutil.which("apt-get"):
        raise CommandError(
            f"Missing system packages: {', '.join(missing)}. Install them with "
            "your system's package manager and run the same command again."
        )
    apt = ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    install = ["install", "-y", "-qq", *missing]
    try:
        update, install = as_root([*apt, "update", "-qq"]), as_root([*apt, *install])
    except CommandError:
        raise CommandError(
            paragraph(
                f"""Debian packages are missing ({" ".join(missing)}) and this
                user cannot install them (not root, and sudo asks for a
                password). Run this once, then the same make command again:"""
            )
            + "\n\n    sudo apt-get update && sudo apt-get install -y "
            + " ".join(missing)
        ) from None
    say(f"installing Debian packages: {' '.join(missing)}")
    run_checked(update)
    run_checked(install)
    return True


def odoo_source():
    return os.environ.get("ODOO_SOURCE") or DEFAULT_ODOO_SOURCE


def source_release(directory):
    """The Odoo version of the source in ``directory`` (read, not imported)."""
    release = Path(directory) / "odoo" / "release.py"
    try:
        text = release.read_text()
    except OSError:
        return None
    found = re.search(r"^version_info\s*=\s*\((\d+),\s*(\d+)", text, re.M)
    return f"{found[1]}.{found[2]}" if found else None


def is_git_source(source):
    if re.match(r"^(https?|ssh|git|file)://", source) or re.match(
        r"^[\w.-]+@[\w.-]+:", source
    ):
        return True
    path = Path(source).expanduser()
    # A bare repository, or a path to a git repository that is not a checkout
    # of Odoo's source itself (that is copied, as it is).
    return path.is_dir() and (
        (path / "HEAD").is_file()
        and (path / "objects").is_dir()
        or (path / ".git").exists()
        and not (path / "odoo-bin").exists()
    )


def fetch_odoo_source(number, total):
    """Odoo's source into ODOO_DIR: a copy of a local directory, or a shallow
    clone of branch 19.0 of a git repository (by default Odoo's official one).
    Fetched into a side folder and renamed at the end, so an interrupted
    download is redone cleanly."""
    source = odoo_source()
    key = digest(source, ODOO_BRANCH)
    stamp = ODOO_DIR / ".support-source.json"
    if stamp_ok(stamp, key) and source_release(ODOO_DIR) == ODOO_BRANCH:
        setup_step(number, total, f"Odoo's source is in {ODOO_DIR} (from {source})")
        return key
    partial = ODOO_DIR.with_name(ODOO_DIR.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    started = time.monotonic()
    if is_git_source(source):
        if not shutil.which("git"):
            raise CommandError("git is needed to fetch Odoo's source. " + retry_hint())
        url = source
        if not re.match(r"^[\w+.-]+://|^[\w.-]+@", source):
            url = Path(source).expanduser().resolve().as_uri()  # --depth needs a URL
        setup_step(
            number,
            total,
            f"fetching Odoo {ODOO_BRANCH}'s source from {source} (shallow git clone)",
        )
        result = subprocess.run(
            [
                "git",
                "clone",
                "--depth",
                "1",
                "--branch",
                ODOO_BRANCH,
                "--single-branch",
                url,
                str(partial),
            ],
            check=False,
        )
        if result.returncode:
            shutil.rmtree(partial, ignore_errors=True)
            raise CommandError(
                paragraph(
                    f"""Fetching Odoo's source failed: git clone of branch
                    {ODOO_BRANCH} of {source} ended with status
                    {result.returncode}. Check the network or set ODOO_SOURCE
                    to a local directory holding Odoo {ODOO_BRANCH}'s source
                    (make run ODOO_SOURCE=/path/to/odoo), then run the same
                    command again."""
                )
            )
    else:
        path = Path(source).expanduser()
        if not (path / "odoo-bin").exists() or not (path / "setup.py").exists():
            raise CommandError(
                paragraph(
                    f"""ODOO_SOURCE={source} is neither a git URL nor a
                    directory holding Odoo's source (odoo-bin, setup.py,
                    odoo/, addons/). Point it at one, or unset it to clone
                    Odoo's official repository."""
                )
            )
        setup_step(number, total, f"copying Odoo's source from {path} (about 1 GB)")
        shutil.copytree(
            path,
            partial,
            symlinks=True,
            ignore=shutil.ignore_patterns(".git", "__pycache__", "*.pyc", "*.egg-info"),
        )
    found = source_release(partial)
    if found != ODOO_BRANCH:
        shutil.rmtree(partial, ignore_errors=True)
        raise CommandError(
            f"ODOO_SOURCE={source} holds Odoo {found or '(no odoo/release.py)'}, "
            f"not {ODOO_BRANCH}. Point ODOO_SOURCE at Odoo {ODOO_BRANCH}'s source."
        )
    shutil.rmtree(ODOO_DIR, ignore_errors=True)
    partial.replace(ODOO_DIR)
    write_stamp(stamp, key, source=source, branch=ODOO_BRANCH)
    say(f"  done in {time.monotonic() - started:.0f} s")
    return key


def fixed_odoo_requirements(python_version):
    """Odoo's requirements.txt with the known fixes for ``python_version``."""
    text = (ODOO_DIR / "requirements.txt").read_text()
    for version, pattern, replacement in REQUIREMENT_FIXES:
        if tuple(python_version[:2]) == version:
            text = re.sub(pattern, replacement, text, flags=re.M)
    return text


def venv_python():
    return VENV_DIR / "bin" / "python"


def venv_pip(*args):
    return [str(venv_python()), "-m", "pip", "--disable-pip-version-check", *args]


def setup_pip(cmd, what):
    result = subprocess.run(cmd, check=False)
    if result.returncode:
        raise CommandError(
            paragraph(
                f"""Installing {what} into {VENV_DIR} failed (pip ended with
                status {result.returncode}; its messages are above). A missing
                library or compiler is the usual cause (Debian:
                {" ".join(SETUP_DEBIAN_PACKAGES[1:7])}). {retry_hint()}"""
            )
        )


def build_venv(source_key, first_step, total):
    """The virtual environment: made from this Python, Odoo's requirements
    (fixed), Odoo itself as an editable install.  Each step writes its stamp
    (a hash of what it installed) only when it succeeded, so a second run
    skips what is done and redoes what is not."""
    stamps = VENV_DIR / ".support-setup"
    base = sys.executable
    key = digest(os.path.realpath(base), sys.version)
    number = first_step
    healthy = (
        venv_python().exists()
        and not subprocess.run(
            [str(venv_python()), "-c", "import sys"], capture_output=True, check=False
        ).returncode
    )
    if healthy and stamp_ok(stamps / "venv.json", key):
        setup_step(number, total, f"virtual environment {VENV_DIR}")
    else:
        setup_step(
            number, total, f"creating the virtual environment {VENV_DIR} from {base}"
        )
        shutil.rmtree(VENV_DIR, ignore_errors=True)
        result = subprocess.run([base, "-m", "venv", str(VENV_DIR)], check=False)
        if result.returncode:
            shutil.rmtree(VENV_DIR, ignore_errors=True)
            raise CommandError(
                f"Creating the virtual environment with {base} -m venv failed "
                f"(Debian: apt-get install python3-venv). {retry_hint()}"
            )
        setup_pip(
            venv_pip("install", "--quiet", "--upgrade", "pip", "setuptools", "wheel"),
            "pip, setuptools and wheel",
        )
        write_stamp(stamps / "venv.json", key, python=base)
    number += 1
    requirements = fixed_odoo_requirements(sys.version_info)
    req_key = digest(key, requirements)
    if stamp_ok(stamps / "odoo-requirements.json", req_key):
        setup_step(number, total, "Odoo's Python requirements are installed")
    else:
        setup_step(
            number,
            total,
            "installing Odoo's Python requirements (cbor2 fixed for Python 3.11; "
            "a few minutes the first time)",
        )
        started = time.monotonic()
        fixed = VENV_DIR / "odoo-requirements.txt"
        fixed.write_text(requirements)
        setup_pip(
            venv_pip("install", "--quiet", "-r", str(fixed), "-c", str(fixed)),
            "Odoo's requirements",
        )
        write_stamp(stamps / "odoo-requirements.json", req_key)
        say(f"  done in {time.monotonic() - started:.0f} s")
    number += 1
    odoo_key = digest(req_key, source_key, ODOO_DIR.resolve())
    if stamp_ok(stamps / "odoo.json", odoo_key):
        setup_step(number, total, f"Odoo {ODOO_BRANCH} is installed from {ODOO_DIR}")
    else:
        setup_step(
            number, total, f"installing Odoo {ODOO_BRANCH} from {ODOO_DIR} (editable)"
        )
        started = time.monotonic()
        editable = ["install", "--quiet", "--no-build-isolation", "--no-deps"]
        # setuptools' default editable mode maps every folder of the 1 GB
        # source (minutes); the "compat" mode is a .pth line to the source
        # (seconds). When a setuptools without it refuses, the default mode.
        compat = subprocess.run(
            venv_pip(
                *editable,
                "--config-settings",
                "editable_mode=compat",
                "-e",
                str(ODOO_DIR),
            ),
            check=False,
        )
        if compat.returncode:
            setup_pip(venv_pip(*editable, "-e", str(ODOO_DIR)), "Odoo (editable)")
        check = subprocess.run(
            [str(venv_python()), "-c", "import odoo.release as r; print(r.version)"],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode or check.stdout.strip() != ODOO_BRANCH:
            raise CommandError(
                f"After installing, {venv_python()} does not import Odoo "
                f"{ODOO_BRANCH}: {(check.stderr or check.stdout).strip()[-500:]}. "
                + retry_hint()
            )
        write_stamp(stamps / "odoo.json", odoo_key)
        say(f"  done in {time.monotonic() - started:.0f} s")
    return venv_python()


def setup_odoo():
    """Everything Odoo needs, in the project's own folders; the venv's Python."""
    total = 5
    started = time.monotonic()
    say(
        f"{sys.executable} has no Odoo {ODOO_BRANCH}: the project's own set-up "
        f"in {VENV_DIR} (Python) and {ODOO_DIR} (Odoo's source)"
    )
    setup_step(
        1,
        total,
        "Debian packages (PostgreSQL, libpq, LDAP/SASL headers, compiler, git, "
        "wkhtmltopdf, chromium)",
    )
    install_debian_packages(SETUP_DEBIAN_PACKAGES)
    source_key = fetch_odoo_source(2, total)
    python = build_venv(source_key, 3, total)
    say(
        f"set-up ready in {time.monotonic() - started:.0f} s; the PostgreSQL "
        f"cluster and the project's requirements follow with {python}"
    )
    return python


def reexec_with_setup(argv):
    """Run the command with this Python when it has Odoo 19.0, otherwise with
    the project's own .venv, set up (or completed) first."""
    if has_odoo_19() or os.environ.get("SUPPORT_SETUP_PYTHON"):
        # In the venv already (or a Python with Odoo): the command's own check
        # says what is wrong if Odoo is still missing.
        return
    try:
        python = setup_odoo()
    except CommandError as error:
        print(f"\n{error}\n", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    env = dict(os.environ, SUPPORT_SETUP_PYTHON=str(python))
    sys.stdout.flush()
    os.execve(str(python), [str(python), str(Path(__file__).resolve()), *argv], env)


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


def requirements_satisfied(requirements):
    """Whether every ``name==version`` line of ``requirements`` is installed."""
    from importlib import metadata

    for line in requirements.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        if "==" not in line:
            return False
        name, version = (part.strip() for part in line.split("==", 1))
        try:
            if metadata.version(name) != version:
                return False
        except metadata.PackageNotFoundError:
            return False
    return True


def install_requirements():
    VAR_DIR.mkdir(exist_ok=True)
    requirements = ROOT / "requirements.txt"
    if requirements_satisfied(requirements):
        say("the Python requirements are installed")
    else:
        constraints = VAR_DIR / "odoo-constraints.txt"
        constraints.write_text("\n".join(odoo_pins()) + "\n")
        say(
            f"installing the Python requirements into {sys.prefix} "
            "(Odoo's own pins kept)"
        )
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]
        cmd += ["-r", str(requirements), "-c", str(constraints)]
        run_checked(cmd)
    missing = [pkg for tool, pkg in DEBIAN_PACKAGES.items() if not shutil.which(tool)]
    if missing:
        install_debian_packages(missing)


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


def addons_digest():
    """A hash of every file of the addons: the demo database is updated when
    it changes."""
    sha = hashlib.sha256()
    for path in sorted(ADDONS_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            sha.update(str(path.relative_to(ADDONS_DIR)).encode() + b"\0")
            sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def cmd_setup(_args):
    python = setup_odoo()
    say(f"Odoo {ODOO_BRANCH} is set up: {python}")
    return 0


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
    print(start_message(), flush=True)
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


if __name__ == "__main__":
    sys.exit(main())
