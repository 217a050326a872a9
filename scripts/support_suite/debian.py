"""Debian packages: which are missing, and installing them (as root, through
sudo without a password, or saying the command to run)."""

import shutil
import subprocess

from .common import CommandError, as_root, paragraph, run_checked, say

# Debian packages the suite uses at run time: git for customer repositories,
# wkhtmltopdf for PDF reports, chromium for the portal's browser tests.
DEBIAN_PACKAGES = {"git": "git", "wkhtmltopdf": "wkhtmltopdf", "chromium": "chromium"}

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
