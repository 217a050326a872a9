#!/usr/bin/env python3
"""The portal instance page with its patch rounds, for the README.

    python3 scripts/screenshot_patch_round.py [--url URL] [--db DATABASE]

Same way as scripts/screenshots.py (whose session and browser it uses): Anna
of Nordkust logs in and the page is saved to
docs/screenshots/portal-instance-patch-rounds.png.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import screenshots  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="support_demo")
    args = parser.parse_args()
    os.makedirs(screenshots.OUT, exist_ok=True)
    admin = screenshots.Session(args.url, args.db, "admin", "admin")
    instance = admin.ref("support_contract.instance_nordkust_prod_demo")
    anna = screenshots.Session(args.url, args.db, "anna@nordkust.example", "portal")
    browser = screenshots.Chromium()
    try:
        browser.shot(
            anna,
            f"/my/instances/{instance}",
            os.path.join(screenshots.OUT, "portal-instance-patch-rounds.png"),
            selector="main",
        )
    finally:
        browser.close()


if __name__ == "__main__":
    main()
