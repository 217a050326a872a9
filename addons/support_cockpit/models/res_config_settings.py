from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    support_cockpit_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    support_hour_cost = fields.Monetary(
        related="company_id.support_hour_cost",
        currency_field="support_cockpit_currency_id",
        readonly=False,
    )
