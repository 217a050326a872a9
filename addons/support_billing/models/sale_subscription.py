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
        return [
            ("support_kind", "!=", False),
            ("stage_id.type", "=", "in_progress"),
            ("is_paused", "=", False),
            ("recurring_next_date", "!=", False),
            ("recurring_next_date", "<=", today),
        ]

    def _support_due_periods(self, today):
        """The periods of this agreement due by ``today``, oldest first.

        Billing goes on to the agreement's end date: for an agreement closed
        during its minimum term, that is the minimum-term end.
        """
        self.ensure_one()
        return periods.due_periods(self.recurring_next_date, today, self.date or None)

    # ------------------------------------------------------------------
    # What an invoice holds
    # ------------------------------------------------------------------

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
        one search per kind for all the agreements. A record billed on a
        cancelled invoice is not billed. Read as superuser: what an invoice
        holds does not depend on who presses the button.
        """

        def unbilled(field_name):
            return [
                "|",
                (field_name, "=", False),
                (f"{field_name}.parent_state", "=", "cancel"),
            ]

        env = self.sudo().env
        found = {
            "time": env["account.analytic.line"].search(
                [
                    ("helpdesk_ticket_id.agreement_id", "in", self.ids),
                    ("helpdesk_ticket_id.scope", "=", "billable"),
                    ("date", "<=", until),
                    *unbilled("support_invoice_line_id"),
                ],
                order="date, id",
            ),
            "upgrade": env["support.upgrade"].search(
                [
                    ("agreement_id", "in", self.ids),
                    ("fee_due", "=", True),
                    ("commencement_date", "<=", until),
                    *unbilled("fee_invoice_line_id"),
                ],
                order="commencement_date, id",
            ),
            "usage": env["support.usage"].search(
                [
                    ("agreement_id", "in", self.ids),
                    ("date", "<=", until),
                    *unbilled("invoice_line_id"),
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
    def _support_take(pending, kind, date_name, end):
        """The pending records of ``kind`` dated by ``end``, taken out."""
        records = pending[kind]
        due = records.filtered(lambda r: r[date_name] <= end)
        pending[kind] = records - due
        return due

    def _support_recurring_lines(self, start, end, pending):
        """The agreement's lines; code lines as counted when the period began."""
        code_line = self._support_code_line_line()
        lines = []
        for line in self.sale_subscription_line_ids:
            values = line._prepare_account_move_line()
            if line == code_line:
                quantity = self._support_code_line_quantity_on(start)
                if quantity is not None and quantity != line.product_uom_qty:
                    values["quantity"] = quantity
                    values["price_unit"] = self._support_code_line_price(quantity)
                    values["discount"] = 0.0
            # subscription_oca passes the product's own income account, False
            # when it has none: let the invoice find the company's instead.
            if not values.get("account_id"):
                values.pop("account_id", None)
            values.pop("price_subtotal", None)
            values["support_kind"] = "recurring"
            lines.append((values, None))
        return lines

    def _support_time_lines(self, start, end, pending):
        """One line per billable ticket: its hours not billed yet, by period end."""
        timesheets = self._support_take(pending, "time", "date", end)
        if not timesheets:
            return []
        product = self.company_id.support_hourly_product_id
        if not product:
            # Never bill time at 0: say where the hourly product is set.
            raise UserError(
                self.env._(
                    "%(agreement)s cannot be invoiced: %(company)s has no hourly "
                    "product for ticket time. An administrator sets it in "
                    "Settings > Support Contracts > Hourly product.",
                    agreement=self.display_name,
                    company=self.company_id.name,
                )
            )
        price = product.with_company(self.company_id).lst_price
        # The agreement discount is the invoice line's own (support_contract
        # sets it on every hourly-service line of a customer invoice).
        by_ticket = defaultdict(list)
        for timesheet in timesheets:
            by_ticket[timesheet.helpdesk_ticket_id].append(timesheet.id)
        lines = []
        for ticket, ids in sorted(by_ticket.items(), key=lambda i: i[0].number or ""):
            ticket_timesheets = timesheets.browse(ids)
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
                "price_unit": price,
                "support_kind": "time",
            }
            lines.append((values, ("support_invoice_line_id", ticket_timesheets)))
        return lines

    def _support_upgrade_lines(self, start, end, pending):
        upgrades = self._support_take(pending, "upgrade", "commencement_date", end)
        return [
            (
                {
                    "product_id": upgrade.fee_product_id.id,
                    "name": self.env._(
                        "Upgrade fee: %(upgrade)s, commenced %(date)s",
                        upgrade=upgrade.display_name,
                        date=format_date(self.env, upgrade.commencement_date),
                    ),
                    "quantity": 1,
                    "price_unit": upgrade.fee_amount,
                    "support_kind": "upgrade",
                },
                ("fee_invoice_line_id", upgrade),
            )
            for upgrade in upgrades
        ]

    def _support_usage_lines(self, start, end, pending):
        """One line per service and unit price."""
        usages = self._support_take(pending, "usage", "date", end)
        grouped = defaultdict(list)
        for usage in usages:
            grouped[(usage.product_id, usage.price_unit)].append(usage.id)
        lines = []
        for (product, price), ids in sorted(
            grouped.items(), key=lambda item: (item[0][0].name, item[0][1])
        ):
            group = usages.browse(ids)
            values = {
                "product_id": product.id,
                "name": self.env._(
                    "%(service)s: %(count)s transactions",
                    service=product.display_name,
                    count=len(group),
                ),
                "quantity": sum(group.mapped("quantity")),
                "price_unit": price,
                "support_kind": "usage",
            }
            lines.append((values, ("invoice_line_id", group)))
        return lines

    def _support_invoice_values(self, start, end, pending):
        """(invoice values, what each line bills) of one period."""
        self.ensure_one()
        label = self._support_period_label(start, end)
        lines = []
        for builder in (
            self._support_recurring_lines,
            self._support_time_lines,
            self._support_upgrade_lines,
            self._support_usage_lines,
        ):
            lines += builder(start, end, pending)
        for values, _source in lines:
            values["name"] = f"{values.get('name') or ''} ({label})".strip()
            values["support_period_start"] = start
            values["support_period_end"] = end
        move_values = self._prepare_account_move(
            [Command.create(values) for values, _source in lines]
        )
        move_values.update(
            {
                "invoice_date": start,
                "support_period_start": start,
                "support_period_end": end,
            }
        )
        return move_values, [source for _values, source in lines]

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
        last_end = {}
        for agreement, _start, end in jobs:
            last_end[agreement] = max(end, last_end.get(agreement, end))
        next_dates = defaultdict(list)
        for agreement, end in last_end.items():
            next_dates[end + timedelta(days=1)].append(agreement.id)
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
            to_post.action_post()
        to_send = to_post.filtered(lambda m: mode[m] == "invoice_send")
        if to_send:
            to_send.sending_data = {
                "author_user_id": self.env.user.id,
                "author_partner_id": self.env.user.partner_id.id,
            }
            self.env.ref("account.ir_cron_account_move_send")._trigger()

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
        return self._support_create_invoices(
            [
                (agreement, start, end)
                for agreement in self
                for start, end in agreement._support_due_periods(today)
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
        """The Create Invoice button: an agreement invoices its next period."""
        if not self.support_kind:
            return super().manual_invoice()
        self.ensure_one()
        self._support_check_invoiceable()
        start = self.recurring_next_date or self.date_start
        invoice = self._support_create_invoices(
            [(self, start, periods.period_end(start))]
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
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
        """Demo: invoice the demo agreements' last months, posted."""
        today = fields.Date.context_today(self)
        first = (today - relativedelta(months=months)).replace(day=1)
        for agreement in self.search([("support_kind", "!=", False)]):
            agreement = agreement.with_company(agreement.company_id)
            if agreement.company_id != self.env.ref("support_contract.company_demo"):
                continue
            day = agreement.date_start.day
            start = max(first.replace(day=min(day, 28)), agreement.date_start)
            agreement.recurring_next_date = start
            invoices = agreement._support_invoice_due(today)
            invoices.filtered(
                lambda m: m.support_period_end < today and m.state == "draft"
            ).action_post()
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
