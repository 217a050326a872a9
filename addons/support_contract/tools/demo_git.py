"""Build the demo's git repositories from folders shipped in the addon."""

import os
import shutil
import subprocess


def _git(target, *args, date=None):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": target,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Demo",
        "GIT_AUTHOR_EMAIL": "demo@example.com",
        "GIT_COMMITTER_NAME": "Demo",
        "GIT_COMMITTER_EMAIL": "demo@example.com",
    }
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(
        ["git", *args],
        cwd=target,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()


def init_repository(target):
    """A new, empty repository at ``target`` (an old one is replaced)."""
    if os.path.exists(target):
        shutil.rmtree(target)
    os.makedirs(target)
    _git(target, "init", "--quiet", "--initial-branch=main")


def commit_step(target, step, date=None):
    """Lay the files of folder ``step`` over the work tree and commit them."""
    shutil.copytree(step, target, dirs_exist_ok=True)
    _git(target, "add", "--all")
    _git(target, "commit", "--quiet", "-m", f"Step {os.path.basename(step)}", date=date)
    return _git(target, "rev-parse", "HEAD")
