"""An accountant invoices agreements with Odoo's own invoicing rights only."""

from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import SupportBillingCommon


@tagged("post_install", "-at_install")
class TestAccountantRole(SupportBillingCommon):
    def invoice_as_accountant(self):
        action = self.agreement.with_user(self.accountant).manual_invoice()
        return self.env["account.move"].browse(action["res_id"])

    def test_accountant_makes_posts_and_credits_an_agreement_invoice(self):
        with freeze_time("2026-10-15"):
            invoice = self.invoice_as_accountant()
            self.assertEqual(invoice.state, "draft")
            # The company has no email address: its contact who has one.
            self.assertEqual(invoice.partner_id, self.contact)
            self.assertEqual(invoice.commercial_partner_id, self.customer)
            invoice.with_user(self.accountant).action_post()
            self.assertEqual(invoice.state, "posted")
            # 4,900 kr a month and 25 % VAT.
            self.assertEqual(
                (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total),
                (4900.0, 1225.0, 6125.0),
            )
            reversal = (
                self.env["account.move.reversal"]
                .with_user(self.accountant)
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {"journal_id": invoice.journal_id.id, "date": date(2026, 10, 15)}
                )
            )
            credit_note = self.env["account.move"].browse(
                reversal.refund_moves()["res_id"]
            )
            credit_note.with_user(self.accountant).action_post()
            self.assertEqual(credit_note.amount_total, 6125.0)
            self.assertEqual(invoice.payment_state, "reversed")


@tagged("post_install", "-at_install")
class TestAccountantScreens(SupportBillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The period of the month has begun, whatever day the tests run.
        cls.agreement.recurring_next_date = fields.Date.today().replace(day=1)

    def test_accountant_prints_the_support_statement(self):
        action = self.agreement.with_user(self.accountant).manual_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        invoice.with_user(self.accountant).action_post()
        self.authenticate(self.accountant.login, self.accountant.login)
        response = self.url_open(
            f"/report/pdf/support_billing.report_support_statement/{invoice.id}"
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertEqual(
            response.headers["Content-Type"], "application/pdf", response.text[:2000]
        )
        # In tests Odoo renders the report's HTML instead of running
        # wkhtmltopdf: the statement's own content is what is checked.
        self.assertIn(b"Support statement", response.content)
        self.assertIn(self.customer.name.encode(), response.content)

    def test_accountant_invoices_an_agreement_in_the_browser(self):
        self.start_tour(
            f"/odoo/action-support_contract.sale_subscription_action/{self.agreement.id}",
            "support_billing_accountant_invoice",
            login=self.accountant.login,
        )
        invoice = self.invoices()
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 6125.0)


@tagged("post_install", "-at_install")
class TestStatementAsAccountant(SupportBillingCommon):
    def render(self, invoice):
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html("support_billing.report_support_statement", invoice.ids)
        )
        return html.decode()

    def test_statement_explains_the_fixed_fee_in_the_customers_language(self):
        with freeze_time("2026-10-15"):
            action = self.agreement.with_user(self.accountant).manual_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        html = self.render(invoice)
        self.assertIn("Monthly fees", html)
        self.assertIn(self.monthly_product.name, html)
        self.env["res.lang"]._activate_lang("sv_SE")
        (self.customer | self.contact).lang = "sv_SE"
        html = self.render(invoice)
        self.assertIn("Månadsavgifter", html)
        self.assertNotIn("Monthly fees", html)
