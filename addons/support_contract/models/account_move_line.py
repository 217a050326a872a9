from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # The agreement discount is the default of an hourly line of a customer
    # invoice, set when its product or customer is set: computed on those
    # two only, so a discount a person typed survives saving and posting
    # (posting fills the invoice date: that must not reset it).
    discount = fields.Float(
        compute="_compute_discount",
        store=True,
        readonly=False,
        precompute=True,
        # account's default (0.0) would be taken before the compute runs.
        default=None,
    )

    @api.depends("product_id", "move_id.partner_id")
    def _compute_discount(self):
        # One lookup per customer, company and date, however many lines.
        discounts = {}
        for line in self:
            move = line.move_id
            if not (
                move.is_sale_document(include_receipts=True)
                and line.display_type == "product"
                and line.product_id.support_hourly_service
                and move.partner_id
            ):
                line.discount = line.discount or 0.0
                continue
            on_date = move.invoice_date or fields.Date.context_today(line)
            key = (move.partner_id.commercial_partner_id, move.company_id, on_date)
            if key not in discounts:
                discounts[key] = move.partner_id._support_hourly_discount(
                    on_date, move.company_id
                )
            line.discount = discounts[key]
