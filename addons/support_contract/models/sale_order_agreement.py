"""The agreements an order sells: the customer's running ones, and
cancelling a signed order that made one."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    support_running_warning = fields.Text(
        string="Running agreements",
        compute="_compute_support_running_warning",
        help="The customer already has a running agreement of the kind this "
        "quotation sells. Not an error (one agreement per instance), but check "
        "that it is not the same instance sold twice.",
    )

    @api.depends("partner_id", "order_line.product_id", "state")
    def _compute_support_running_warning(self):
        Agreement = self.env["sale.subscription"].sudo()
        for order in self:
            order.support_running_warning = False
            if order.state not in ("draft", "sent") or not order.partner_id:
                continue
            kinds = {
                line.product_id.subscription_template_id.support_kind
                for line in order.order_line
                if line.product_id.subscribable
            } - {False, None}
            if not kinds:
                continue
            running = Agreement._support_running_for_partner(order.partner_id).filtered(
                lambda a, kinds=kinds, order=order: (
                    a.support_kind in kinds
                    and a.sale_order_id != order
                    and a.stage_id.type == "in_progress"
                )
            )
            if running:
                order.support_running_warning = self.env._(
                    "%(customer)s already has a running agreement of this kind: "
                    "%(agreements)s. A second one is right only for another "
                    "instance: check that this quotation does not sell the same "
                    "instance twice.",
                    customer=order.partner_id.commercial_partner_id.display_name,
                    agreements=", ".join(running.mapped("display_name")),
                )

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
