"""The Python that runs Odoo: its check for Odoo 19.0, the project's
requirements installed into it (Odoo's own packages pinned), Odoo's command
line."""

import shutil
import sys
from pathlib import Path

from .common import ROOT, VAR_DIR, CommandError, paragraph, run_checked, say
from .debian import DEBIAN_PACKAGES, install_debian_packages


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


def odoo_cmd(config, *args):
    return [sys.executable, "-m", "odoo", "server", "-c", str(config), *args]


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
