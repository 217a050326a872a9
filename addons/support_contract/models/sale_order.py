import os
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import file_path, formatLang

from ..tools import cloc_rules, demo_git, git_url, pricing

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

    def _compute_payment_term_id(self):
        # A customer without payment terms of his own is quoted the company's
        # default ones (Support settings), which his agreement then keeps.
        res = super()._compute_payment_term_id()
        for order in self.filtered(lambda o: not o.payment_term_id):
            order.payment_term_id = order.company_id.sudo().support_payment_term_id
        return res

    def _support_sells_agreement(self):
        """The order sells a support agreement (a product that makes one)."""
        self.ensure_one()
        return any(
            line.product_id.subscribable
            and line.product_id.subscription_template_id.support_kind
            for line in self.order_line
        )

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

    @api.onchange("partner_id")
    def _support_onchange_partner_hourly_discount(self):
        # A new customer brings its agreement discount to the hourly lines,
        # as a default in the form: a saved order is never changed.
        for line in self.order_line:
            if line.product_id.support_hourly_service and not line.display_type:
                line.discount = line._support_default_discount()

    # ------------------------------------------------------------------
    # Quote from repository
    # ------------------------------------------------------------------

    def _support_quote_check(self, template):
        """The quotation can be priced with ``template``, or a clear error."""
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            raise UserError(
                self.env._(
                    "%(order)s is no longer a quotation: only quotations are "
                    "priced from a repository.",
                    order=self.name,
                )
            )
        product = template.support_code_line_product_id
        if template.support_kind != "maintenance" or not product:
            raise UserError(
                self.env._(
                    "%(template)s is not a Maintenance and Support agreement "
                    "template with a code-line product: only those are priced "
                    "from a repository. To sell another agreement, such as an "
                    "Operations agreement, add its monthly fee product to the "
                    "quotation.",
                    template=template.display_name,
                )
            )
        if (
            not product.subscribable
            or product.product_tmpl_id.subscription_template_id != template
        ):
            raise UserError(
                self.env._(
                    "The code-line product %(product)s is not a subscribable "
                    "product of %(template)s, so confirming the quotation would "
                    "not make the agreement. Set it on the product "
                    "(Subscribable product, Subscription template).",
                    product=product.display_name,
                    template=template.display_name,
                )
            )
        if not self.pricelist_id:
            raise UserError(
                self.env._(
                    "%(order)s has no pricelist: the code lines are priced from "
                    "it. Choose one first.",
                    order=self.name,
                )
            )

    def _support_quote_count(self, repository):
        """Count ``repository`` for this quotation: a snapshot, or a
        UserError that leaves everything as it was (the transaction is
        rolled back, the quotation untouched)."""
        self.ensure_one()
        self._support_check_quote_right()
        try:
            with repository._worker_pool() as pool:
                commit, modules = repository._fetch_and_count(pool=pool)
        except (git_url.GitError, cloc_rules.CountError) as error:
            repository._remove_cache()
            raise UserError(
                self.env._(
                    "The quotation was not changed: the count failed.\n%(reason)s",
                    reason=repository._git_error_message(error),
                )
            ) from None
        return (
            self.env["support.cloc.snapshot"]
            .sudo()
            ._create_from_count(repository.sudo(), commit, modules)
            .with_env(self.env)
        )

    def _support_quote_fixed_products(self, template):
        """The template's fixed monthly fees: its subscribable products other
        than the code-line and upgrade-fee products."""
        products = template.product_ids.product_variant_ids.filtered("sale_ok")
        return products - (
            template.support_code_line_product_id
            | template.support_upgrade_fee_product_id
        )

    def _support_quote_unit_price(self, product, quantity):
        """The unit price the agreement will charge for ``quantity`` of
        ``product``: the agreement's own price rule on this order's pricelist
        (tiers are pricelist rules with a minimum quantity)."""
        self.ensure_one()
        agreement = self.env["sale.subscription"].new(
            {"pricelist_id": self.pricelist_id.id, "company_id": self.company_id.id}
        )
        return agreement._support_unit_price(
            product, quantity, fields.Date.context_today(self)
        )

    def _support_quote_write(self, repository, snapshot, template):
        """Write the quotation's lines from ``snapshot`` of ``repository``."""
        self.ensure_one()
        # What the customer reads is in the customer's language and formats.
        customer = self._support_customer()
        template = template.with_env(customer.env)
        block = template.support_code_line_block
        code_lines = snapshot.billable_code_lines
        blocks = pricing.code_line_quantity(code_lines, block)
        product = template.support_code_line_product_id
        unit_price = self._support_quote_unit_price(product, blocks)
        Command = fields.Command
        lines = [
            Command.create(
                {
                    "display_type": "line_section",
                    "name": template.name,
                    "support_quote_line": True,
                }
            ),
            Command.create(
                {
                    "product_id": product.id,
                    "product_uom_qty": blocks,
                    "price_unit": unit_price,
                    "name": customer.env._(
                        "%(product)s: %(lines)s code lines of %(repository)s = "
                        "%(blocks)s blocks of %(block)s lines, per month",
                        product=product.display_name,
                        lines=customer._support_format_number(code_lines),
                        repository=repository.display_name,
                        blocks=customer._support_format_number(blocks),
                        block=customer._support_format_number(block),
                    ),
                    "support_quote_line": True,
                }
            ),
        ]
        for fee in self._support_quote_fixed_products(template):
            lines.append(
                Command.create(
                    {
                        "product_id": fee.id,
                        "product_uom_qty": 1,
                        "support_quote_line": True,
                    }
                )
            )
        upgrade = template.support_upgrade_fee_product_id
        if upgrade and template.support_upgrades_per_year:
            lines.append(
                Command.create(
                    {
                        "display_type": "line_note",
                        "name": customer.env._(
                            "Version upgrade fee: %(product)s, %(price)s excluding "
                            "VAT, charged once when a version upgrade commences, on "
                            "the next monthly invoice (not part of the monthly "
                            "amount).",
                            product=upgrade.with_env(customer.env).display_name,
                            price=customer._support_format_money(
                                self._support_quote_unit_price(upgrade, 1)
                            ),
                        ),
                        "support_quote_line": True,
                    }
                )
            )
        old_repository = self.support_quote_repository_id
        self.write(
            {
                "order_line": [
                    Command.unlink(line.id)
                    for line in self.order_line.filtered("support_quote_line")
                ]
                + lines,
                "support_quote_repository_id": repository.id,
                "support_quote_snapshot_id": snapshot.id,
                "support_quote_template_id": template.id,
                "support_quote_block": block,
                "support_quote_blocks": blocks,
                "support_quote_unit_price": unit_price,
                # Signed online, then billed monthly by the agreement: no
                # prepayment on the portal.
                "require_signature": True,
                "require_payment": False,
            }
        )
        # The commitment note totals the monthly lines just written.
        self.write(
            {
                "order_line": [
                    Command.create(
                        {
                            "display_type": "line_note",
                            "name": customer._support_commitment_note(template),
                            "support_quote_line": True,
                        }
                    )
                ]
            }
        )
        if old_repository and old_repository != repository:
            old_repository.sudo().unlink()
        self.message_post(
            body=self.env._(
                "Priced from %(repository)s at commit %(commit)s: %(lines)s code "
                "lines, %(blocks)s blocks × %(price)s = %(amount)s %(currency)s "
                "a month.",
                repository=self.support_quote_source,
                commit=snapshot.commit[:12],
                lines=code_lines,
                blocks=blocks,
                price=self._support_format_amount(unit_price),
                amount=self._support_format_amount(self.support_quote_code_amount),
                currency=self.currency_id.name,
            )
        )

    def _support_format_amount(self, amount):
        return f"{self.currency_id.round(amount):.{self.currency_id.decimal_places}f}"

    def _support_check_quote_right(self):
        """Quoting from a repository reads it: Support Users only, checked
        before any network or disk work."""
        if self.env.su:
            return
        if not self.env.user.has_group("support_contract.group_support_user"):
            raise AccessError(
                self.env._(
                    "Only Support Users and Support Managers quote from a "
                    "repository: ask one of them."
                )
            )
        self.check_access("write")

    def _support_customer(self):
        """This order in its customer's language, for what they receive."""
        self.ensure_one()
        return self.with_context(lang=self.partner_id.lang or self.env.lang)

    def _support_format_money(self, amount):
        """``amount`` as Odoo writes money in this env's language."""
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _support_format_number(self, number):
        return formatLang(self.env, number, digits=0)

    def _support_commitment_note(self, template):
        """What the customer commits to by signing: the monthly amount, the
        minimum term and the total over it, the upgrades included."""
        months = template.support_minimum_term_months
        if template.support_upgrades_per_year == 1:
            upgrades = self.env._(
                "One version upgrade may be commenced in each 12-month contract "
                "year."
            )
        elif template.support_upgrades_per_year:
            upgrades = self.env._(
                "%(count)s version upgrades may be commenced in each 12-month "
                "contract year.",
                count=template.support_upgrades_per_year,
            )
        else:
            upgrades = ""
        return " ".join(
            filter(
                None,
                [
                    self.env._(
                        "Charged per month for a minimum term of %(months)s "
                        "months: %(total)s excluding VAT over the minimum term.",
                        months=months,
                        total=self._support_format_money(
                            self._support_quote_monthly_amount() * months
                        ),
                    )
                    if months
                    else self.env._("Charged per month."),
                    upgrades,
                ],
            )
        )

    def _support_quote_monthly_amount(self):
        """The monthly amount, excluding VAT, of the lines the agreement
        charges every month (an upgrade fee is a note, charged once)."""
        self.ensure_one()
        return sum(
            self.order_line.filtered(
                lambda line: line.support_quote_line and not line.display_type
            ).mapped("price_subtotal")
        )

    def action_support_quote_recount(self):
        """Count the quoted repository again and rewrite the quotation."""
        self._support_check_quote_right()
        for order in self:
            repository = order.support_quote_repository_id
            if not repository:
                raise UserError(
                    self.env._(
                        "%(order)s was not priced from a repository: use Quote "
                        "from repository.",
                        order=order.name,
                    )
                )
            template = order.support_quote_template_id
            order._support_quote_check(template)
            snapshot = order._support_quote_count(repository)
            order._support_quote_write(repository, snapshot, template)
        return True

    def action_support_quote_wizard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_contract.support_quote_wizard_action"
        )
        action["context"] = {
            "default_order_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

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
