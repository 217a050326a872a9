import logging
from collections import defaultdict

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger
from odoo.tools.misc import format_date

_logger = logging.getLogger(__name__)


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    support_invoice_line_id = fields.Many2one(
        "account.move.line",
        string="Billed on",
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )

    # ------------------------------------------------------------------
    # Work without an agreement: billed at the standard rate
    # ------------------------------------------------------------------

    @api.model
    def _support_unbilled_without_agreement_domain(self, before):
        """Billable time of tickets no agreement covers, logged before
        ``before`` and not billed yet: the time rule of the agreements'
        invoices (``_support_unbilled_time_domain``), without an agreement."""
        return [
            ("helpdesk_ticket_id.agreement_id", "=", False),
            ("date", "<", before),
            *self.env["sale.subscription"]._support_unbilled_time_domain(),
        ]

    @api.model
    def _support_invoice_without_agreement(self, today):
        """The monthly run for customers without a running agreement: their
        billable hours logged before ``today``'s month, in one invoice per
        customer and month dated the month's first day, in arrears like an
        agreement's hours (a line per ticket and month of work, labelled
        with that month), at the standard rate (the hourly product's price,
        no agreement discount); posted and sent through Odoo's sending queue
        with the support statement. A customer invoiced this month already
        has hours logged late billed next month. Safe to run twice: each hour
        points at the line that billed it, and the hours are locked while
        invoiced."""
        month_start = today.replace(day=1)
        found = self.sudo().search(
            self._support_unbilled_without_agreement_domain(month_start),
            order="date, id",
        )
        if not found:
            return self.env["account.move"]
        try:
            with mute_logger("odoo.sql_db"):
                locked = found.try_lock_for_update()
        except psycopg2.errors.SerializationFailure:
            # Another run committed these hours just now: it billed them.
            self.env.cr.rollback()
            return self.env["account.move"]
        locked.invalidate_recordset()
        timesheets = locked.filtered_domain(
            self._support_unbilled_without_agreement_domain(month_start)
        )
        groups = defaultdict(list)
        for line in timesheets:
            ticket = line.helpdesk_ticket_id
            if not ticket.commercial_partner_id:
                continue  # no customer to bill
            company = ticket.company_id or line.company_id
            groups[(company, ticket.commercial_partner_id)].append(line.id)
        Move = self.env["account.move"].sudo()
        invoiced = {
            (move.company_id, move.partner_id.commercial_partner_id)
            for move in Move.search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("subscription_id", "=", False),
                    ("support_period_start", "!=", False),
                    ("invoice_date", "=", month_start),
                    ("state", "!=", "cancel"),
                    ("support_reversed", "=", False),
                ]
            )
        }
        invoices = Move
        for (company, partner), ids in sorted(
            groups.items(), key=lambda item: (item[0][0].id, item[0][1].id)
        ):
            if (company, partner) in invoiced:
                continue
            values, sources = self.browse(ids)._support_invoice_values(
                company, partner, month_start
            )
            if not values:
                continue
            try:
                with self.env.cr.savepoint():
                    invoice = (
                        Move.with_company(company)
                        .with_context(
                            default_move_type="out_invoice", journal_type="sale"
                        )
                        .create(values)
                    )
                    lines = invoice.invoice_line_ids.sorted(
                        lambda li: (li.sequence, li.id)
                    )
                    for line, records in zip(lines, sources, strict=True):
                        records.write({"support_invoice_line_id": line.id})
                    invoice.action_post()
            except (UserError, ValidationError, psycopg2.Error) as error:
                # One customer's problem leaves the others invoiced.
                self.env.invalidate_all()
                _logger.warning("Hours of %s not invoiced: %s", partner.name, error)
                continue
            invoices |= invoice
        invoices._support_queue_sending()
        return invoices

    def _support_invoice_values(self, company, partner, invoice_date):
        """(invoice values, timesheets of each line) of these hours of
        ``partner``: one line per month of work and ticket, labelled in the
        customer's language with its month, priced at the start of that
        month by the price rule."""
        Agreement = self.env["sale.subscription"]
        product = company.sudo().support_hourly_product_id
        address = partner.address_get(["invoice"])["invoice"]
        customer = self.env["res.partner"].browse(address)
        local = self.with_context(lang=customer.lang or partner.lang or self.env.lang)
        by_month = defaultdict(lambda: defaultdict(list))
        for line in self:
            by_month[line.date.replace(day=1)][line.helpdesk_ticket_id].append(line.id)
        commands, sources = [], []
        for start, by_ticket in sorted(by_month.items()):
            end = start + relativedelta(months=1, days=-1)
            price = Agreement._support_hourly_price(partner, company, start)
            if not price or not product:
                _logger.warning(
                    "Hours of %s not invoiced: %s has no hourly product",
                    partner.name,
                    company.name,
                )
                return None, None
            unit_price, discount, _rate = price
            period = local.env._(
                "%(start)s to %(end)s",
                start=format_date(local.env, start),
                end=format_date(local.env, end),
            )
            for ticket, ids in sorted(
                by_ticket.items(), key=lambda i: i[0].number or ""
            ):
                records = self.browse(ids)
                hours = sum(records.mapped("unit_amount"))
                if not hours:
                    continue
                label = local.env._(
                    "Ticket %(number)s: %(title)s",
                    number=ticket.number,
                    title=ticket.name,
                )
                commands.append(
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": f"{label} ({period})",
                            "quantity": hours,
                            "price_unit": unit_price,
                            "discount": discount,
                            "support_kind": "time",
                            "support_period_start": start,
                            "support_period_end": end,
                        }
                    )
                )
                sources.append(records)
        if not commands:
            return None, None
        terms = partner.with_company(company).property_payment_term_id or self.env.ref(
            "account.account_payment_term_immediate", raise_if_not_found=False
        )
        return {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "company_id": company.id,
            "currency_id": company.currency_id.id,
            "invoice_date": invoice_date,
            "invoice_payment_term_id": terms.id if terms else False,
            # The months of work it bills.
            "support_period_start": min(by_month),
            "support_period_end": invoice_date - relativedelta(days=1),
            "invoice_line_ids": commands,
        }, sources
