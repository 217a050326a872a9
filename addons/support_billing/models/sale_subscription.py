import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger
from odoo.tools.misc import format_date

from ..tools import periods

_logger = logging.getLogger(__name__)

BATCH = 50


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    # ------------------------------------------------------------------
    # What is due
    # ------------------------------------------------------------------

    @api.model
    def _support_due_domain(self, today):
        """Agreements with a period to invoice by ``today``: their next period
        has started, or a period of theirs was freed by a full credit note."""
        return [
            ("support_kind", "!=", False),
            ("stage_id.type", "=", "in_progress"),
            ("is_paused", "=", False),
            "|",
            "&",
            ("recurring_next_date", "!=", False),
            ("recurring_next_date", "<=", today),
            ("id", "in", list(self._support_freed_periods(today))),
        ]

    def _support_freed_periods(self, today):
        """{agreement id: [(start, end)]} of the periods started by ``today``
        whose invoice was reversed in full and not invoiced again; of these
        agreements, or of all when called on none."""
        Move = self.env["account.move"].sudo()
        domain = [
            ("support_reversed", "=", True),
            ("support_period_start", "<=", today),
            ("move_type", "=", "out_invoice"),
        ]
        if self:
            domain.append(("subscription_id", "in", self.ids))
        reversed_moves = Move.search(domain)
        if not reversed_moves:
            return {}
        live = {
            (subscription.id, start)
            for subscription, start in Move._read_group(
                [
                    ("subscription_id", "in", reversed_moves.subscription_id.ids),
                    (
                        "support_period_start",
                        "in",
                        reversed_moves.mapped("support_period_start"),
                    ),
                    ("state", "!=", "cancel"),
                    ("support_reversed", "=", False),
                ],
                ["subscription_id", "support_period_start:day"],
            )
        }
        freed = defaultdict(set)
        for move in reversed_moves:
            key = (move.subscription_id.id, move.support_period_start)
            if key not in live:
                freed[key[0]].add((move.support_period_start, move.support_period_end))
        return {agreement: sorted(found) for agreement, found in freed.items()}

    def _support_due_periods(self, today, freed=None):
        """The periods of this agreement due by ``today``, oldest first.

        Periods freed by a full credit note come first (``freed``: those of
        ``_support_freed_periods``, read once for a batch). Billing goes on
        to the agreement's end date: for an agreement closed during its
        minimum term, that is the minimum-term end.
        """
        self.ensure_one()
        if freed is None:
            freed = self._support_freed_periods(today)
        freed = freed.get(self.id, [])
        if not self.recurring_next_date or self.recurring_next_date > today:
            return freed
        starts = {start for start, _end in freed}
        return freed + [
            period
            for period in periods.due_periods(
                self.date_start or self.recurring_next_date,
                self.recurring_next_date,
                today,
                self.date or None,
            )
            if period[0] not in starts
        ]

    def _support_period_of(self, day):
        """(start, end) of this agreement's billing period holding ``day``."""
        self.ensure_one()
        return periods.period_of(self.date_start or day, day)

    # ------------------------------------------------------------------
    # What is not billed yet: one rule per kind of charge
    # ------------------------------------------------------------------

    @api.model
    def _support_not_billed_domain(self, field_name):
        """A record billed on ``field_name`` (an invoice line) is not billed
        while it has none, or its invoice is cancelled or reversed in full
        by a posted credit note. A partial credit note frees nothing."""
        return [
            "|",
            "|",
            (field_name, "=", False),
            (f"{field_name}.parent_state", "=", "cancel"),
            (f"{field_name}.move_id.support_reversed", "=", True),
        ]

    @api.model
    def _support_unbilled_time_domain(self):
        """Timesheets to bill: on a ticket whose time is billed (billable,
        approved where approval is asked), not billed yet."""
        tickets = self.env["helpdesk.ticket"]._support_billable_ticket_domain()
        return [
            ("helpdesk_ticket_id", "any", tickets),
            *self._support_not_billed_domain("support_invoice_line_id"),
        ]

    @api.model
    def _support_unbilled_upgrade_domain(self):
        """Upgrades whose fee is due and not billed yet."""
        return [
            ("fee_due", "=", True),
            *self._support_not_billed_domain("fee_invoice_line_id"),
        ]

    @api.model
    def _support_unbilled_usage_domain(self):
        """Usage not billed yet."""
        return self._support_not_billed_domain("invoice_line_id")

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

    def _support_check_invoiceable(self):
        """Raise a UserError a person can act on, before anything is created."""
        self.ensure_one()
        partner = self.partner_invoice_id or self.partner_id
        if not (partner.street or partner.city or partner.zip):
            raise UserError(
                self.env._(
                    "%(agreement)s cannot be invoiced: the customer %(partner)s has "
                    "no address.",
                    agreement=self.display_name,
                    partner=partner.display_name,
                )
            )
        archived = self.sale_subscription_line_ids.product_id.filtered(
            lambda p: not p.active
        )
        if archived:
            raise UserError(
                self.env._(
                    "%(agreement)s cannot be invoiced: the product %(product)s is "
                    "archived.",
                    agreement=self.display_name,
                    product=archived[0].display_name,
                )
            )

    def _support_pending_charges(self, until):
        """What these agreements have to bill up to ``until``, not billed yet.

        {agreement id: {"time" | "upgrade" | "usage": records}}, found with
        one search per kind for all the agreements, each by its "not yet
        billed" rule. Read as superuser: what an invoice holds does not
        depend on who presses the button.
        """
        env = self.sudo().env
        found = {
            "time": env["account.analytic.line"].search(
                [
                    ("helpdesk_ticket_id.agreement_id", "in", self.ids),
                    ("date", "<=", until),
                    *self._support_unbilled_time_domain(),
                ],
                order="date, id",
            ),
            "upgrade": env["support.upgrade"].search(
                [
                    ("agreement_id", "in", self.ids),
                    ("commencement_date", "<=", until),
                    *self._support_unbilled_upgrade_domain(),
                ],
                order="commencement_date, id",
            ),
            "usage": env["support.usage"].search(
                [
                    ("agreement_id", "in", self.ids),
                    ("date", "<=", until),
                    *self._support_unbilled_usage_domain(),
                ],
                order="date, id",
            ),
        }
        agreement_of = {
            "time": lambda r: r.helpdesk_ticket_id.agreement_id.id,
            "upgrade": lambda r: r.agreement_id.id,
            "usage": lambda r: r.agreement_id.id,
        }
        ids = {agreement_id: defaultdict(list) for agreement_id in self.ids}
        for kind, records in found.items():
            for record in records:
                ids[agreement_of[kind](record)][kind].append(record.id)
        return {
            agreement_id: {
                kind: records.browse(kinds.get(kind, []))
                for kind, records in found.items()
            }
            for agreement_id, kinds in ids.items()
        }

    @staticmethod
    def _support_take(pending, kind, keep):
        """The pending records of ``kind`` for which ``keep`` holds, taken out."""
        records = pending[kind]
        due = records.filtered(keep)
        pending[kind] = records - due
        return due

    def _support_by_period(self, records, date_name):
        """[((start, end), records)] of ``records`` by the period of their date."""
        grouped = defaultdict(list)
        for record in records:
            grouped[self._support_period_of(record[date_name])].append(record.id)
        return [
            (period, records.browse(ids)) for period, ids in sorted(grouped.items())
        ]

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
            elif line.product_id and line.name in self._support_product_names(
                line.product_id
            ):
                # A line named as its product reads as the product's name in
                # the customer's language.
                values["name"] = line.product_id.display_name
            # subscription_oca passes the product's own income account, False
            # when it has none: let the invoice find the company's instead.
            if not values.get("account_id"):
                values.pop("account_id", None)
            values.pop("price_subtotal", None)
            values["support_kind"] = "recurring"
            lines.append((values, None, (start, end)))
        return lines

    def _support_product_names(self, product):
        """``product``'s name and display name in every installed language."""
        names = set()
        for code, _name in self.env["res.lang"].get_installed():
            translated = product.with_context(lang=code)
            names |= {translated.name, translated.display_name}
        return names

    def _support_blocks_label(self, product, quantity, block):
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
        """Upgrade fees as fixed at commencement, once commenced by ``end``."""
        upgrades = self._support_take(
            pending, "upgrade", lambda r: r.commencement_date <= end
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

    # ------------------------------------------------------------------
    # Creating the invoices
    # ------------------------------------------------------------------

    @api.model
    def _support_create_invoices(self, jobs):
        """The invoices of ``jobs``, [(agreement, period start, period end)].

        Everything the periods bill is found for all the agreements at once,
        a company's invoices are created in one go, each billed record then
        points at its invoice line, and each agreement's next date moves past
        its last period. Invoices of agreements set to invoice are posted;
        those set to send also go to Odoo's invoice-sending queue. Each
        invoice and agreement gets a chatter note naming the other.
        """
        Move = self.env["account.move"]
        if not jobs:
            return Move
        agreements = self.browse([agreement.id for agreement, _s, _e in jobs])
        pending = agreements._support_pending_charges(max(e for _a, _s, e in jobs))
        by_company = defaultdict(list)
        for job in jobs:
            by_company[job[0].company_id].append(job)
        invoices = Move
        for company, company_jobs in by_company.items():
            built = [
                agreement.with_company(company)._support_invoice_values(
                    start, end, pending[agreement.id]
                )
                for agreement, start, end in company_jobs
            ]
            # The creation note is logged below, for all invoices at once.
            created = (
                Move.with_company(company)
                .with_context(
                    default_move_type="out_invoice",
                    journal_type="sale",
                    mail_create_nolog=True,
                )
                .create([values for values, _sources in built])
            )
            for invoice, (_values, sources) in zip(created, built, strict=True):
                lines = invoice.invoice_line_ids.sorted(lambda li: (li.sequence, li.id))
                for line, source in zip(lines, sources, strict=False):
                    if source:
                        field_name, records = source
                        records.sudo().write({field_name: line.id})
            invoices |= created
        # The next date moves past the last period invoiced; a freed period
        # invoiced again never moves it back.
        next_start = {}
        for agreement, _start, end in jobs:
            after = end + timedelta(days=1)
            next_start[agreement] = max(
                after,
                next_start.get(agreement, after),
                agreement.recurring_next_date or after,
            )
        next_dates = defaultdict(list)
        for agreement, after in next_start.items():
            if agreement.recurring_next_date != after:
                next_dates[after].append(agreement.id)
        for next_date, ids in next_dates.items():
            self.browse(ids).recurring_next_date = next_date
        self._support_post_and_queue(invoices)
        self._support_log_invoices(invoices)
        return invoices

    @api.model
    def _support_post_and_queue(self, invoices):
        mode = {
            invoice: invoice.subscription_id.template_id.invoicing_mode
            for invoice in invoices
        }
        to_post = invoices.filtered(lambda m: mode[m] in ("invoice", "invoice_send"))
        if to_post:
            # The agreements' notes are logged after posting, by their names.
            to_post.with_context(support_notes_later=True).action_post()
        to_post.filtered(
            lambda m: mode[m] == "invoice_send"
        )._support_queue_sending()

    @api.model
    def _support_log_invoices(self, invoices):
        """Chatter notes: on each invoice its agreement and period, on each
        agreement its invoices; logged in one batch per model."""
        on_invoices, on_agreements = {}, defaultdict(list)
        for invoice in invoices:
            agreement = invoice.subscription_id
            period = agreement._support_period_label(
                invoice.support_period_start, invoice.support_period_end
            )
            on_invoices[invoice.id] = Markup(
                self.env._("Invoice of the agreement %(agreement)s for %(period)s.")
            ) % {"agreement": agreement._get_html_link(), "period": period}
            on_agreements[agreement.id].append(
                Markup(self.env._("Invoiced %(period)s: %(invoice)s"))
                % {"period": period, "invoice": invoice._get_html_link()}
            )
        if on_invoices:
            invoices._message_log_batch(bodies=on_invoices)
            self.browse(on_agreements)._message_log_batch(
                bodies={
                    agreement_id: Markup("<br/>").join(notes)
                    for agreement_id, notes in on_agreements.items()
                }
            )

    def _support_invoice_due(self, today):
        """Invoice every due period of these agreements; return the invoices."""
        freed = self._support_freed_periods(today) if self else {}
        return self._support_create_invoices(
            [
                (agreement, start, end)
                for agreement in self
                for start, end in agreement._support_due_periods(today, freed)
            ]
        )

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    def generate_invoice(self):
        """subscription_oca's monthly invoice: period by period, exactly once."""
        support = self.filtered("support_kind")
        for agreement in support:
            agreement._support_check_invoiceable()
            agreement._support_invoice_due(fields.Date.context_today(agreement))
        if self - support:
            return super(SaleSubscription, self - support).generate_invoice()
        return True

    def manual_invoice(self):
        """The Create Invoice button: invoice the periods that are due.

        Fixed fees are billed in advance on the first day of each period by
        the scheduled run; the button catches up what is due today (and a
        period freed by a full credit note). A period that has not started is
        refused: the customer would be billed for a month before it begins.
        """
        if not self.support_kind:
            return super().manual_invoice()
        self.ensure_one()
        self._support_check_invoicing_rights()
        self._support_check_invoiceable()
        today = fields.Date.context_today(self)
        if not self._support_due_periods(today):
            raise UserError(
                self.env._(
                    "%(agreement)s has nothing to invoice yet: its next period "
                    "starts on %(date)s. Each period is invoiced in advance on its "
                    "first day by the scheduled run; Create Invoice only catches "
                    "up periods that have started.",
                    agreement=self.display_name,
                    date=format_date(self.env, self.recurring_next_date)
                    if self.recurring_next_date
                    else "-",
                )
            )
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                invoices = self._support_invoice_due(today)
        except psycopg2.errors.UniqueViolation:
            raise UserError(
                self.env._(
                    "%(agreement)s already has an invoice for a period it was "
                    "about to invoice: check its next invoice date.",
                    agreement=self.display_name,
                )
            ) from None
        action = {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "name": self.env._("Invoices"),
        }
        if len(invoices) == 1:
            return {**action, "res_id": invoices.id, "view_mode": "form"}
        return {
            **action,
            "view_mode": "list,form",
            "domain": [("id", "in", invoices.ids)],
        }

    @api.model
    def _cron_monthly_invoicing(self):
        self._support_invoice_due_agreements(fields.Date.context_today(self))

    @api.model
    def _support_invoice_due_agreements(self, today, batch=BATCH):
        """Invoice the due agreements, a committed batch at a time.

        A batch's agreements are locked while invoiced (a concurrent run
        skips them) and their invoices are committed with their next dates;
        the database refuses a second invoice for an agreement and period.
        A run repeated, run twice at once, or killed and started again ends
        with exactly one invoice per agreement and period.
        """
        Cron = self.env["ir.cron"]
        domain = self._support_due_domain(today)
        tried = set()
        created = 0
        while True:
            agreements = self.search(
                domain + [("id", "not in", list(tried))],
                limit=batch,
                order="recurring_next_date, id",
            )
            if not agreements:
                break
            # Odoo's transactions are REPEATABLE READ: the lock below opens a
            # transaction of its own, so it sees what other runs committed.
            Cron._commit_progress(remaining=self.search_count(domain))
            tried.update(agreements.ids)  # at most one attempt per run
            try:
                with mute_logger("odoo.sql_db"):
                    locked = agreements.try_lock_for_update()
            except psycopg2.errors.SerializationFailure:
                # Another run committed some of them just now: it had them.
                self.env.cr.rollback()
                continue
            # What another run committed before the lock is read afresh.
            locked.invalidate_recordset()
            created += len(locked.filtered_domain(domain)._support_invoice_batch(today))
            if Cron._commit_progress(len(agreements)) <= 0:
                break
        return created

    def _support_invoice_batch(self, today):
        """Invoice these locked agreements; report those that cannot be.

        All at once when nothing goes wrong; otherwise one agreement at a
        time, so one agreement's problem leaves the others invoiced.
        """
        ready = self.browse()
        for agreement in self:
            try:
                agreement._support_check_invoiceable()
            except UserError as error:
                agreement._support_report_failure(str(error))
                continue
            ready |= agreement
        try:
            with self.env.cr.savepoint():
                return ready._support_invoice_due(today)
        except (UserError, ValidationError, psycopg2.IntegrityError):
            self.env.invalidate_all()
        invoices = self.env["account.move"]
        for agreement in ready:
            try:
                with self.env.cr.savepoint():
                    invoices |= agreement._support_invoice_due(today)
            except (UserError, ValidationError) as error:
                self.env.invalidate_all()
                agreement._support_report_failure(str(error))
            except psycopg2.errors.UniqueViolation:
                # Locked and read afresh, so not a concurrent run: the next
                # date was moved back over a period that has its invoice.
                self.env.invalidate_all()
                agreement._support_report_failure(
                    self.env._(
                        "%(agreement)s already has an invoice for a period it was "
                        "about to invoice: check its next invoice date.",
                        agreement=agreement.display_name,
                    )
                )
            except psycopg2.IntegrityError as error:
                # E.g. a line without an income account: the database's own
                # check; the agreement is reported, the run goes on.
                self.env.invalidate_all()
                agreement._support_report_failure(
                    self.env._(
                        "%(agreement)s cannot be invoiced: %(error)s",
                        agreement=agreement.display_name,
                        error=str(error).splitlines()[0],
                    )
                )
        return invoices

    @api.model
    def _demo_invoice_history(self, months=3):
        """Demo: invoice the demo agreements' last months, posted; the oldest
        invoice of one agreement is then credited in full (Odoo's reversal
        wizard, the credit note posted) and its period invoiced again. The
        invoices already due are paid (Odoo's payment wizard), each a few days
        before it fell due."""
        today = fields.Date.context_today(self)
        first = today - relativedelta(months=months)
        posted = self.env["account.move"]
        company = self.env.ref("support_contract.company_demo")
        thirty_days = self.env.ref("support_contract.payment_term_30_net_demo")
        for agreement in self.search([("company_id", "=", company.id)]):
            customer = agreement.partner_id.commercial_partner_id.with_company(company)
            if not customer.property_payment_term_id:
                customer.property_payment_term_id = thirty_days
        for agreement in self.search([("support_kind", "!=", False)]):
            agreement = agreement.with_company(agreement.company_id)
            if agreement.company_id != company:
                continue
            start = agreement._support_period_of(max(first, agreement.date_start))[0]
            agreement.recurring_next_date = start
            invoices = agreement._support_invoice_due(today)
            past = invoices.filtered(
                lambda m: m.support_period_end < today and m.state == "draft"
            )
            past.action_post()
            posted |= invoices.filtered(lambda m: m.state == "posted")
        credited = posted.sorted(lambda m: (m.support_period_start, m.id))[:1]
        if credited:
            wizard = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=credited.ids)
                .create(
                    {
                        "reason": self.env._("Wrong hours on the invoice"),
                        "journal_id": credited.journal_id.id,
                        "date": credited.invoice_date,
                    }
                )
            )
            wizard.refund_moves()
            wizard.new_move_ids.action_post()
            again = credited.subscription_id._support_invoice_due(today).filtered(
                lambda m: m.support_period_start == credited.support_period_start
            )
            again.action_post()
            posted |= again
        for invoice in posted.filtered(
            lambda m: m.payment_state == "not_paid" and m.invoice_date_due < today
        ).sorted("invoice_date"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {"payment_date": invoice.invoice_date_due - relativedelta(days=3)}
            )._create_payments()
        return True

    def _support_report_failure(self, message):
        self.ensure_one()
        _logger.info("Agreement %s not invoiced: %s", self.id, message)
        summary = self.env._("Invoicing failed")
        if self.activity_ids.filtered(lambda a: a.summary == summary):
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=message,
            user_id=(self.user_id or self.env.user).id,
        )
