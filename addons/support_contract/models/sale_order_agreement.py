"""Cancelling a signed order that made an agreement."""

from odoo import fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_cancel(self):
        """An order whose agreement is invoiced cannot be cancelled: the
        agreement is closed instead, under its minimum-term rule. An agreement
        never invoiced is closed with its order, so nothing is billed for a
        sale that did not happen."""
        agreements = self.sudo().subscription_ids.filtered(
            lambda a: a.support_kind and a.stage_id.type != "post"
        )
        for agreement in agreements:
            if agreement._support_has_invoices():
                message = self.env._(
                    "%(order)s cannot be cancelled: the agreement %(agreement)s it "
                    "made is already invoiced. Close the agreement instead (Close "
                    "subscription on the agreement).",
                    order=agreement.sale_order_id.name,
                    agreement=agreement.display_name,
                )
                notice = agreement._support_close_notice()
                if notice:
                    message = f"{message}\n\n{notice}"
                raise UserError(message)
        res = super()._action_cancel()
        closed = self.env["sale.subscription.stage"].search(
            [("type", "=", "post")], limit=1
        )
        today = fields.Date.context_today(self)
        for agreement in agreements:
            agreement.with_context(support_closing=True).write(
                {
                    "stage_id": closed.id,
                    "recurring_next_date": False,
                    "date": today,
                }
            )
            agreement.message_post(
                body=self.env._(
                    "Closed with its sale order %(order)s, which was cancelled "
                    "before the agreement was ever invoiced.",
                    order=agreement.sale_order_id.name,
                )
            )
        return res
