from odoo import fields, models


class SupportUpgrade(models.Model):
    _inherit = "support.upgrade"

    fee_invoice_line_id = fields.Many2one(
        "account.move.line",
        string="Fee billed on",
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
