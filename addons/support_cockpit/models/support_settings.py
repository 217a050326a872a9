from odoo import api, fields, models


class SupportSettings(models.TransientModel):
    _inherit = "support.settings"

    hour_cost = fields.Monetary(
        string="Cost of a support hour",
        currency_field="currency_id",
        help="What an hour of support costs the company (salary, overhead). "
        "The cockpit values the hours of included support at this rate to "
        "show each agreement's margin.",
    )

    @api.model
    def _support_company_fields(self):
        return {**super()._support_company_fields(), "hour_cost": "support_hour_cost"}
