from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.onchange("partner_id")
    def _support_onchange_partner_hourly_discount(self):
        # A new customer brings its agreement discount to the hourly lines,
        # as a default in the form: a saved order is never changed.
        for line in self.order_line:
            if line.product_id.support_hourly_service and not line.display_type:
                line.discount = line._support_default_discount()
