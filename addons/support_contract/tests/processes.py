"""Scheduled runs in real processes of their own, for the tests."""

import signal
import subprocess
import sys
import time
from unittest import TestCase

import odoo
from odoo.modules.registry import Registry


class ProcessRunCase(TestCase):
    """A test that commits and runs ``runner`` in other Odoo processes."""

    runner = None  # path of the script: runner CONFIG DATABASE [ARGS...]

    def setUp(self):
        super().setUp()
        self.database = odoo.tools.config["db_name"]
        if isinstance(self.database, list):
            self.database = self.database[0]
        self.config = odoo.tools.config.rcfile
        self.registry = Registry(self.database)

    def start(self, *args):
        return subprocess.Popen(
            [sys.executable, self.runner, self.config, self.database, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def finish(self, proc):
        """The run's output, once it has ended well."""
        out, err = proc.communicate(timeout=600)
        self.assertEqual(proc.returncode, 0, err.decode()[-2000:])
        return out.decode()

    def kill_when(self, proc, done):
        """SIGKILL ``proc`` as soon as ``done()`` is true (or it ended)."""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None and not done():
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
