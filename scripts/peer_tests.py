"""pytest plugin of `make test-peers`: the peers' known failures and deselections.

Loaded by ``scripts/suite.py test-peers`` with ``-p peer_tests``.  The list
is ``tests/peer_known_failures.txt`` (or the file in ``SUPPORT_PEER_LIST``),
one test a line::

    xfail     <addon>/<path>::<Class>::<test>  <reason>
    deselect  <addon>/<path>[::<Class>[::<test>]]  <reason>

A test is named from its addon's folder, wherever that addon is installed
(Odoo's source, site-packages).  ``xfail``: a failure is reported as expected
(``x`` in pytest's summary) and any other failure fails the run; ``deselect``:
not run at all.  The reasons are printed at the end of the run.
"""

import os
from pathlib import Path

import pytest

LIST_PATH = Path(
    os.environ.get("SUPPORT_PEER_LIST")
    or Path(__file__).resolve().parent.parent / "tests" / "peer_known_failures.txt"
)
KINDS = ("xfail", "deselect")


def read_list(path=LIST_PATH):
    """{test name: (kind, reason)} from the list file."""
    entries = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) < 3 or parts[0] not in KINDS:
            raise pytest.UsageError(
                f"{path}:{number}: expected '<xfail|deselect> <addon>/<path>::"
                f"<Class>::<test> <reason>', got: {line}"
            )
        entries[parts[1]] = (parts[0], parts[2])
    return entries


def addon_name_of(item):
    """'<addon>/<path>::<Class>::<test>' of a collected test."""
    path = Path(str(item.path))
    for parent in path.parents:
        if (parent / "__manifest__.py").is_file():
            relative = path.relative_to(parent.parent).as_posix()
            return "::".join([relative, *item.nodeid.split("::")[1:]])
    return item.nodeid


class PeerList:
    def __init__(self, entries):
        self.entries = entries
        self.used = set()
        self.deselected = []
        self.expected = []

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        keep, drop = [], []
        for item in items:
            name = addon_name_of(item)
            # A test, its class or its file.
            parts = name.split("::")
            listed = [
                "::".join(parts[:n])
                for n in range(len(parts), 0, -1)
                if "::".join(parts[:n]) in self.entries
            ]
            kind, reason = self.entries[listed[0]] if listed else (None, None)
            if kind:
                self.used.add(listed[0])
            if kind == "deselect":
                drop.append(item)
                self.deselected.append(listed[0])
                continue
            if kind == "xfail":
                item.add_marker(pytest.mark.xfail(reason=reason, strict=False))
                self.expected.append((name, reason))
            keep.append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep

    def pytest_terminal_summary(self, terminalreporter):
        write = terminalreporter.write_line
        if self.deselected or self.expected:
            terminalreporter.section(
                "peer tests listed in tests/peer_known_failures.txt"
            )
            for name in sorted(set(self.deselected)):
                count = self.deselected.count(name)
                write(f"not run   {name} ({count} tests): {self.entries[name][1]}")
            for name, reason in self.expected:
                write(f"expected  {name}: {reason}")
        unused = sorted(set(self.entries) - self.used)
        if unused and terminalreporter.config.getoption("peer_list_check"):
            terminalreporter.section("listed peer tests that were not collected")
            for name in unused:
                write(name)


def pytest_addoption(parser):
    parser.addoption(
        "--peer-list-check",
        action="store_true",
        dest="peer_list_check",
        help="name the listed peer tests that no target collected",
    )


def pytest_configure(config):
    config.pluginmanager.register(PeerList(read_list()), "support-peer-list")
