import io
from datetime import date, datetime

import psycopg2
from freezegun import freeze_time
from PyPDF2 import PdfReader

from odoo import Command, api
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SupportBillingCommon


@tagged("post_install", "-at_install")
class TestMonthlyInvoice(SupportBillingCommon):
    def test_one_invoice_holds_every_kind_of_line_naming_its_period(self):
        ticket = self.new_ticket("import_export", ticket_date=date(2026, 10, 3))
        self.log_time(ticket, 2.5).date = date(2026, 10, 5)
        included = self.new_ticket("how_to", ticket_date=date(2026, 10, 3))
        self.log_time(included, 4).date = date(2026, 10, 6)
        upgrade, _usage = self.october_upgrade_and_usage()
        self.run_invoicing(date(2026, 11, 15))
        october, invoice = self.invoices()
        # Fixed fees in advance; time and usage in arrears: October's on
        # November's invoice; the upgrade fee, commenced on 10 October, on the
        # first invoice dated after it (never on October's, dated the 1st).
        self.assertEqual(
            set(october.invoice_line_ids.mapped("support_kind")), {"recurring"}
        )
        self.assertEqual(
            (invoice.support_period_start, invoice.support_period_end),
            (date(2026, 11, 1), date(2026, 11, 30)),
        )
        lines = {line.support_kind: line for line in invoice.invoice_line_ids}
        self.assertEqual(set(lines), {"recurring", "time", "upgrade", "usage"})
        for line in invoice.invoice_line_ids:
            month = 11 if line.support_kind == "recurring" else 10
            self.assertEqual(line.support_period_start, date(2026, month, 1))
            self.assertIn(f"{month}/01/2026 to {month}/", line.name)
        time = lines["time"]
        self.assertIn(ticket.number, time.name)
        self.assertEqual(time.quantity, 2.5)
        self.assertEqual(time.discount, 15)  # the agreement's hourly discount
        self.assertTrue(self.currency.is_zero(time.price_subtotal - 2125))
        self.assertTrue(self.currency.is_zero(lines["upgrade"].price_subtotal - 12500))
        self.assertEqual(lines["usage"].quantity, 200)
        self.assertTrue(self.currency.is_zero(lines["usage"].price_subtotal - 170))
        untaxed = 4900 + 2125 + 12500 + 170
        self.assertTrue(self.currency.is_zero(invoice.amount_untaxed - untaxed))
        self.assertTrue(self.currency.is_zero(invoice.amount_tax - untaxed * 0.25))
        # Time on included tickets is never billed.
        self.assertFalse(included.timesheet_ids.support_invoice_line_id)
        self.assertEqual(upgrade.fee_invoice_line_id, lines["upgrade"])
        self.assertEqual(self.agreement.recurring_next_date, date(2026, 12, 1))

    def test_amounts_are_right_to_the_ore(self):
        self.hour_product.list_price = 1234.56
        ticket = self.new_ticket("import_export", ticket_date=date(2026, 10, 3))
        self.log_time(ticket, 1.3).date = date(2026, 10, 5)
        self.run_invoicing(date(2026, 11, 15))
        invoice = self.invoices()[-1]
        time = invoice.invoice_line_ids.filtered(lambda li: li.support_kind == "time")
        # 1.3 h x 1,234.56 kr less 15 % = 1,364.1888 kr: 1,364.19 kr.
        self.assertEqual(time.price_subtotal, 1364.19)
        self.assertEqual(invoice.amount_untaxed, 6264.19)
        self.assertEqual(invoice.amount_tax, 1566.05)  # 25 % of 6,264.19
        self.assertEqual(invoice.amount_total, 7830.24)

    def test_running_twice_makes_one_invoice_per_period(self):
        self.run_invoicing(date(2026, 10, 15))
        self.run_invoicing(date(2026, 10, 15))
        self.assertEqual(len(self.invoices()), 1)

    def test_the_database_refuses_a_second_invoice_for_a_period(self):
        self.run_invoicing(date(2026, 10, 15))
        invoice = self.invoices()
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
        ):
            invoice.copy(
                {
                    "support_period_start": invoice.support_period_start,
                    "subscription_id": self.agreement.id,
                }
            )

    def test_missed_periods_are_caught_up_one_invoice_each(self):
        self.agreement.recurring_next_date = date(2026, 8, 1)
        self.run_invoicing(date(2026, 11, 28))
        self.assertEqual(
            self.invoices().mapped("support_period_start"),
            [date(2026, m, 1) for m in (8, 9, 10, 11)],
        )
        self.assertEqual(self.agreement.recurring_next_date, date(2026, 12, 1))

    def test_billed_time_and_usage_are_released_when_the_invoice_is_cancelled(self):
        ticket = self.new_ticket("import_export", ticket_date=date(2026, 10, 3))
        timesheet = self.log_time(ticket, 1)
        timesheet.date = date(2026, 10, 5)
        self.run_invoicing(date(2026, 11, 15))
        first = self.invoices()[-1]
        self.assertEqual(timesheet.support_invoice_line_id.move_id, first)
        first.button_cancel()
        self.run_invoicing(date(2026, 12, 15))
        second = self.invoices().filtered(lambda m: m.state != "cancel")[-1]
        self.assertEqual(second.support_period_start, date(2026, 12, 1))
        self.assertEqual(timesheet.support_invoice_line_id.move_id, second)

    def test_agreement_closed_early_is_billed_to_its_minimum_term_end(self):
        self.agreement.recurring_next_date = date(2026, 11, 1)
        with freeze_time("2026-03-01"):
            self.agreement.close_subscription()
        self.assertEqual(self.agreement.date, date(2026, 12, 31))
        self.run_invoicing(date(2027, 3, 15))
        self.assertEqual(
            self.invoices().mapped("support_period_start"),
            [date(2026, 11, 1), date(2026, 12, 1)],
        )

    def test_agreement_that_cannot_be_invoiced_is_reported_and_skipped(self):
        other = self.start_agreement(
            self.template_ops, self.other_customer, date(2026, 1, 1)
        )
        other.recurring_next_date = date(2026, 10, 1)
        self.run_invoicing(date(2026, 10, 15))
        self.assertFalse(self.invoices(other))
        self.assertIn("no address", other.activity_ids.note)
        self.assertEqual(len(self.invoices()), 1, "the others are invoiced")

    def second_agreement(self, product=None):
        self.other_customer.write({"street": "Kungsgatan 2", "city": "Luleå"})
        other = self.start_agreement(
            self.template_ops, self.other_customer, date(2026, 1, 1), product
        )
        other.recurring_next_date = date(2026, 10, 1)
        return other

    def test_a_batch_is_invoiced_together_with_notes_on_both_sides(self):
        other = self.second_agreement()
        self.assertEqual(self.run_invoicing(date(2026, 10, 15)), 2)
        for agreement in (self.agreement, other):
            invoice = self.invoices(agreement)
            self.assertEqual(len(invoice), 1)
            self.assertEqual(agreement.recurring_next_date, date(2026, 11, 1))
            note = invoice.message_ids.filtered(
                lambda m, a=agreement: a.name in (m.body or "")
            )
            self.assertIn("10/01/2026 to 10/31/2026", note.body)
            self.assertIn(
                "Invoiced 10/01/2026 to 10/31/2026",
                " ".join(agreement.message_ids.mapped("body")),
            )

    def test_archived_product_is_reported_and_the_batch_goes_on(self):
        retired = self.env["product.product"].create(
            {"name": "Retired fee (test)", "type": "service", "list_price": 100}
        )
        other = self.second_agreement(retired)
        retired.active = False
        self.run_invoicing(date(2026, 10, 15))
        self.assertFalse(self.invoices(other))
        self.assertIn("Retired fee (test)", other.activity_ids.note)
        self.assertIn("archived", other.activity_ids.note)
        self.assertEqual(len(self.invoices()), 1)

    def test_a_period_invoiced_already_is_reported_and_the_batch_goes_on(self):
        other = self.second_agreement()
        self.run_invoicing(date(2026, 10, 15))
        self.invoices(other).action_post()
        # Someone moves the next date back over an invoiced period.
        other.recurring_next_date = date(2026, 10, 1)
        self.agreement.recurring_next_date = date(2026, 11, 1)
        self.run_invoicing(date(2026, 11, 15))
        self.assertEqual(len(self.invoices(other)), 1, "no second October")
        self.assertEqual(len(self.invoices()), 2, "the other agreement goes on")
        # The refusal names the invoice and the period it refers to.
        october = self.invoices(other)
        self.assertTrue(october.name.startswith("INV/"))
        self.assertIn(october.name, other.activity_ids.note)
        self.assertIn("10/01/2026 to 10/31/2026", other.activity_ids.note)
        self.assertEqual(other.recurring_next_date, date(2026, 10, 1))

    def test_sent_invoices_carry_the_support_statement(self):
        self.customer.email = "faktura@kund-ett.example"
        self.template_msa.invoicing_mode = "invoice_send"
        ticket = self.new_ticket("import_export", ticket_date=date(2026, 10, 3))
        self.log_time(ticket, 2).date = date(2026, 10, 5)
        self.run_invoicing(date(2026, 10, 15))
        invoice = self.invoices()
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(invoice.is_being_sent, "queued for Odoo's sending")
        # The demo's history waits in the same queue, oldest first: leave
        # this invoice alone in it, so one run of the job reaches it.
        self.env["account.move"].search(
            [("sending_data", "!=", False), ("id", "!=", invoice.id)]
        ).sending_data = False
        with (
            self.enter_registry_test_mode(),
            self.allow_pdf_render(),
            self.registry.cursor() as cr,
        ):
            env = api.Environment(cr, self.env.uid, {"force_report_rendering": True})
            env["account.move"]._cron_account_move_send()
        self.env.invalidate_all()
        self.assertFalse(invoice.is_being_sent)
        sent = invoice.message_ids.filtered(lambda m: m.message_type == "comment")
        names = sent.attachment_ids.mapped("name")
        statement = sent.attachment_ids.filtered(
            lambda a: a.name.startswith("Support statement")
        )
        self.assertEqual(len(statement), 1, names)
        self.assertTrue(statement.raw.startswith(b"%PDF"))
        self.assertEqual(len(sent.attachment_ids), 2, names)  # invoice and statement
        # The agreement was made when the customer company had no email: it
        # invoices its contact who has one.
        self.assertEqual(invoice.partner_id, self.contact)
        self.assertIn(self.contact, sent.partner_ids)

    def test_code_lines_are_billed_as_counted_when_the_period_began(self):
        code = self.env["product.product"].create(
            {"name": "Code lines (test)", "type": "service", "list_price": 100}
        )
        code.write(
            {
                "property_account_income_id": (
                    self.monthly_product.property_account_income_id.id
                ),
                "taxes_id": self.vat25.ids,
            }
        )
        self.template_msa.write(
            {"support_code_line_product_id": code.id, "support_code_line_block": 100}
        )
        # Tiers: 100 kr a block, 80 kr from 10 blocks on.
        self.env["product.pricelist.item"].create(
            {
                "pricelist_id": self.pricelist.id,
                "applied_on": "0_product_variant",
                "product_id": code.id,
                "compute_price": "fixed",
                "fixed_price": 80,
                "min_quantity": 10,
            }
        )
        repository = self.env["support.repository"].create(
            {
                "agreement_id": self.agreement.id,
                "url": "https://git.example.com/kund-ett/addons.git",
            }
        )
        for when, lines, commit in (
            (datetime(2026, 9, 20), 750, "a" * 40),
            (datetime(2026, 10, 20), 1250, "b" * 40),
        ):
            snapshot = self.env["support.cloc.snapshot"].create(
                {
                    "repository_id": repository.id,
                    "commit": commit,
                    "line_ids": [
                        Command.create(
                            {"module_name": "sales_extra", "code_lines": lines}
                        )
                    ],
                }
            )
            snapshot.date = when
            snapshot._apply()
        self.assertEqual(self.agreement._support_code_line_line().product_uom_qty, 13)
        self.run_invoicing(date(2026, 11, 15))  # October, then November
        october, november = self.invoices()
        code_lines = [
            invoice.invoice_line_ids.filtered(lambda li: li.product_id == code)
            for invoice in (october, november)
        ]
        self.assertEqual([line.quantity for line in code_lines], [8, 13])
        self.assertTrue(self.currency.is_zero(code_lines[0].price_subtotal - 800))
        self.assertTrue(self.currency.is_zero(code_lines[1].price_subtotal - 1040))
        # The statement shows the count each invoice was priced from.
        Report = self.env["ir.actions.report"]
        for invoice, shown, hidden in ((october, "a", "b"), (november, "b", "a")):
            html = Report._render_qweb_html(
                "support_billing.report_support_statement", invoice.ids
            )[0].decode()
            self.assertIn(shown * 12, html)
            self.assertNotIn(hidden * 12, html)

    def test_statement_pdf_lists_tickets_and_hours(self):
        ticket = self.new_ticket("import_export", ticket_date=date(2026, 10, 3))
        self.log_time(ticket, 3).date = date(2026, 10, 5)
        self.run_invoicing(date(2026, 11, 15))
        invoice = self.invoices()[-1]
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("support_billing.report_support_statement", invoice.ids)[
                0
            ]
            .decode()
        )
        self.assertIn("Support statement", html)
        self.assertIn(ticket.number, html)
        self.assertIn("03:00", html)
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        with self.allow_pdf_render():
            pdf = report._render_qweb_pdf(
                "support_billing.report_support_statement", invoice.ids
            )[0]
        self.assertTrue(pdf.startswith(b"%PDF"), pdf[:300])
        pages = PdfReader(io.BytesIO(pdf)).pages
        text = " ".join(" ".join(page.extract_text().split()) for page in pages)
        self.assertIn(ticket.number, text)
        self.assertIn("Tickets and hours", text)

    def test_cron_invoices_due_agreements(self):
        cron = self.env.ref("support_billing.ir_cron_monthly_invoicing")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertTrue(self.invoices())
