import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
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

    def _support_due_periods(self, today, limit=None):
        """The periods of this agreement due by ``today``, oldest first.

        Billing goes on to the agreement's end date: for an agreement closed
        during its minimum term, that is the minimum-term end.
        """
        self.ensure_one()
        return periods.due_periods(
            self.recurring_next_date, today, self.date or None, limit=limit
        )

    # ------------------------------------------------------------------
    # One invoice for one period
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

    def _support_unbilled(self, records, field_name):
        """Records not billed yet, or billed on a cancelled invoice."""
        return records.filtered(
            lambda r: not r[field_name] or r[field_name].parent_state == "cancel"
        )

    def _support_time_lines(self, start, end):
        """One line per billable ticket: its hours not billed yet, by period end."""
        self.ensure_one()
        timesheets = self.env["account.analytic.line"].search(
            [
                ("helpdesk_ticket_id.agreement_id", "=", self.id),
                ("helpdesk_ticket_id.scope", "=", "billable"),
                ("date", "<=", end),
            ]
        )
        timesheets = self._support_unbilled(timesheets, "support_invoice_line_id")
        product = self.company_id.support_hourly_product_id
        # The rate after the agreement discount, shown as the line's discount.
        discount = self.partner_id._support_hourly_discount(start)
        lines, sources = [], []
        by_ticket = defaultdict(lambda: self.env["account.analytic.line"])
        for timesheet in timesheets:
            by_ticket[timesheet.helpdesk_ticket_id] |= timesheet
        for ticket, ticket_timesheets in sorted(
            by_ticket.items(), key=lambda item: item[0].number or ""
        ):
            hours = sum(ticket_timesheets.mapped("unit_amount"))
            if not hours:
                continue
            lines.append(
                {
                    "product_id": product.id,
                    "name": self.env._(
                        "Ticket %(number)s: %(title)s",
                        number=ticket.number,
                        title=ticket.name,
                    ),
                    "quantity": hours,
                    "price_unit": product.with_company(self.company_id).lst_price,
                    "discount": discount,
                    "support_kind": "time",
                }
            )
            sources.append(("support_invoice_line_id", ticket_timesheets))
        return lines, sources

    def _support_upgrade_lines(self, start, end):
        self.ensure_one()
        upgrades = self.support_upgrade_ids.filtered(
            lambda u: u.fee_due and u.commencement_date and u.commencement_date <= end
        )
        upgrades = self._support_unbilled(upgrades, "fee_invoice_line_id")
        lines, sources = [], []
        for upgrade in upgrades.sorted("commencement_date"):
            lines.append(
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
                }
            )
            sources.append(("fee_invoice_line_id", upgrade))
        return lines, sources

    def _support_usage_lines(self, start, end):
        self.ensure_one()
        usages = self.env["support.usage"].search(
            [("agreement_id", "=", self.id), ("date", "<=", end)]
        )
        usages = self._support_unbilled(usages, "invoice_line_id")
        grouped = defaultdict(lambda: self.env["support.usage"])
        for usage in usages:
            grouped[(usage.product_id, usage.price_unit)] |= usage
        lines, sources = [], []
        for (product, price), group in sorted(
            grouped.items(), key=lambda item: (item[0][0].name, item[0][1])
        ):
            lines.append(
                {
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
            )
            sources.append(("invoice_line_id", group))
        return lines, sources

    def _support_recurring_lines(self, start, end):
        self.ensure_one()
        lines = []
        for line in self.sale_subscription_line_ids:
            values = line._prepare_account_move_line()
            # subscription_oca passes the product's own income account, False
            # when it has none: let the invoice find the company's instead.
            if not values.get("account_id"):
                values.pop("account_id", None)
            values.pop("price_subtotal", None)
            values["support_kind"] = "recurring"
            lines.append(values)
        return lines, [None] * len(lines)

    def _support_create_period_invoice(self, start, end):
        """The invoice of one period, with everything chargeable in it."""
        self.ensure_one()
        self._support_check_invoiceable()
        label = self._support_period_label(start, end)
        all_lines, all_sources = [], []
        for builder in (
            self._support_recurring_lines,
            self._support_time_lines,
            self._support_upgrade_lines,
            self._support_usage_lines,
        ):
            lines, sources = builder(start, end)
            all_lines += lines
            all_sources += sources
        for values in all_lines:
            values["name"] = f"{values.get('name') or ''} ({label})".strip()
            values["support_period_start"] = start
            values["support_period_end"] = end
        move_values = self._prepare_account_move(
            [Command.create(values) for values in all_lines]
        )
        move_values.update(
            {
                "invoice_date": start,
                "support_period_start": start,
                "support_period_end": end,
            }
        )
        invoice = (
            self.env["account.move"]
            .with_company(self.company_id)
            .with_context(default_move_type="out_invoice", journal_type="sale")
            .create(move_values)
        )
        for line, source in zip(
            invoice.invoice_line_ids.sorted(lambda line: (line.sequence, line.id)),
            all_sources,
            strict=False,
        ):
            if source:
                field_name, records = source
                records.sudo().write({field_name: line.id})
        if self.template_id.invoicing_mode in ("invoice", "invoice_send"):
            invoice.action_post()
        self.recurring_next_date = end + timedelta(days=1)
        return invoice

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    def generate_invoice(self):
        """subscription_oca's monthly invoice: period by period, exactly once."""
        support = self.filtered("support_kind")
        for agreement in support:
            agreement._support_invoice_due(fields.Date.context_today(agreement))
        if self - support:
            return super(SaleSubscription, self - support).generate_invoice()
        return True

    def manual_invoice(self):
        """The Create Invoice button: an agreement invoices its next period."""
        if not self.support_kind:
            return super().manual_invoice()
        self.ensure_one()
        start = self.recurring_next_date or self.date_start
        invoice = self._support_create_period_invoice(start, periods.period_end(start))
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }

    def _support_invoice_due(self, today):
        """Invoice every due period of this agreement; return the invoices."""
        self.ensure_one()
        invoices = self.env["account.move"]
        for start, end in self._support_due_periods(today):
            invoices |= self._support_create_period_invoice(start, end)
        return invoices

    @api.model
    def _cron_monthly_invoicing(self):
        self._support_invoice_due_agreements(fields.Date.context_today(self))

    @api.model
    def _support_invoice_due_agreements(self, today, batch=BATCH):
        """Invoice the due agreements, one committed agreement at a time.

        Each agreement is locked while invoiced (a concurrent run skips it),
        its invoices are committed with its next date, and the
        database refuses a second invoice for an agreement and period: a run
        repeated, run twice at once, or killed and started again ends with
        exactly one invoice per agreement and period.
        """
        Cron = self.env["ir.cron"]
        domain = self._support_due_domain(today)
        failed = set()
        created = 0
        while True:
            agreements = self.search(
                domain + [("id", "not in", list(failed))],
                limit=batch,
                order="recurring_next_date, id",
            )
            if not agreements:
                break
            Cron._commit_progress(remaining=self.search_count(domain))
            for candidate in agreements:
                failed.add(candidate.id)  # at most one attempt per run
                agreement = candidate.try_lock_for_update().filtered_domain(domain)
                if not agreement:
                    continue
                try:
                    with self.env.cr.savepoint():
                        created += len(
                            agreement.with_company(
                                agreement.company_id
                            )._support_invoice_due(today)
                        )
                except (UserError, ValidationError) as error:
                    self.env.invalidate_all()
                    agreement._support_report_failure(str(error))
                except psycopg2.errors.UniqueViolation:
                    # Another process invoiced this period first.
                    self.env.invalidate_all()
                except psycopg2.IntegrityError as error:
                    # E.g. a line without an income account: the database's
                    # own check; the agreement is reported, the run goes on.
                    self.env.invalidate_all()
                    agreement._support_report_failure(
                        self.env._(
                            "%(agreement)s cannot be invoiced: %(error)s",
                            agreement=agreement.display_name,
                            error=str(error).splitlines()[0],
                        )
                    )
                if Cron._commit_progress(1) <= 0:
                    return created
        return created

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
