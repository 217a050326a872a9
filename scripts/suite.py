#!/usr/bin/env python3
"""The project's commands: ``run``, ``test``, ``bench`` and their checks.

Called by the Makefile (``python3 scripts/suite.py <command>``).  The work is
done by the package ``support_suite`` next to this file, one module per
concern (see its ``__init__``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support_suite.cli import main  # noqa: E402
from support_suite.demo import start_message  # noqa: E402, F401
from support_suite.testing import PEER_LIST, PEER_TESTS  # noqa: E402, F401

if __name__ == "__main__":
    sys.exit(main())
