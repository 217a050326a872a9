from odoo import Command, api, fields, models


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

    def _support_default_discount(self, with_sold=True):
        """The agreement discount of an hourly line: the customer's running
        agreements and (``with_sold``) those this very order sells."""
        self.ensure_one()
        order = self.order_id
        partner = order.partner_id
        if not partner:
            return 0.0
        on_date = order.date_order and order.date_order.date()
        templates = order._support_agreement_templates() if with_sold else None
        return partner._support_hourly_discount(
            on_date, order.company_id, templates=templates
        )

    def _support_hourly_lines(self):
        return self.filtered(
            lambda line: (
                line.product_id.support_hourly_service and not line.display_type
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # An hourly line's discount is computed when it is created, before
        # the agreement lines created with it exist: once they do, hourly
        # lines without a discount of their own get what the order sells.
        for line, vals in zip(lines, vals_list, strict=True):
            if "discount" not in vals and line._support_hourly_lines():
                line.discount = line._support_default_discount()
        lines.order_id._support_apply_sold_hourly_discount()
        return lines

    def get_subscription_line_values(self):
        # The agreement charges the taxes of the quotation the customer
        # signed, whoever confirms it and in whichever company's context
        # (subscription_oca would take the product's taxes of the current
        # company, none when the customer signs on the portal).
        values = super().get_subscription_line_values()
        values["tax_ids"] = [Command.set(self.tax_ids.ids)]
        # The agreement's line is named in the customer's language, whoever
        # confirms (the customer signing on the portal reads his own).
        values["name"] = self.product_id.with_env(
            self.order_id._support_customer().env
        ).name
        return values

    @api.depends("order_id.subscription_ids")
    def _compute_qty_to_invoice(self):
        # What a support agreement charges every month is invoiced by the
        # agreement, never a second time from the order that made it.
        res = super()._compute_qty_to_invoice()
        for line in self:
            template = line.product_id.subscription_template_id
            agreements = line.order_id.subscription_ids.filtered("support_kind")
            if line.product_id.subscribable and template in agreements.template_id:
                line.qty_to_invoice = 0.0
        return res
