import os
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import file_path

from ..tools import demo_git, git_url

DEFAULT_QUOTE_DAYS = 30
# {sale.order field: group its compute needs}, see _compute_field_value.
SUDO_COMPUTES = {
    "show_hours_recorded_button": "project.group_project_user",
    "project_ids": "sales_team.group_sale_salesman",
    "project_count": "sales_team.group_sale_salesman",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # A quotation priced from a prospect's code ("Quote from repository").
    # The repository is kept inactive, without an agreement, until the order
    # is confirmed; its count is the quote's evidence and becomes the
    # agreement's first applied count.
    support_quote_repository_id = fields.Many2one(
        "support.repository",
        string="Quoted repository",
        readonly=True,
        copy=False,
    )
    support_quote_snapshot_id = fields.Many2one(
        "support.cloc.snapshot",
        string="Quoted count",
        readonly=True,
        copy=False,
    )
    support_quote_template_id = fields.Many2one(
        "sale.subscription.template",
        string="Quoted agreement",
        readonly=True,
        copy=False,
    )
    support_quote_count_date = fields.Datetime(
        related="support_quote_snapshot_id.date", string="Counted on"
    )
    support_quote_commit = fields.Char(
        related="support_quote_snapshot_id.commit", string="Commit counted"
    )
    support_quote_code_lines = fields.Integer(
        related="support_quote_snapshot_id.billable_code_lines",
        string="Code lines charged",
    )
    support_quote_source = fields.Char(
        string="Repository counted",
        compute="_compute_support_quote_source",
        compute_sudo=True,
        help="The repository's URL as the customer gave it (its name for the "
        "demo's local repositories, so no server path is shown).",
    )
    support_quote_block = fields.Integer(
        string="Lines per block", readonly=True, copy=False
    )
    support_quote_blocks = fields.Integer(string="Blocks", readonly=True, copy=False)
    support_quote_unit_price = fields.Monetary(
        string="Price per block", readonly=True, copy=False
    )
    support_quote_code_amount = fields.Monetary(
        string="Monthly code-line amount",
        compute="_compute_support_quote_code_amount",
    )
    support_quote_stale = fields.Boolean(
        string="Count to renew",
        compute="_compute_support_quote_stale",
        compute_sudo=True,
        help="The count is older than the company's support settings allow "
        "(Recount quotations after, 30 days by default): count again before "
        "the quotation is confirmed.",
    )
    support_agreement_order = fields.Boolean(
        string="Made a support agreement",
        compute="_compute_support_agreement_order",
        compute_sudo=True,
        help="The order made a support agreement (either kind), which "
        "invoices the customer every month: the order takes no down payment.",
    )

    @api.depends("support_quote_blocks", "support_quote_unit_price", "currency_id")
    def _compute_support_quote_code_amount(self):
        for order in self:
            order.support_quote_code_amount = order.currency_id.round(
                order.support_quote_blocks * order.support_quote_unit_price
            )

    @api.depends("support_quote_repository_id")
    def _compute_support_quote_source(self):
        for order in self:
            repository = order.support_quote_repository_id.sudo()
            if repository and git_url.is_local_url(repository.url):
                order.support_quote_source = repository.name
            else:
                order.support_quote_source = repository.url or False

    @api.depends("support_quote_snapshot_id.date", "state")
    @api.depends_context("date")
    def _compute_support_quote_stale(self):
        for order in self:
            limit = fields.Datetime.now() - timedelta(days=order._support_quote_days())
            date = order.support_quote_snapshot_id.date
            order.support_quote_stale = bool(
                date and order.state in ("draft", "sent") and date < limit
            )

    def _support_quote_days(self):
        """Days a quotation's count stays valid: the company's support
        setting."""
        company = self.company_id[:1] or self.env.company
        return company.sudo().support_quote_recount_days or DEFAULT_QUOTE_DAYS

    @api.depends("subscription_ids.support_kind")
    def _compute_support_agreement_order(self):
        for order in self:
            order.support_agreement_order = bool(order._support_agreements())

    def _support_agreements(self):
        """The support agreements (either kind) this order made."""
        self.ensure_one()
        return self.sudo().subscription_ids.filtered("support_kind")

    def _support_check_no_order_invoice(self, down_payment=False):
        """An order that made a support agreement is invoiced by the
        agreement, every month: no down payment, and no invoice of its own
        unless it has other lines to invoice."""
        for order in self:
            agreements = order._support_agreements()
            if not agreements:
                continue
            others = order.order_line.filtered(
                lambda line: not line.display_type and line.qty_to_invoice
            )
            if down_payment or not others:
                raise UserError(
                    self.env._(
                        "Order %(order)s made the support agreement "
                        "%(agreement)s, which invoices the customer every "
                        "month: the order is not invoiced itself and takes no "
                        "down payment.",
                        order=order.name,
                        agreement=", ".join(agreements.mapped("name")),
                    )
                )

    def _compute_payment_term_id(self):
        # A customer without payment terms of his own is quoted the company's
        # default ones (Support settings), which his agreement then keeps.
        res = super()._compute_payment_term_id()
        for order in self.filtered(lambda o: not o.payment_term_id):
            order.payment_term_id = order.company_id.sudo().support_payment_term_id
        return res

    def _support_sells_agreement(self):
        """The order sells a support agreement, however its lines were added
        (Quote from repository or an agreement product added in Sales): the
        one notion the signature, the signing sentence, the hourly discount
        paragraph and the commitment block share."""
        self.ensure_one()
        return bool(self._support_agreement_templates())

    def _support_agreement_confirmation(self):
        """An agreement is signed online by the customer and billed monthly
        by the agreement: signature asked, no prepayment on the portal."""
        self.filtered(lambda o: o._support_sells_agreement()).write(
            {"require_signature": True, "require_payment": False}
        )

    @api.onchange("order_line")
    def _support_onchange_agreement_lines(self):
        if self._support_sells_agreement():
            self.require_signature = True
            self.require_payment = False
        self._support_apply_sold_hourly_discount()

    def _support_apply_sold_hourly_discount(self):
        """Hours sold on an order that sells an agreement get its hourly
        discount (the partner's rule, res.partner._support_hourly_discount):
        hourly lines still at the customer's own default are raised to it,
        a discount a person typed is kept."""
        for order in self:
            if not order._support_sells_agreement():
                continue
            for line in order.order_line._support_hourly_lines():
                default = line._support_default_discount()
                if line.discount < default and (
                    line.discount == line._support_default_discount(with_sold=False)
                ):
                    line.discount = default

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._support_agreement_confirmation()
        return orders

    def _compute_field_value(self, field):
        # Odoo's modules installed with the suite's timesheets compute fields
        # of the quotation form from fields of other groups: sale_timesheet's
        # hours button from project_count (Project users only), sale_project's
        # projects (shown with milestones to every internal user) from
        # projects' sales order (salesmen only). Anyone else opening a
        # quotation, a consultant or an accountant, got an access error:
        # these computes run as superuser for them.
        group = SUDO_COMPUTES.get(field.name)
        if group and not self.env.su and not self.env.user.has_group(group):
            return super(SaleOrder, self.sudo())._compute_field_value(field)
        return super()._compute_field_value(field)

    @api.depends("partner_id")
    def _compute_partner_invoice_id(self):
        # Odoo's invoice address, but a person with an email when the
        # customer company itself has none: the invoices and notices of the
        # agreement go there.
        res = super()._compute_partner_invoice_id()
        for order in self.filtered("partner_id"):
            order.partner_invoice_id = order.partner_id._support_invoice_address()
        return res

    @api.onchange("partner_id")
    def _support_onchange_partner_hourly_discount(self):
        # A new customer brings its agreement discount to the hourly lines,
        # as a default in the form: a saved order is never changed.
        for line in self.order_line._support_hourly_lines():
            line.discount = line._support_default_discount()

    # ------------------------------------------------------------------
    # Confirmation: subscription_oca makes the agreement
    # ------------------------------------------------------------------

    def _support_check_quote_fresh(self):
        for order in self.filtered("support_quote_snapshot_id"):
            if order.support_quote_stale:
                raise UserError(order._support_stale_message())

    def _support_stale_message(self):
        self.ensure_one()
        return self.env._(
            "The code of %(order)s was counted on %(date)s, more than %(days)s "
            "days ago: the price may no longer match the code. Recount it "
            "(Recount on the quotation) before it is confirmed.",
            order=self.name,
            date=fields.Date.to_string(self.support_quote_count_date.date()),
            days=self._support_quote_days(),
        )

    def create_subscription(self, lines, subscription_tmpl):
        # subscription_oca creates it in the current company: an agreement
        # belongs to its order's company, whoever confirms the order (a
        # customer signing on the portal is in the site's default company).
        before = self.subscription_ids
        res = super(SaleOrder, self.with_company(self.company_id)).create_subscription(
            lines, subscription_tmpl
        )
        if subscription_tmpl.support_kind:
            self._support_agreement_from_order(self.subscription_ids - before)
        return res

    def _support_agreement_from_order(self, agreements):
        """An agreement sold by this order (either kind): its responsible is
        the order's salesperson, not whoever confirmed (the customer, when he
        signs on the portal); its first period is due from its start (billed
        in advance); a customer without payment terms of his own keeps the
        ones he signed for."""
        self.ensure_one()
        company = self.company_id
        for agreement in agreements.sudo():
            agreement.write(
                {
                    "user_id": self.user_id.id or agreement.user_id.id,
                    "recurring_next_date": agreement.date_start,
                    # Its invoices go where the order's did.
                    "partner_invoice_id": self.partner_invoice_id.id
                    or agreement.partner_invoice_id.id,
                }
            )
        customer = self.partner_invoice_id.commercial_partner_id.sudo().with_company(
            company
        )
        terms = self.payment_term_id or company.sudo().support_payment_term_id
        if terms and not customer.property_payment_term_id:
            customer.property_payment_term_id = terms

    def action_confirm(self):
        self._support_check_quote_fresh()
        res = super().action_confirm()
        for order in self.filtered("support_quote_snapshot_id"):
            order._support_quote_make_agreement()
        return res

    def _support_quote_make_agreement(self):
        """The agreement subscription_oca made from this order gets the
        quoted repository and its count as its first applied count."""
        self.ensure_one()
        template = self.support_quote_template_id
        agreement = self.subscription_ids.filtered(lambda s: s.template_id == template)[
            :1
        ]
        if not agreement:
            return
        agreement = agreement.sudo()
        repository = self.support_quote_repository_id.sudo()
        repository.write({"agreement_id": agreement.id, "active": True})
        self.support_quote_snapshot_id.sudo()._apply()
        repository.next_count_date = repository._next_count_date()
        agreement.message_post(
            body=self.env._(
                "Made from quotation %(order)s: %(repository)s counted at commit "
                "%(commit)s (%(lines)s code lines) is the first applied count.",
                order=self.name,
                repository=repository.display_name,
                commit=self.support_quote_commit[:12],
                lines=self.support_quote_code_lines,
            )
        )

    # ------------------------------------------------------------------
    # Demo
    # ------------------------------------------------------------------

    @api.model
    def _support_demo_quote(self, specs):
        """Quotations priced from real git repositories made for the demo.

        ``specs``: [(folder under demo/repositories, order xmlid, template
        xmlid)]; each numbered step folder becomes one commit. The
        repositories lie under the demo's own folder, the only local paths
        allowed.
        """
        Repository = self.env["support.repository"]
        for folder, order_xmlid, template_xmlid in specs:
            order = self.env.ref(order_xmlid)
            # Priced by its salesperson, in his language (the chatter note).
            order = order.with_context(lang=order.user_id.lang or self.env.lang)
            template = self.env.ref(template_xmlid)
            source = file_path(f"support_contract/demo/repositories/{folder}")
            target = os.path.join(demo_git.demo_base(self.env.cr.dbname), folder)
            demo_git.init_repository(target)
            for step in sorted(os.listdir(source)):
                if os.path.isdir(os.path.join(source, step)):
                    demo_git.commit_step(target, os.path.join(source, step))
            order._support_quote_check(template)
            repository = Repository.with_company(order.company_id).create(
                {
                    "name": f"{folder}-addons",
                    "sale_order_id": order.id,
                    "url": target,
                    "active": False,
                }
            )
            snapshot = order._support_quote_count(repository)
            order._support_quote_write(repository, snapshot, template)
        return True
