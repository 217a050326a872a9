"""The lines of an invoice, one builder per kind of charge."""

from collections import defaultdict
from datetime import timedelta

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    # ------------------------------------------------------------------
    # What an invoice holds
    # ------------------------------------------------------------------

    def _support_customer(self):
        """The agreement in its customer's language, for what they receive."""
        self.ensure_one()
        partner = self.partner_invoice_id or self.partner_id
        return self.with_context(lang=partner.lang or self.env.lang)

    def _support_period_label(self, start, end):
        return self.env._(
            "%(start)s to %(end)s",
            start=format_date(self.env, start),
            end=format_date(self.env, end),
        )

    def _support_recurring_lines(self, start, end, pending):
        """The agreement's lines, billed in advance for the period; code lines
        as counted when the period began, priced on that day."""
        code_line = self._support_code_line_line()
        lines = []
        for line in self.sale_subscription_line_ids:
            values = line._prepare_account_move_line()
            if line == code_line:
                quantity = self._support_code_line_quantity_on(start)
                if quantity is None:
                    quantity = line.product_uom_qty
                block = self.support_code_line_block
                values.update(
                    {
                        "quantity": quantity,
                        "price_unit": self._support_code_line_price(quantity, start),
                        "discount": 0.0,
                        "name": self._support_blocks_label(
                            line.product_id, int(quantity), block
                        ),
                    }
                )
            elif line.product_id:
                # A line named as its product (in whichever language it was
                # named) reads as the product's name in the customer's.
                values["name"] = self._support_product_label(line)
            # subscription_oca passes the product's own income account, False
            # when it has none: let the invoice find the company's instead.
            if not values.get("account_id"):
                values.pop("account_id", None)
            values.pop("price_subtotal", None)
            values["support_kind"] = "recurring"
            lines.append((values, None, (start, end)))
        return lines

    def _support_recurring_amount(self, start):
        """What the invoice of the period beginning on ``start`` bills in
        advance, excluding VAT: the lines ``_support_recurring_lines`` makes
        for it (code lines as counted when the period began, priced that day
        by the one price rule), each as Odoo's taxes compute a line."""
        self.ensure_one()
        end = self._support_period_of(start)[1]
        Tax = self.env["account.tax"]
        total = 0.0
        for values, _source, _period in self._support_recurring_lines(start, end, None):
            tax_ids = [i for command in values.get("tax_ids", []) for i in command[2]]
            price = values["price_unit"] * (1 - (values.get("discount") or 0.0) / 100)
            total += Tax.browse(tax_ids).compute_all(
                price,
                self.currency_id,
                values["quantity"],
                product=self.env["product.product"].browse(values.get("product_id")),
                partner=self.partner_id,
            )["total_excluded"]
        return total

    def _support_monthly_amounts(self, today=None):
        """What the customer is billed a month, as the portal tells them.

        ``amount``: the invoice of the period running ``today`` (the first
        period before the agreement starts, the last one after it ended),
        with the counts in force when it began. ``next_amount``: the next
        period's, from ``next_start``, when a count applied since then
        changes it (None otherwise, and after the agreement's end).
        ``quantity``/``next_quantity``: the code-line blocks each bills
        (None without counts)."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        day = max(today, self.date_start or today)
        if self.date:
            day = min(day, max(self.date, self.date_start or self.date))
        start, end = self._support_period_of(day)
        next_start = end + timedelta(days=1)
        amounts = {
            "start": start,
            "amount": self._support_recurring_amount(start),
            "quantity": self._support_code_line_quantity_on(start),
            "next_start": next_start,
            "next_amount": None,
            "next_quantity": None,
        }
        if self.date and next_start > self.date:
            return amounts
        next_amount = self._support_recurring_amount(next_start)
        if not self.currency_id.is_zero(next_amount - amounts["amount"]):
            amounts["next_amount"] = next_amount
            amounts["next_quantity"] = self._support_code_line_quantity_on(next_start)
        return amounts

    def _support_monthly_notes(self, amounts):
        """The portal's sentences about a newer count (``amounts`` from
        ``_support_monthly_amounts``), in this environment's language:
        ``next`` the next period's amount, ``in_force`` which count the
        period running now bills. Empty when no newer count changes it."""
        self.ensure_one()
        if amounts["next_amount"] is None:
            return {}
        notes = {
            "next": self.env._(
                "From %(date)s: %(amount)s a month (excl. VAT), after the latest "
                "code-line count.",
                date=format_date(self.env, amounts["next_start"]),
                amount=formatLang(
                    self.env, amounts["next_amount"], currency_obj=self.currency_id
                ),
            )
        }
        if amounts["quantity"] is not None and amounts["next_quantity"] is not None:
            notes["in_force"] = self.env._(
                "This count is billed from %(date)s, the first period that begins "
                "after it. The invoice of the period that began on %(start)s bills "
                "the count in force that day: %(blocks)s blocks.",
                date=format_date(self.env, amounts["next_start"]),
                start=format_date(self.env, amounts["start"]),
                blocks=amounts["quantity"],
            )
        return notes

    def _support_product_label(self, line):
        """``line``'s label in this agreement's language (the customer's):
        the product's name, or its name and sales description, when the line
        is named so in any installed language; else the line's own text."""
        product = line.product_id.with_env(self.env)
        for code, _name in self.env["res.lang"].get_installed():
            translated = line.product_id.with_context(lang=code)
            if line.name in (translated.name, translated.display_name):
                return product.display_name
            if line.name == translated.get_product_multiline_description_sale():
                return product.get_product_multiline_description_sale()
        return line.name

    def _support_blocks_label(self, product, quantity, block):
        # The product's name in this agreement's language (the customer's).
        product = product.with_env(self.env)
        if quantity == 1:
            return self.env._(
                "%(product)s: 1 block of %(block)s lines",
                product=product.display_name,
                block=block,
            )
        return self.env._(
            "%(product)s: %(count)s blocks of %(block)s lines",
            product=product.display_name,
            count=quantity,
            block=block,
        )

    def _support_time_lines(self, start, end, pending):
        """Billed in arrears: one line per period and billable ticket with its
        hours logged before ``start`` and not billed yet, at the hourly price
        of that period."""
        timesheets = self._support_take(pending, "time", lambda r: r.date < start)
        if not timesheets:
            return []
        company = self.company_id
        product = company.support_hourly_product_id
        lines = []
        for period, in_period in self._support_by_period(timesheets, "date"):
            price = self._support_hourly_price(self.partner_id, company, period[0])
            if not price or not product:
                raise UserError(
                    self.env._(
                        "%(agreement)s cannot be invoiced: %(company)s has no "
                        "hourly product for ticket time. An administrator sets it "
                        "in Settings > Support Contracts > Hourly product.",
                        agreement=self.display_name,
                        company=company.display_name,
                    )
                )
            unit_price, discount, _rate = price
            by_ticket = defaultdict(list)
            for timesheet in in_period:
                by_ticket[timesheet.helpdesk_ticket_id].append(timesheet.id)
            for ticket, ids in sorted(
                by_ticket.items(), key=lambda i: i[0].number or ""
            ):
                ticket_timesheets = in_period.browse(ids)
                hours = sum(ticket_timesheets.mapped("unit_amount"))
                if not hours:
                    continue
                values = {
                    "product_id": product.id,
                    "name": self.env._(
                        "Ticket %(number)s: %(title)s",
                        number=ticket.number,
                        title=ticket.name,
                    ),
                    "quantity": hours,
                    "price_unit": unit_price,
                    "discount": discount,
                    "support_kind": "time",
                }
                lines.append(
                    (values, ("support_invoice_line_id", ticket_timesheets), period)
                )
        return lines

    def _support_upgrade_lines(self, start, end, pending):
        """Upgrade fees as fixed at commencement, on the first invoice dated
        on or after the commencement (never on an invoice dated before it,
        even when a past period is caught up)."""
        upgrades = self._support_take(
            pending, "upgrade", lambda r: r.commencement_date <= start
        )
        return [
            (
                {
                    "product_id": upgrade.fee_product_id.id,
                    "name": self.env._(
                        "Upgrade fee: %(agreement)s, version %(from)s to %(to)s, "
                        "commenced %(date)s",
                        agreement=self.display_name,
                        date=format_date(self.env, upgrade.commencement_date),
                        **{
                            "from": upgrade.from_version or "?",
                            "to": upgrade.to_version or "?",
                        },
                    ),
                    "quantity": 1,
                    "price_unit": upgrade.fee_amount,
                    "support_kind": "upgrade",
                },
                ("fee_invoice_line_id", upgrade),
                self._support_period_of(upgrade.commencement_date),
            )
            for upgrade in upgrades
        ]

    def _support_transactions_label(self, product, quantity):
        # The usage records were read in the caller's language: the service
        # is named in this agreement's (the customer's).
        product = product.with_env(self.env)
        count = int(quantity) if float(quantity).is_integer() else quantity
        if count == 1:
            return self.env._(
                "%(service)s: 1 transaction", service=product.display_name
            )
        return self.env._(
            "%(service)s: %(count)s transactions",
            service=product.display_name,
            count=count,
        )

    def _support_usage_lines(self, start, end, pending):
        """Billed in arrears: one line per period, service and unit price of
        the usage before ``start`` not billed yet."""
        usages = self._support_take(pending, "usage", lambda r: r.date < start)
        lines = []
        for period, in_period in self._support_by_period(usages, "date"):
            grouped = defaultdict(list)
            for usage in in_period:
                grouped[(usage.product_id, usage.price_unit)].append(usage.id)
            for (product, price), ids in sorted(
                grouped.items(), key=lambda item: (item[0][0].name, item[0][1])
            ):
                group = in_period.browse(ids)
                quantity = sum(group.mapped("quantity"))
                values = {
                    "product_id": product.id,
                    "name": self._support_transactions_label(product, quantity),
                    "quantity": quantity,
                    "price_unit": price,
                    "support_kind": "usage",
                }
                lines.append((values, ("invoice_line_id", group), period))
        return lines

    def _support_invoice_values(self, start, end, pending):
        """(invoice values, what each line bills) of one period.

        Labels are in the customer's language; each line names its own
        period. The due date follows from the customer's payment terms and
        the invoice date (Odoo computes it): without terms, the invoice is
        due on its date, never on the day the invoice was made.
        """
        self.ensure_one()
        agreement = self._support_customer()
        lines = []
        for builder in (
            agreement._support_recurring_lines,
            agreement._support_time_lines,
            agreement._support_upgrade_lines,
            agreement._support_usage_lines,
        ):
            lines += builder(start, end, pending)
        for values, _source, (line_start, line_end) in lines:
            label = agreement._support_period_label(line_start, line_end)
            values["name"] = f"{values.get('name') or ''} ({label})".strip()
            values["support_period_start"] = line_start
            values["support_period_end"] = line_end
        move_values = self._prepare_account_move(
            [Command.create(values) for values, _source, _period in lines]
        )
        partner = (self.partner_invoice_id or self.partner_id).commercial_partner_id
        terms = partner.with_company(self.company_id).property_payment_term_id
        if not terms:
            terms = self.env.ref(
                "account.account_payment_term_immediate", raise_if_not_found=False
            )
        move_values.update(
            {
                "invoice_date": start,
                "invoice_payment_term_id": terms.id if terms else False,
                "support_period_start": start,
                "support_period_end": end,
            }
        )
        return move_values, [source for _values, source, _period in lines]
