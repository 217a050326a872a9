from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # account's default (0.0) would fill the discount of every line created
    # in code before the compute could run: only the rule below sets it.
    discount = fields.Float(
        compute="_compute_discount",
        store=True,
        readonly=False,
        precompute=True,
        default=None,
    )

    @api.depends("product_id", "move_id.partner_id", "move_id.invoice_date")
    def _compute_discount(self):
        # One lookup per customer and date, however many invoices are made.
        discounts = {}
        for line in self:
            move = line.move_id
            if (
                move.is_sale_document(include_receipts=True)
                and line.display_type == "product"
                and line.product_id.support_hourly_service
                and move.partner_id
            ):
                key = (move.partner_id.commercial_partner_id, move.invoice_date)
                if key not in discounts:
                    discounts[key] = move.partner_id._support_hourly_discount(
                        move.invoice_date
                    )
                line.discount = discounts[key]
            else:
                line.discount = line.discount or 0.0
