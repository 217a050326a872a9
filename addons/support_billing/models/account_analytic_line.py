from odoo import fields, models


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    support_invoice_line_id = fields.Many2one(
        "account.move.line",
        string="Billed on",
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
