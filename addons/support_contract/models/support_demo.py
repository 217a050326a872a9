from odoo import api, models

from ..tools import demo_database, demo_repositories


class SupportDemo(models.AbstractModel):
    """What the demo data calls (``<function>`` needs a model): the demo's
    generation lives in ``tools/demo_*.py``, out of the production models."""

    _name = "support.demo"
    _description = "Demo data of the support suite"

    @api.model
    def _setup_repositories(self, specs, months=12):
        return demo_repositories.setup_repositories(self.env, specs, months=months)

    @api.model
    def _setup_database(self, instance_xmlid):
        return demo_database.setup_database(self.env, instance_xmlid)
