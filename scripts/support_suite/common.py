"""What every command shares: the project's folders and settings, messages,
stamps of what was done, and running commands (as root when needed)."""

import hashlib
import json
import os
import shutil
import subprocess
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# The commands' entry point (the set-up runs it again with the venv's Python).
ENTRY = ROOT / "scripts" / "suite.py"

ADDONS_DIR = ROOT / "addons"

VAR_DIR = ROOT / "var"

SUITE_ADDONS = (
    "support_contract",
    "support_helpdesk_scope",
    "support_billing",
    "support_cockpit",
)

DEMO_DB = os.environ.get("SUPPORT_DEMO_DB") or "support_demo"

HTTP_PORT = int(os.environ.get("SUPPORT_HTTP_PORT") or 8069)


class CommandError(Exception):
    """A failure the user can act on: printed as a paragraph, exit status 2."""


def say(message):
    print(f"[support] {message}", flush=True)


def paragraph(text):
    return textwrap.fill(" ".join(text.split()), width=88, break_on_hyphens=False)


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


def run_checked(cmd, **kwargs):
    result = subprocess.run(cmd, check=False, **kwargs)
    if result.returncode:
        raise CommandError(
            f"This command failed ({result.returncode}): {' '.join(cmd)}"
        )
    return result


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
