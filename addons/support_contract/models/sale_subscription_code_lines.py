from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.misc import format_amount, format_date

from ..tools import contract_dates, formats, pricing


class SaleSubscription(models.Model):
    """The agreement's price from its code-line count: applying a count,
    the counts in force on a day, and the prices and notes they give."""

    _inherit = "sale.subscription"

    # ------------------------------------------------------------------
    # Price from the code-line count
    # ------------------------------------------------------------------

    def _support_code_line_line(self):
        self.ensure_one()
        product = self.support_code_line_product_id
        return self.sale_subscription_line_ids.filtered(
            lambda line: line.product_id == product
        )[:1]

    def _support_apply_code_lines(self, snapshot, previous):
        """Set the code-line quantity from the repositories' applied counts.

        Only the subscription line changes: invoices already made keep theirs,
        the next invoice takes the new quantity. The chatter records the
        change with the per-addon differences and the customer is emailed.
        """
        self.ensure_one()
        product = self.support_code_line_product_id
        if self.support_kind != "maintenance" or not product:
            return False
        self.invalidate_recordset(["support_code_lines"])
        code_lines = self.support_code_lines
        quantity = pricing.code_line_quantity(code_lines, self.support_code_line_block)
        line = self._support_code_line_line()
        old_quantity = line.product_uom_qty if line else 0
        if not line or old_quantity != quantity:
            values = {
                "product_uom_qty": quantity,
                # The pricelist's price for this quantity, so volume tiers are
                # ordinary pricelist rules with a minimum quantity.
                "price_unit": self._support_code_line_price(quantity),
                "discount": 0.0,
            }
            if line:
                line.write(values)
            else:
                line = self.env["sale.subscription.line"].create(
                    {
                        "sale_subscription_id": self.id,
                        "product_id": product.id,
                        **values,
                    }
                )
            # subscription_oca's totals depend on the lines, not on their
            # amounts: recompute them here rather than change that rule for
            # every subscription.
            for name in ("recurring_total", "amount_tax", "amount_total"):
                self.env.add_to_compute(self._fields[name], self)
        if old_quantity == quantity:
            return False
        differences = snapshot._differences(previous)
        applies_from = self._support_count_applies_from(snapshot)
        unit_price = self._support_code_line_price(quantity, applies_from)
        facts = {
            "old_quantity": int(old_quantity),
            "new_quantity": quantity,
            "code_lines": code_lines,
            "block": self.support_code_line_block,
            "unit_price": unit_price,
            "monthly_amount": self.currency_id.round(unit_price * quantity),
            "applies_from": applies_from,
            "repository": snapshot.source_name,
            "commit": snapshot.commit,
            "differences": differences,
        }
        self.message_post(body=self._support_code_line_note(facts))
        template = self.env.ref(
            "support_contract.mail_template_code_lines_changed",
            raise_if_not_found=False,
        )
        # The count email says "we counted": not sent when only the addons
        # not charged changed (the portal shows them, with their reason).
        if template and not self.env.context.get("support_override_reprice"):
            recipient = self._support_mail_recipient()
            if recipient.email:
                # The counts as the customer's language writes them.
                reader = self.with_context(lang=recipient.lang or self.env.lang).env
                # (new_quantity stays a number: the email tests it for 1.)
                shown = dict(
                    facts,
                    code_lines=formats.count(reader, facts["code_lines"]),
                    old_quantity=formats.count(reader, facts["old_quantity"]),
                    differences=[
                        (name, formats.count(reader, old), formats.count(reader, new))
                        for name, old, new in facts["differences"]
                    ],
                )
                self.with_context(
                    support_code_line_change=shown
                ).message_post_with_source(
                    template,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=recipient.ids,
                )
            else:
                self._support_report_missing_email(
                    self,
                    self.env._("the notice of the new code-line count"),
                    self.user_id,
                )
        return True

    def _support_mail_recipient(self):
        """Who the agreement's emails go to: its invoice address (a person
        with an email, see ``res.partner._support_invoice_address``)."""
        self.ensure_one()
        return self.partner_invoice_id or self.partner_id

    def _support_report_missing_email(self, document, what, user):
        """No email could be sent for ``document`` (this agreement or one of
        its invoices): the customer has no email address. A note on the
        document and on the agreement, and one to-do for ``user`` (the
        accountant or the responsible) on the document, so someone adds the
        address and sends it again. Done once per document."""
        self.ensure_one()
        customer = self._support_mail_recipient()
        body = self.env._(
            "No email was sent for %(what)s: %(customer)s has no email address. "
            "Give the customer (or its invoice contact) an email address and "
            "send it again.",
            what=what,
            customer=customer.display_name,
        )
        summary = self.env._("Customer has no email address")
        document.message_post(body=body)
        if document != self:
            self.message_post(body=body)
        user = user or self.user_id or self.env.user
        if not user or user.share:
            return
        already = (
            self.env["mail.activity"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", document._name),
                    ("res_id", "=", document.id),
                    ("user_id", "=", user.id),
                    ("summary", "=", summary),
                ]
            )
        )
        if not already:
            document.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=body,
                user_id=user.id,
            )

    def _support_counts_in_force(self, day):
        """{source: applied count} that set the price when ``day`` began.

        Per active source (repository, or instance whose database is
        counted), its last count applied before that day; a source not
        counted by then has none. When no count at all was applied before
        that day, the first counts: the first count sets the price from the
        start (a period before it is never billed at a later count).
        """
        self.ensure_one()
        repositories = self.support_repository_ids.filtered("active")
        instances = self._support_counted_instances()
        if not repositories and not instances:
            return {}
        began = fields.Datetime.to_datetime(day)
        before, first = {}, {}
        for snapshot in (
            self.env["support.cloc.snapshot"]
            .sudo()
            .search(
                [
                    "|",
                    ("repository_id", "in", repositories.ids),
                    ("instance_id", "in", instances.ids),
                    ("state", "=", "applied"),
                ],
                order="date desc, id desc",
            )
        ):
            source = snapshot._source()
            first[source] = snapshot  # newest first: the last one is the first
            if snapshot.date < began:
                before.setdefault(source, snapshot)
        return before or first

    def _support_count_applies_from(self, snapshot):
        """The first day of the first billing period that ``snapshot`` (just
        applied) prices, by the rule of ``_support_counts_in_force``: the
        period holding the count's day when the count is in force when it
        began (a first count), otherwise the next one."""
        self.ensure_one()
        counted = snapshot.date.date() if snapshot.date else fields.Date.today()
        start = self.date_start or counted
        months = 0
        while contract_dates.add_months(start, months + 1) <= counted:
            months += 1
        period_start = contract_dates.add_months(start, months)
        if snapshot in self._support_counts_in_force(period_start).values():
            return period_start
        return contract_dates.add_months(start, months + 1)

    def _support_code_line_quantity_on(self, day):
        """The code-line quantity in force when ``day`` began; None without
        any applied count (the quantity is then the agreement's own)."""
        counts = self._support_counts_in_force(day)
        if not counts:
            return None
        code_lines = sum(s.billable_code_lines for s in counts.values())
        return pricing.code_line_quantity(code_lines, self.support_code_line_block)

    def _support_unit_price(self, product, quantity=1.0, on_date=None):
        """The one price rule of the suite: ``product``'s unit price for this
        agreement, from its pricelist on ``on_date`` (so tiers are pricelist
        rules with a minimum quantity), in the agreement's currency.

        Code lines (at the period's start), upgrade fees (at the
        commencement date) and the hourly rate (at the date of the work) all
        come from here; without a pricelist, the product's sales price.
        """
        self.ensure_one()
        on_date = on_date or fields.Date.context_today(self)
        # In the agreement's company, whoever asks: the product's price is in
        # that company's currency (a portal visitor's or another company's
        # environment would convert it from the wrong currency).
        company = self.company_id
        product = product.with_company(company)
        if not self.pricelist_id:
            return product.lst_price
        return self.pricelist_id.with_company(company)._get_product_price(
            product, quantity or 1.0, currency=self.currency_id, date=on_date
        )

    @api.model
    def _support_hourly_price(self, partner, company, on_date=None):
        """(unit price, discount %, rate) of an hour of billable work for
        ``partner`` in ``company`` on ``on_date``.

        The unit price follows the covering agreement's pricelist (the
        product's price without an agreement); the discount is the highest of
        the customer's running agreements; the rate is the price after the
        discount, rounded as the company's currency rounds. None when the
        company has no hourly product: callers say so instead of billing 0.
        """
        on_date = on_date or fields.Date.context_today(self)
        product = company.sudo().support_hourly_product_id
        if not product:
            return None
        commercial = partner.commercial_partner_id if partner else partner
        agreement = (
            self.sudo()._support_covering_agreement(commercial, on_date, company)
            if commercial
            else self.browse()
        )
        if agreement:
            price = agreement._support_unit_price(product, 1.0, on_date)
        else:
            price = product.sudo().with_company(company).lst_price
        discount = (
            commercial._support_hourly_discount(on_date, company) if commercial else 0.0
        )
        rate = company.currency_id.round(price * (1 - discount / 100.0))
        return price, discount, rate

    def _support_code_line_price(self, quantity, on_date=None):
        self.ensure_one()
        return self._support_unit_price(
            self.support_code_line_product_id, quantity, on_date
        )

    def _support_code_line_note(self, facts):
        rows = Markup("").join(
            Markup("<li>%s: %s → %s</li>")
            % (name, formats.count(self.env, old), formats.count(self.env, new))
            for name, old, new in facts["differences"]
        )
        body = Markup("<p>%s</p>") % self.env._(
            "New code-line count of %(repository)s (commit %(commit)s): "
            "%(lines)s code lines; charged blocks of %(block)s lines: "
            "%(old)s → %(new)s for the periods from %(date)s on (the invoice of "
            "that period included): %(price)s a block, %(amount)s a month "
            "excluding VAT.",
            repository=facts["repository"],
            commit=facts["commit"][:12],
            lines=formats.count(self.env, facts["code_lines"]),
            old=formats.count(self.env, facts["old_quantity"]),
            new=formats.count(self.env, facts["new_quantity"]),
            block=formats.count(self.env, facts["block"]),
            date=format_date(self.env, facts["applies_from"]),
            price=format_amount(self.env, facts["unit_price"], self.currency_id),
            amount=format_amount(self.env, facts["monthly_amount"], self.currency_id),
        )
        if rows:
            body += Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Code lines per addon:"),
                rows,
            )
        return body
