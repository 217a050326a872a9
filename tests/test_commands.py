"""The project's commands fail with one clear paragraph, not a traceback."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "scripts" / "suite.py"


def run_suite(*args, env=None, python=sys.executable):
    return subprocess.run(
        [python, str(SUITE), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_wrong_odoo_version_is_one_clear_paragraph_and_exit_2():
    with tempfile.TemporaryDirectory() as fake:
        package = Path(fake, "odoo")
        package.mkdir()
        Path(package, "__init__.py").write_text("")
        Path(package, "release.py").write_text(
            textwrap.dedent(
                """
                version_info = (18, 0, 0, "final", 0, "")
                version = "18.0"
                """
            )
        )
        result = run_suite("test", env={"PYTHONPATH": fake})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "needs Odoo 19.0" in result.stderr
    assert "it gives Odoo 18.0" in result.stderr
    assert "README.md" in result.stderr


def test_missing_odoo_is_one_clear_paragraph_and_exit_2():
    # -S: a Python without site-packages, so `import odoo` finds nothing.
    result = subprocess.run(
        [sys.executable, "-S", str(SUITE), "run"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "needs Odoo 19.0" in result.stderr
    assert "importing it fails" in result.stderr


def readme_sections():
    text = (ROOT / "README.md").read_text()
    return {
        line.lstrip("#").strip().strip("`")
        for line in text.splitlines()
        if line.startswith("#")
    }


def test_the_missing_odoo_message_names_readme_sections_that_exist():
    result = subprocess.run(
        [sys.executable, "-S", str(SUITE), "test"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    message = " ".join(result.stderr.split())
    named = re.findall(r'"([^"]+)"', message)
    assert "Using your own Odoo" in named
    sections = readme_sections()
    for name in named:
        assert name in sections, f"{name!r} is not a section of README.md"


def test_make_reports_the_missing_odoo_through_the_makefile():
    result = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "test", f"PYTHON={sys.executable} -S"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "needs Odoo 19.0" in result.stderr


def test_unreachable_postgresql_is_a_clear_error_and_exit_2():
    result = run_suite("check", env={"PGHOST": "127.0.0.1", "PGPORT": str(free_port())})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "No usable PostgreSQL server at 127.0.0.1" in result.stderr
    assert "PGHOST" in result.stderr


def test_missing_postgresql_socket_is_a_clear_error_and_exit_2():
    with tempfile.TemporaryDirectory() as nowhere:
        result = run_suite("check", env={"PGHOST": nowhere})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert f"No usable PostgreSQL server at {nowhere}" in result.stderr


def test_refused_local_login_is_a_clear_error_and_exit_2():
    result = run_suite("check", env={"PGUSER": "no_such_role_for_support_tests"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "refused the login as role 'no_such_role_for_support_tests'" in result.stderr


def load_script(name):
    """A module of scripts/ (standard library only at import)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_run_start_message_names_every_demo_login():
    message = load_script("suite").start_message()
    for login, password in (
        ("admin", "admin"),
        ("consultant", "consultant"),
        ("manager", "manager"),
        ("accountant", "accountant"),
        ("agent", "agent"),
        ("anna@nordkust.example", "portal"),
        ("erik@solberga.example", "portal"),
        ("maja@bjorkdal-el.example", "portal"),
    ):
        assert f"{login} / {password}" in message


def test_make_test_runs_the_peers_tests_too_and_test_peers_alone():
    for target, expected in (
        ("test", "suite.py --setup-if-needed test --with-peers"),
        ("test-peers", "suite.py --setup-if-needed test-peers"),
    ):
        result = subprocess.run(
            ["make", "-n", "-C", str(ROOT), target],
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if k != "PYTHON"},
            timeout=30,
            check=True,
        )
        assert expected in result.stdout


def test_the_peers_known_failures_name_peer_addons_with_a_reason():
    suite = load_script("suite")
    peer_addons = {addon for addon, _path in suite.PEER_TESTS}
    entries = load_script("peer_tests").read_list(suite.PEER_LIST)
    assert "helpdesk_mgmt/tests/test_js.py" in entries
    for name, (kind, reason) in entries.items():
        assert name.split("/")[0] in peer_addons, name
        assert kind in ("xfail", "deselect") and len(reason) > 20, name
