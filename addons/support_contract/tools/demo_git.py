"""Build the demo's git repositories from folders shipped in the addon."""

import os
import shutil
import subprocess

DEMO_FOLDER = "support_demo_repositories"


def demo_base(dbname):
    """The folder of a database's demo repositories under Odoo's data
    directory: the only local paths a repository may have (allowed by their
    place; see support.repository._allow_local)."""
    from odoo.tools import config  # noqa: PLC0415 (this file runs without Odoo too)

    return os.path.join(config["data_dir"], DEMO_FOLDER, dbname)


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


def addon_files(source):
    """The files of the addon folder ``source``, relative paths, in the order
    a customer would have written them: manifest and inits first, then the
    rest sorted (compiled files and caches left out)."""
    files = []
    for root, dirs, names in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            files.append(os.path.relpath(os.path.join(root, name), source))
    first = [
        f for f in files if os.path.basename(f) in ("__manifest__.py", "__init__.py")
    ]
    return first + [f for f in files if f not in first]


def lay_out_month(target, addons, month):
    """Make the work tree of ``target`` hold month ``month`` (1-based) of
    ``addons``: [(folder name, source path, first month, full month, last
    month or None)]. An addon appears in its first month with a share of its
    files, grows to all of them by its full month and is gone after its last
    month."""
    for name, source, first, full, last in addons:
        folder = os.path.join(target, name)
        if month < first or (last and month > last):
            if os.path.exists(folder):
                shutil.rmtree(folder)
            continue
        files = addon_files(source)
        if month < full:
            share = (month - first + 1) / (full - first + 1)
            files = files[: max(1, int(len(files) * share))]
        for relative in files:
            destination = os.path.join(folder, relative)
            if os.path.exists(destination):
                continue
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            shutil.copy2(os.path.join(source, relative), destination)


def commit_step(target, step, date=None):
    """Lay the files of folder ``step`` over the work tree and commit them."""
    shutil.copytree(step, target, dirs_exist_ok=True)
    return commit_all(target, f"Step {os.path.basename(step)}", date=date)


def commit_all(target, message, date=None):
    """Commit the work tree of ``target`` as it is; its commit id."""
    _git(target, "add", "--all")
    _git(target, "commit", "--quiet", "--allow-empty", "-m", message, date=date)
    return _git(target, "rev-parse", "HEAD")
