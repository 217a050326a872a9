import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger
from odoo.tools.misc import format_date

_logger = logging.getLogger(__name__)

BATCH = 50


# Along the path of an invoice, in files of the same model: what is due
# (sale_subscription_due.py), what is not billed yet
# (sale_subscription_unbilled.py), the lines of each charge
# (sale_subscription_lines.py), and here creating, posting and the entry
# points.


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    # ------------------------------------------------------------------
    # Creating the invoices
    # ------------------------------------------------------------------

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
        to_post.filtered(lambda m: mode[m] == "invoice_send")._support_queue_sending()

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
            raise UserError(self._support_period_taken_message(today)) from None
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
        today = fields.Date.context_today(self)
        self._support_invoice_due_agreements(today)
        # Customers without an agreement: their hours at the standard rate.
        self.env["account.analytic.line"]._support_invoice_without_agreement(today)

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
                    agreement._support_period_taken_message(today)
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

    def _support_period_taken_message(self, today):
        """Why a due period cannot be invoiced when the next invoice date was
        moved back over it: names the invoice that has the period."""
        self.ensure_one()
        periods_due = dict(self._support_due_periods(today))
        taken = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("subscription_id", "=", self.id),
                    ("support_period_start", "in", list(periods_due)),
                    ("state", "!=", "cancel"),
                    ("support_reversed", "=", False),
                ],
                order="support_period_start, id",
                limit=1,
            )
        )
        if not taken:
            return self.env._(
                "%(agreement)s already has an invoice for a period it was about to "
                "invoice: check its next invoice date.",
                agreement=self.display_name,
            )
        return self.env._(
            "%(agreement)s cannot invoice %(period)s again: the invoice "
            "%(invoice)s already bills that period. Its next invoice date "
            "(%(date)s) was moved back over it: set it to %(next)s or later.",
            agreement=self.display_name,
            period=self._support_period_label(
                taken.support_period_start, taken.support_period_end
            ),
            invoice=(
                taken.name if taken.name not in (False, "/") else taken.display_name
            ),
            date=format_date(self.env, self.recurring_next_date),
            next=format_date(
                self.env,
                max(
                    self.env["account.move"]
                    .sudo()
                    .search(
                        [
                            ("subscription_id", "=", self.id),
                            ("support_period_end", "!=", False),
                            ("state", "!=", "cancel"),
                            ("support_reversed", "=", False),
                        ]
                    )
                    .mapped("support_period_end")
                )
                + timedelta(days=1),
            ),
        )

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
