"""Bill exactly what was agreed, on real posted invoices, to the öre.

The agent logs time, the Support User reclassifies, the customer answers
(what the portal route calls), the accountant presses Create Invoice and
posts; the monthly run invoices customers without an agreement.
"""

from datetime import date

from freezegun import freeze_time

from odoo import api
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SupportBillingCommon


@tagged("post_install", "-at_install")
class TestConsentBilling(SupportBillingCommon):
    # An hour costs 1,000 kr; with the agreement's 15 %: 850 kr. The
    # agreement's fee is 4,900 kr a month; VAT 25 %.

    def log_as(self, user, ticket, hours, day):
        return (
            self.env["account.analytic.line"]
            .with_user(user)
            .create(
                {
                    "name": "Work",
                    "helpdesk_ticket_id": ticket.id,
                    "unit_amount": hours,
                    "date": day,
                }
            )
        )

    def create_invoice(self, on, agreement=None):
        """Create Invoice pressed by the accountant on ``on``, then posted."""
        agreement = agreement or self.agreement
        with freeze_time(on):
            action = agreement.with_user(self.accountant).manual_invoice()
        self.env.invalidate_all()
        if action.get("res_id"):
            invoices = self.env["account.move"].browse(action["res_id"])
        else:
            invoices = self.env["account.move"].search(action["domain"])
        invoices.with_user(self.accountant).action_post()
        return invoices.sorted("support_period_start")

    def time_lines(self, invoice):
        return invoice.invoice_line_ids.filtered(lambda li: li.support_kind == "time")

    def assertAmounts(self, invoice, untaxed, total):
        currency = invoice.currency_id
        self.assertEqual(currency.compare_amounts(invoice.amount_untaxed, untaxed), 0)
        self.assertEqual(currency.compare_amounts(invoice.amount_total, total), 0)

    def reclassified_after_two_hours(self, ask):
        ticket = self.new_ticket(
            "how_to", ticket_date=date(2026, 10, 1), user_id=self.desk.id
        )
        self.log_as(self.agent, ticket, 2, date(2026, 10, 5))
        ticket.with_user(self.desk)._support_reclassify(
            "billable", "A new function", ask_logged_hours=ask
        )
        return ticket

    def test_hours_before_a_reclassification_are_not_billed_without_named_consent(
        self,
    ):
        ticket = self.reclassified_after_two_hours(ask=False)
        self.log_as(self.agent, ticket, 1, date(2026, 10, 12))
        october, november = self.create_invoice("2026-11-15")
        line = self.time_lines(november)
        self.assertEqual(line.quantity, 1, "only the hour logged after the decision")
        # 4,900 + 1 h x 850 = 5,750 kr; with VAT 7,187.50 kr.
        self.assertAmounts(november, 5750, 7187.50)
        self.assertFalse(self.time_lines(october))
        before = ticket.timesheet_ids.filtered("support_before_billable")
        self.assertFalse(before.support_invoice_line_id)
        self.assertFalse(self.time_lines(self.create_invoice("2026-12-01")))

    def test_named_hours_are_billed_when_the_customer_approves_them(self):
        ticket = self.reclassified_after_two_hours(ask=True)
        _october, november = self.create_invoice("2026-11-15")
        self.assertFalse(self.time_lines(november), "not approved yet")
        self.assertAmounts(november, 4900, 6125)
        # The customer approves the 2 hours named in the request (portal).
        ticket.sudo()._support_answer_approval(True, self.contact, logged=True)
        december = self.create_invoice("2026-12-01")
        line = self.time_lines(december)
        self.assertEqual(line.quantity, 2)
        self.assertIn(ticket.number, line.name)
        # 4,900 + 2 h x 850 = 6,600 kr; with VAT 8,250 kr.
        self.assertAmounts(december, 6600, 8250)

    def test_a_decline_bills_neither_the_hours_before_nor_after(self):
        self.agreement.support_billable_approval = True
        ticket = self.reclassified_after_two_hours(ask=True)
        ticket.sudo()._support_answer_approval(False, self.contact)
        with self.assertRaises(ValidationError):
            self.log_as(self.agent, ticket, 1, date(2026, 10, 20))
        for invoice in self.create_invoice("2026-11-15"):
            self.assertFalse(self.time_lines(invoice))
        self.assertAmounts(invoice, 4900, 6125)

    def test_approval_for_future_work_bills_only_the_time_after_it(self):
        self.agreement.support_billable_approval = True
        ticket = self.reclassified_after_two_hours(ask=True)
        ticket.sudo()._support_answer_approval(True, self.contact)
        self.log_as(self.agent, ticket, 0.5, date(2026, 10, 20))
        _october, november = self.create_invoice("2026-11-15")
        self.assertEqual(self.time_lines(november).quantity, 0.5)
        # 4,900 + 0.5 h x 850 = 5,325 kr; with VAT 6,656.25 kr.
        self.assertAmounts(november, 5325, 6656.25)

    # ------------------------------------------------------------------
    # Work without an agreement
    # ------------------------------------------------------------------

    def monthly_run(self, today):
        """The scheduled action, in its own cursor, on ``today``."""
        with (
            freeze_time(today),
            self.enter_registry_test_mode(),
            self.registry.cursor() as cr,
        ):
            env = api.Environment(cr, self.env.uid, {})
            env["sale.subscription"]._cron_monthly_invoicing()
        self.env.invalidate_all()

    def customer_invoices(self):
        return self.env["account.move"].search(
            [("partner_id", "=", self.other_customer.id)], order="invoice_date, id"
        )

    def test_hours_without_an_agreement_are_invoiced_at_the_standard_rate(self):
        self.other_customer.write(
            {"street": "Kungsgatan 2", "city": "Luleå", "zip": "972 31"}
        )
        first = self.new_ticket("how_to", partner=self.other_customer)
        second = self.new_ticket("implementation", partner=self.other_customer)
        self.assertFalse(first.agreement_id)
        self.assertEqual(first.scope, "billable")
        self.log_as(self.agent, first, 1.5, date(2026, 10, 5))
        self.log_as(self.agent, first, 0.75, date(2026, 10, 20))
        self.monthly_run("2026-11-01")
        self.monthly_run("2026-11-01")  # run twice: nothing twice
        october = self.customer_invoices()
        self.assertEqual(len(october), 1, "one invoice per customer and month")
        self.assertEqual(october.invoice_date, date(2026, 11, 1))
        self.assertEqual(october.state, "posted")
        self.assertTrue(october.sending_data, "queued for sending")
        line = self.time_lines(october)
        self.assertEqual(line.quantity, 2.25)
        self.assertEqual(line.price_unit, 1000)
        self.assertEqual(line.discount, 0, "no agreement, no discount")
        self.assertIn(first.number, line.name)
        self.assertIn("10/01/2026 to 10/31/2026", line.name)
        # 2.25 h x 1,000 kr = 2,250 kr; with VAT 2,812.50 kr.
        self.assertAmounts(october, 2250, 2812.50)
        self.assertEqual(first.timesheet_ids.support_invoice_line_id, line)
        # An hour of October logged late, and November's: on December's
        # invoice, each line with its own month; none before December.
        self.log_as(self.agent, first, 0.5, date(2026, 10, 30))
        self.log_as(self.agent, second, 1, date(2026, 11, 3))
        self.log_as(self.agent, second, 2, date(2026, 12, 1))  # December's
        self.monthly_run("2026-11-10")
        self.assertEqual(self.customer_invoices(), october)
        self.monthly_run("2026-12-01")
        december = self.customer_invoices() - october
        self.assertEqual(len(december), 1)
        self.assertEqual(december.invoice_date, date(2026, 12, 1))
        late, november = self.time_lines(december).sorted("support_period_start")
        self.assertEqual((late.quantity, november.quantity), (0.5, 1))
        self.assertIn("10/01/2026 to 10/31/2026", late.name)
        self.assertIn(second.number, november.name)
        # 1.5 h x 1,000 kr = 1,500 kr; with VAT 1,875 kr.
        self.assertAmounts(december, 1500, 1875)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("support_billing.report_support_statement", october.ids)[
                0
            ]
            .decode()
        )
        self.assertIn(first.number, html)
        self.assertIn("02:15", html)
        self.assertIn("standard rate", html)

    # ------------------------------------------------------------------
    # Refusals name what they refer to
    # ------------------------------------------------------------------

    def test_moving_the_next_invoice_date_back_names_the_invoice_and_period(self):
        october = self.create_invoice("2026-10-15")
        self.agreement.with_user(self.accountant).recurring_next_date = date(
            2026, 10, 1
        )
        with (
            freeze_time("2026-10-20"),
            self.assertRaises(UserError) as caught,
        ):
            self.agreement.with_user(self.accountant).manual_invoice()
        message = str(caught.exception)
        self.assertIn(october.name, message)
        self.assertIn("10/01/2026 to 10/31/2026", message)
        self.assertIn("11/01/2026", message)
