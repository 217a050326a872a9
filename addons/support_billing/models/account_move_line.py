from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    support_period_start = fields.Date(string="Period from", copy=False)
    support_period_end = fields.Date(string="Period to", copy=False)
    support_kind = fields.Selection(
        selection=[
            ("recurring", "Recurring fee"),
            ("time", "Billable ticket time"),
            ("upgrade", "Upgrade fee"),
            ("usage", "Usage"),
        ],
        string="Support line",
        copy=False,
    )
