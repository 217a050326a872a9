from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

from ..tools import cloc_rules, git_url, pricing


class SaleOrder(models.Model):
    """Quote from repository: a quotation priced from a prospect's code,
    counted on a repository kept inactive until the order is confirmed."""

    _inherit = "sale.order"

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
        if old_repository and old_repository != repository:
            old_repository.sudo().unlink()
        # Staff read the note: in the language and money format of the one
        # who priced the quotation.
        self.message_post(
            body=self.env._(
                "Priced from %(repository)s at commit %(commit)s: %(lines)s code "
                "lines, %(blocks)s blocks × %(price)s = %(amount)s per month.",
                repository=self.support_quote_source,
                commit=snapshot.commit[:12],
                lines=self._support_format_number(code_lines),
                blocks=self._support_format_number(blocks),
                price=self._support_format_money(unit_price),
                amount=self._support_format_money(self.support_quote_code_amount),
            )
        )

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

    def _support_agreement_templates(self):
        """The support agreement templates this order sells, however its
        lines were added: the quoted one and those of its agreement
        products."""
        self.ensure_one()
        products = self.order_line.product_id.filtered("subscribable")
        templates = self.support_quote_template_id | products.subscription_template_id
        return templates.filtered("support_kind")

    def _support_agreement_lines(self, template):
        """The lines the agreement of ``template`` will charge every month:
        its subscribable products (an upgrade fee is charged once)."""
        self.ensure_one()
        return self.order_line.filtered(
            lambda line: (
                not line.display_type
                and line.product_id.subscribable
                and line.product_id.subscription_template_id == template
                and line.product_id != template.support_upgrade_fee_product_id
            )
        )

    def _support_quote_monthly_amount(self, template=None):
        """The monthly amount, excluding VAT, of the agreement of
        ``template`` (by default the first one the order sells)."""
        self.ensure_one()
        template = template or self._support_agreement_templates()[:1]
        return self.currency_id.round(
            sum(self._support_agreement_lines(template).mapped("price_subtotal"))
        )

    def _support_commitments(self):
        """What the customer commits to by signing, one dict per agreement
        the order sells, computed from its lines when shown: the monthly
        amount, the minimum term and the total over it, the upgrade fee (when
        the agreement includes upgrades) and the upgrades a year. The PDF and
        the portal page show it (``sale_order_quote_commitment``)."""
        self.ensure_one()
        commitments = []
        for template in self._support_agreement_templates():
            monthly = self._support_quote_monthly_amount(template)
            months = template.support_minimum_term_months
            upgrades = template.support_upgrades_per_year
            upgrade = template.support_upgrade_fee_product_id if upgrades else False
            commitments.append(
                {
                    "template": template,
                    "monthly": monthly,
                    "months": months,
                    "total": self.currency_id.round(monthly * months),
                    "upgrades": upgrades,
                    "upgrade_product": upgrade,
                    "upgrade_fee": upgrade
                    and self._support_quote_unit_price(upgrade, 1),
                }
            )
        return commitments

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
