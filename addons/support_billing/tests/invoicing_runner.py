"""Run the invoicing batch in a process of its own (used by the tests).

python invoicing_runner.py CONFIG DATABASE YYYY-MM-DD
"""

import sys
from datetime import date


def main(config, database, today):
    import odoo  # noqa: PLC0415
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", config, "-d", database])
    registry = Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        created = env["sale.subscription"]._support_invoice_due_agreements(
            date.fromisoformat(today), batch=5
        )
        cr.commit()
    sys.stdout.write(f"{created}\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
