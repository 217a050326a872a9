"""The set-up of `make run` / `make test` when the Python has no Odoo 19.0.

The whole set-up (copying Odoo's source, a virtual environment with Odoo's
requirements) takes minutes and needs Odoo's source: it runs only when
ODOO_SOURCE names a directory holding Odoo 19.0's source, and is skipped
with that reason otherwise. The failures of the set-up run always.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "scripts" / "suite.py"


def setup_env(folder, source):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env.pop("SUPPORT_SETUP_PYTHON", None)
    env.update(
        SUPPORT_VENV=str(folder / "venv"),
        SUPPORT_ODOO_DIR=str(folder / "odoo"),
        ODOO_SOURCE=str(source),
    )
    return env


def run_make_check(folder, source, timeout=600, target="check", *args):
    """`make check` (or ``target``) from a Python without Odoo (-S: no
    site-packages)."""
    return subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(ROOT),
            target,
            f"SETUP_PYTHON={sys.executable} -S",
            *args,
        ],
        capture_output=True,
        text=True,
        env=setup_env(folder, source),
        timeout=timeout,
        check=False,
    )


def flat(text):
    return " ".join(text.split())


def git(*args, cwd):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_a_source_that_is_not_odoo_is_a_clear_error_and_nothing_is_left(tmp_path):
    nothing = tmp_path / "not-odoo"
    nothing.mkdir()
    result = run_make_check(tmp_path, nothing)
    assert result.returncode != 0
    assert "Traceback" not in flat(result.stderr) + result.stdout
    assert f"ODOO_SOURCE={nothing} is neither a git URL nor a directory" in flat(
        result.stderr
    )
    assert not (tmp_path / "odoo").exists()
    assert not (tmp_path / "venv").exists()


def test_a_git_source_of_another_version_is_cloned_refused_and_removed(tmp_path):
    """A git URL is cloned (shallow, branch 19.0); the wrong version is
    refused and the half-made copy removed, so the next run starts clean."""
    repo = tmp_path / "odoo-git"
    (repo / "odoo").mkdir(parents=True)
    (repo / "odoo" / "release.py").write_text(
        "version_info = (18, 0, 0, 'final', 0, '')\n"
    )
    (repo / "odoo-bin").write_text("")
    (repo / "setup.py").write_text("")
    git("init", "-q", "-b", "19.0", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "odoo", cwd=repo)
    result = run_make_check(tmp_path, repo.as_uri())
    assert result.returncode != 0
    assert "Traceback" not in flat(result.stderr) + result.stdout
    assert "shallow git clone" in result.stdout
    assert "holds Odoo 18.0, not 19.0" in flat(result.stderr)
    assert not (tmp_path / "odoo").exists()
    assert not (tmp_path / "odoo.partial").exists()


def test_a_missing_git_repository_says_what_failed_and_how_to_retry(tmp_path):
    result = run_make_check(tmp_path, (tmp_path / "nowhere.git").as_uri())
    assert result.returncode != 0
    assert "Traceback" not in flat(result.stderr) + result.stdout
    assert "Fetching Odoo's source failed: git clone of branch 19.0" in flat(
        result.stderr
    )
    assert "run the same command again" in flat(result.stderr)


@pytest.mark.skipif(
    not os.environ.get("ODOO_SOURCE") or not Path(os.environ["ODOO_SOURCE"]).is_dir(),
    reason="set ODOO_SOURCE to a directory holding Odoo 19.0's source to run the "
    "whole set-up (a copy of it and a virtual environment, a few minutes)",
)
def test_setup_from_a_local_odoo_source_then_make_check(tmp_path):
    try:
        check_setup_then_make_check(tmp_path, Path(os.environ["ODOO_SOURCE"]))
    finally:
        # A copy of Odoo and a virtual environment: about 1.5 GB.
        shutil.rmtree(tmp_path, ignore_errors=True)


def check_setup_then_make_check(tmp_path, source):
    started = time.monotonic()
    first = run_make_check(tmp_path, source, timeout=3000)
    first_time = time.monotonic() - started
    print(first.stdout[-3000:], first.stderr[-3000:])
    assert first.returncode == 0, first.stderr
    assert (
        f"has no Odoo 19.0: the project's own set-up in {tmp_path / 'venv'}"
        in first.stdout
    )
    assert f"copying Odoo's source from {source}" in first.stdout
    assert "Odoo 19.0 and PostgreSQL are ready" in first.stdout
    python = tmp_path / "venv" / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import odoo.release as r; print(r.version, r.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert where[0] == "19.0"
    assert where[1].startswith(str(tmp_path / "odoo"))

    # The first command that needs the OCA addons installs them into the new
    # environment and finds them in the same run (the peers' tests listed).
    started = time.monotonic()
    peers = run_make_check(tmp_path, source, 1800, "test-peers", "ARGS=--list")
    peers_time = time.monotonic() - started
    print(peers.stdout[-3000:], peers.stderr[-3000:])
    assert peers.returncode == 0, peers.stderr
    assert "installing the Python requirements into" in peers.stdout
    targets = [line for line in peers.stdout.splitlines() if line.startswith("/")]
    assert len(targets) == 7
    assert any(
        target.startswith(str(tmp_path / "venv")) and "subscription_oca" in target
        for target in targets
    )

    # A second run does nothing again and is quick.
    started = time.monotonic()
    second = run_make_check(tmp_path, source)
    second_time = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    assert "copying" not in second.stdout and "installing" not in second.stdout
    assert "Odoo's Python requirements are installed" in second.stdout
    assert "Odoo 19.0 and PostgreSQL are ready" in second.stdout
    print(
        f"set-up: first {first_time:.0f} s, the requirements and the peers' "
        f"lookup {peers_time:.0f} s, second {second_time:.1f} s"
    )
    assert second_time < 60
