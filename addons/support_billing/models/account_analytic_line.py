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
        billable hours of the months before ``today``'s, one invoice per
        customer and month (dated the first day of the next month), at the
        standard rate (the hourly product's price, no agreement discount),
        with the same lines and statement as an agreement's hours; posted
        and sent through Odoo's sending queue. Safe to run twice: each hour
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
            groups[
                (company, ticket.commercial_partner_id, line.date.replace(day=1))
            ].append(line.id)
        Move = self.env["account.move"].sudo()
        invoices = Move
        for (company, partner, start), ids in sorted(
            groups.items(), key=lambda item: (item[0][2], item[0][1].id)
        ):
            values, sources = self.browse(ids)._support_invoice_values(
                company, partner, start
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
                _logger.warning(
                    "Hours of %s for %s not invoiced: %s", partner.name, start, error
                )
                continue
            invoices |= invoice
        if invoices:
            invoices.sending_data = {
                "author_user_id": self.env.user.id,
                "author_partner_id": self.env.user.partner_id.id,
            }
            self.env.ref("account.ir_cron_account_move_send")._trigger()
        return invoices

    def _support_invoice_values(self, company, partner, start):
        """(invoice values, timesheets of each line) of these hours, the
        billable time of ``partner`` in the month of ``start``: one line per
        ticket, labelled in the customer's language."""
        end = start + relativedelta(months=1, days=-1)
        Agreement = self.env["sale.subscription"]
        price = Agreement._support_hourly_price(partner, company, start)
        product = company.sudo().support_hourly_product_id
        if not price or not product:
            _logger.warning(
                "Hours of %s not invoiced: %s has no hourly product", partner, company
            )
            return None, None
        unit_price, discount, _rate = price
        address = partner.address_get(["invoice"])["invoice"]
        customer = self.env["res.partner"].browse(address)
        local = self.with_context(lang=customer.lang or partner.lang or self.env.lang)
        period = local.env._(
            "%(start)s to %(end)s",
            start=format_date(local.env, start),
            end=format_date(local.env, end),
        )
        by_ticket = defaultdict(list)
        for line in self:
            by_ticket[line.helpdesk_ticket_id].append(line.id)
        commands, sources = [], []
        for ticket, ids in sorted(by_ticket.items(), key=lambda i: i[0].number or ""):
            records = self.browse(ids)
            hours = sum(records.mapped("unit_amount"))
            if not hours:
                continue
            label = local.env._(
                "Ticket %(number)s: %(title)s", number=ticket.number, title=ticket.name
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
            "invoice_date": start + relativedelta(months=1),
            "invoice_payment_term_id": terms.id if terms else False,
            "support_period_start": start,
            "support_period_end": end,
            "invoice_line_ids": commands,
        }, sources
