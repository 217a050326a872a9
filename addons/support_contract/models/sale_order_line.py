from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.depends("order_id.partner_id", "order_id.date_order")
    def _compute_discount(self):
        res = super()._compute_discount()
        # Without the pricelist discount feature the standard compute leaves
        # the old value: an hourly line must not keep a former agreement's
        # discount when the customer changes.
        pricelist_discounts = self.env[
            "product.pricelist.item"
        ]._is_discount_feature_enabled()
        for line in self:
            if not line.product_id.support_hourly_service or line.display_type:
                continue
            partner = line.order_id.partner_id
            on_date = line.order_id.date_order and line.order_id.date_order.date()
            discount = partner._support_hourly_discount(on_date) if partner else 0.0
            if discount or not pricelist_discounts:
                line.discount = discount
        return res
