from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Copied with the line: an invoice made again from a credited one
    # (Reverse and create invoice) keeps what each line bills.
    support_period_start = fields.Date(string="Period from")
    support_period_end = fields.Date(string="Period to")
    support_kind = fields.Selection(
        selection=[
            ("recurring", "Recurring fee"),
            ("time", "Billable ticket time"),
            ("upgrade", "Upgrade fee"),
            ("usage", "Usage"),
        ],
        string="Support line",
    )
