"""Run the code-line counting of due repositories in a process of its own.

Used by the tests: python counting_runner.py CONFIG DATABASE
"""

import sys


def main(config, database):
    import odoo  # noqa: PLC0415
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", config, "-d", database])
    registry = Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        done = env["support.repository"]._count_due_repositories(batch=2)
        cr.commit()
    sys.stdout.write(f"{done}\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
