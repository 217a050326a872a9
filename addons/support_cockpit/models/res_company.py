from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    support_hour_cost = fields.Monetary(
        string="Cost of a support hour",
        currency_field="currency_id",
        help="What an hour of support costs the company (salary, overhead). "
        "The cockpit values the hours of included support at this rate to "
        "show each agreement's margin.",
    )
