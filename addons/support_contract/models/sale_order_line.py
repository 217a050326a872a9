from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    support_quote_line = fields.Boolean(
        string="Quote line",
        copy=False,
        help="Written by Quote from repository: rewritten at each recount.",
    )

    def _compute_discount(self):
        # Same triggers as sale's own compute (product, unit, quantity): the
        # agreement discount is the default of an hourly line when its
        # product is set, and never replaces what a person typed later.
        res = super()._compute_discount()
        for line in self:
            if line.product_id.support_hourly_service and not line.display_type:
                line.discount = line._support_default_discount()
        return res

    def _support_default_discount(self):
        self.ensure_one()
        order = self.order_id
        partner = order.partner_id
        if not partner:
            return 0.0
        on_date = order.date_order and order.date_order.date()
        return partner._support_hourly_discount(on_date, order.company_id)
