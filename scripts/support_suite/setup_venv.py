"""The set-up when the Python has no Odoo 19.0: Debian packages, Odoo's
source (setup_source), then the project's .venv with Odoo's requirements and
Odoo itself; the command is then run again with the venv's Python."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .common import (
    ENTRY,
    ROOT,
    CommandError,
    digest,
    paragraph,
    say,
    stamp_ok,
    write_stamp,
)
from .debian import SETUP_DEBIAN_PACKAGES, install_debian_packages
from .setup_source import (
    ODOO_BRANCH,
    ODOO_DIR,
    fetch_odoo_source,
    retry_hint,
    setup_step,
)

# The project's own virtual environment when the chosen Python has no Odoo
# 19.0 (an ignored folder of the checkout; SUPPORT_VENV moves it).
VENV_DIR = Path(os.environ.get("SUPPORT_VENV") or ROOT / ".venv")

# Odoo's requirements that do not install as they are pinned, per Python.
REQUIREMENT_FIXES = (
    # cbor2 5.4.2 does not build on Python 3.11; 5.6.2 has wheels for it.
    ((3, 11), r"^cbor2==5\.4\.2\b", "cbor2==5.6.2"),
)


def has_odoo_19():
    """Whether this Python imports Odoo 19.0 (without importing more of it)."""
    try:
        from odoo import release
    except ImportError:
        return False
    return tuple(release.version_info[:2]) == (19, 0)


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
    os.execve(str(python), [str(python), str(ENTRY), *argv], env)
