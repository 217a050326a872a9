from odoo import api, models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    # An order that made a support agreement is invoiced by the agreement,
    # every month (its lines have nothing to invoice, see sale_order_line):
    # the wizard refuses it as it opens, and again when it creates invoices
    # (a down payment chosen on an order that has other lines to invoice,
    # or a call that skipped the form).

    @api.model
    def default_get(self, fields):
        values = super().default_get(fields)
        if self.env.context.get("active_model", "sale.order") == "sale.order":
            orders = self.env["sale.order"].browse(
                self.env.context.get("active_ids") or []
            )
            orders.exists()._support_check_no_order_invoice()
        return values

    def create_invoices(self):
        for wizard in self:
            wizard.sale_order_ids._support_check_no_order_invoice(
                down_payment=wizard.advance_payment_method != "delivered"
            )
        return super().create_invoices()
