"""Set-up, step 2: Odoo 19.0's source in the project's .odoo-19.0/ (a copy
of a local directory or a shallow git clone, from ODOO_SOURCE)."""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from .common import ROOT, CommandError, digest, paragraph, say, stamp_ok, write_stamp

# Odoo's source for the project's own set-up (an ignored folder of the
# checkout; SUPPORT_ODOO_DIR moves it).
ODOO_DIR = Path(os.environ.get("SUPPORT_ODOO_DIR") or ROOT / ".odoo-19.0")

DEFAULT_ODOO_SOURCE = "https://github.com/odoo/odoo.git"

ODOO_BRANCH = "19.0"


def retry_hint():
    return (
        "Fix that and run the same command again (`make run` or `make test`): "
        "the set-up goes on from where it stopped."
    )


def setup_step(number, total, text):
    say(f"set-up {number}/{total}: {text}")


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
