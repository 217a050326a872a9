from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    discount = fields.Float(
        compute="_compute_discount",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("product_id", "move_id.partner_id", "move_id.invoice_date")
    def _compute_discount(self):
        for line in self:
            if (
                line.move_id.is_sale_document(include_receipts=True)
                and line.display_type == "product"
                and line.product_id.support_hourly_service
                and line.move_id.partner_id
            ):
                line.discount = line.move_id.partner_id._support_hourly_discount(
                    line.move_id.invoice_date
                )
            else:
                line.discount = line.discount or 0.0
