"""The first run on one's own Odoo: a Python with Odoo 19.0 and without the
OCA wheels yet, as a new user has it after "Using your own Odoo".

The first command installs the project's requirements (the OCA wheels) into
that Python and must then find their addons in the same run: Python computed
``odoo.addons.__path__`` before pip created ``site-packages/odoo/addons/``.
The test makes such a Python (a new virtual environment, Odoo's requirements,
Odoo 19.0 from ``ODOO_SOURCE`` as an editable install, minutes the first time)
and runs ``make check`` and ``make test-peers ARGS=--list`` (the requirements,
then the peers' test files looked up, no database) with it, first time and
again. It needs Odoo's source: it runs only when ODOO_SOURCE names a directory
holding Odoo 19.0's source, and is skipped with that reason otherwise.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OCA_ADDONS = ("subscription_oca", "helpdesk_mgmt")


def run(cmd, timeout=3000, **kwargs):
    result = subprocess.run(
        [str(part) for part in cmd],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )
    assert result.returncode == 0, (cmd, result.stdout[-3000:], result.stderr[-3000:])
    return result


def make(target, python, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHON", "SUPPORT_SETUP_PYTHON", "ODOO_SOURCE")
    }
    return subprocess.run(
        ["make", "-s", "-C", str(ROOT), target, f"PYTHON={python}", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )


def source_link_farm(source, folder):
    """A folder that pip can install Odoo from without writing into
    ``source`` (setuptools writes odoo.egg-info next to setup.py): Odoo's
    packaging files copied, its code folders linked."""
    folder.mkdir()
    for name in ("setup.py", "setup.cfg", "requirements.txt", "odoo-bin"):
        if (source / name).exists():
            shutil.copy2(source / name, folder / name)
    if (source / "setup").is_dir():
        shutil.copytree(source / "setup", folder / "setup", symlinks=True)
    for name in ("odoo", "addons"):
        (folder / name).symlink_to(source / name)
    return folder


def own_odoo(folder, source):
    """A new virtual environment with Odoo 19.0, made by the README's manual
    steps ("Using your own Odoo"); its Python."""
    venv = folder / "venv"
    run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    pip = [python, "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    # Odoo pins cbor2==5.4.2, which does not build on Python 3.11: 5.6.2.
    requirements = folder / "odoo-requirements.txt"
    requirements.write_text(
        re.sub(
            r"^cbor2==5\.4\.2\b",
            "cbor2==5.6.2",
            (source / "requirements.txt").read_text(),
            flags=re.M,
        )
    )
    run([*pip, "wheel", "-r", requirements, "-c", requirements])
    # The README's editable install. With the pip of a new venv on Python
    # 3.11 (23.x) and Odoo's setup.py, that is setuptools' develop: a path
    # entry; a newer pip builds a PEP 660 wheel, and the compat mode keeps it a
    # path entry (seconds) instead of mapping every folder (minutes).
    run(
        [
            *pip,
            "--no-build-isolation",
            "--no-deps",
            "--config-settings",
            "editable_mode=compat",
            "-e",
            source_link_farm(source, folder / "odoo-19.0"),
        ]
    )
    return python


@pytest.mark.skipif(
    not os.environ.get("ODOO_SOURCE") or not Path(os.environ["ODOO_SOURCE"]).is_dir(),
    reason="set ODOO_SOURCE to a directory holding Odoo 19.0's source to make a "
    "Python with Odoo 19.0 and without the OCA wheels (a virtual environment, a "
    "few minutes) and run the first make check and peers' lookup with it",
)
def test_first_run_on_ones_own_odoo_finds_the_oca_addons_it_installed(tmp_path):
    try:
        check_first_run(tmp_path, Path(os.environ["ODOO_SOURCE"]))
    finally:
        # A virtual environment with Odoo's requirements: about 500 MB.
        shutil.rmtree(tmp_path, ignore_errors=True)


def check_first_run(tmp_path, source):
    started = time.monotonic()
    python = own_odoo(tmp_path, source)
    made = time.monotonic() - started
    site = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    ).stdout.strip()
    version = run([python, "-c", "import odoo.release as r; print(r.version)"])
    assert version.stdout.strip() == "19.0"
    for addon in OCA_ADDONS:
        missing = subprocess.run(
            [python, "-c", f"import odoo.addons.{addon}"],
            capture_output=True,
            check=False,
        )
        assert missing.returncode, f"{addon} is installed before the first run"

    started = time.monotonic()
    check = make("check", python)
    check_time = time.monotonic() - started
    assert check.returncode == 0, check.stderr
    assert "Odoo 19.0 and PostgreSQL are ready" in check.stdout

    # First time: the requirements are installed, then the OCA addons they
    # brought are found in the same command.
    started = time.monotonic()
    first = make("test-peers", python, "ARGS=--list")
    first_time = time.monotonic() - started
    print(first.stdout[-3000:], first.stderr[-3000:])
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert f"installing the Python requirements into {python.parent.parent}" in (
        first.stdout
    )
    targets = [line for line in first.stdout.splitlines() if line.startswith("/")]
    assert len(targets) == 7, first.stdout
    for addon in OCA_ADDONS:
        assert f"{site}/odoo/addons/{addon}/tests" in targets
    assert all(Path(target).exists() for target in targets)

    started = time.monotonic()
    second = make("test-peers", python, "ARGS=--list")
    second_time = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    assert "the Python requirements are installed" in second.stdout
    assert [
        line for line in second.stdout.splitlines() if line.startswith("/")
    ] == targets
    print(
        f"own Odoo made in {made:.0f} s; first make check {check_time:.1f} s, "
        f"first make test-peers ARGS=--list {first_time:.1f} s, "
        f"second {second_time:.1f} s"
    )
