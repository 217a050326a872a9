"""How a Swedish customer pays, and what the accountant prints: on the demo,
as `make run` shows it."""

import re
from datetime import timedelta

from lxml import html
from stdnum import luhn

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.support_contract.tests.pdf_tools import pdf_text


def flat(text):
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@tagged("post_install", "-at_install")
class TestCustomerPayment(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "support_billing")])
        if not module.demo:
            cls.skipTest(cls, "the database has no demo data")
        cls.company = cls.env.ref("support_contract.company_demo")
        cls.accountant = cls.env.ref("support_contract.user_accountant_demo")
        cls.agreement = cls.env.ref("support_contract.agreement_nordkust_msa_demo")
        cls.customer = cls.agreement.partner_id.commercial_partner_id
        cls.Move = cls.env["account.move"]

    def login(self, login, password):
        page = self.url_open("/web/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            "/web/login",
            data={"login": login, "password": password, "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)

    def accountant_invoice(self, amount=1000.0, invoice_date=None):
        """An invoice the accountant writes and posts in the demo company."""
        Move = self.Move.with_user(self.accountant).with_company(self.company)
        invoice = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": invoice_date or fields.Date.today(),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {"name": "Konsulttimmar", "quantity": 1, "price_unit": amount},
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def assertOcr(self, reference):
        """A Swedish OCR number with length and check digits (level 3)."""
        self.assertTrue(reference and reference.isdigit(), reference)
        self.assertEqual(int(reference[-2]), len(reference) % 10, reference)
        self.assertTrue(luhn.is_valid(reference), reference)

    def test_accountants_invoice_asks_for_a_bankgiro_ocr_number(self):
        invoice = self.accountant_invoice()
        self.assertOcr(invoice.payment_reference)
        text = flat(
            pdf_text(
                self.env["ir.actions.report"]
                .with_user(self.accountant)
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("account.account_invoices", invoice.ids)[0]
            )
        )
        self.assertIn(f"Vid betalning ange: {invoice.payment_reference}", text)
        self.assertIn("5050-1055", text)
        self.assertNotIn(invoice.name, text.split("Vid betalning ange:")[1][:40])

    def test_demo_invoices_carry_ocr_numbers(self):
        invoices = self.Move.search(
            [
                ("company_id", "=", self.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )
        self.assertTrue(invoices)
        for invoice in invoices:
            self.assertOcr(invoice.payment_reference)

    def test_portal_offers_no_pay_now_without_a_payment_provider(self):
        self.env["ir.config_parameter"].set_param(
            "account_payment.enable_portal_payment", "True"
        )
        self.env["payment.provider"].search(
            [("company_id", "=", self.company.id), ("state", "!=", "disabled")]
        ).write({"state": "disabled"})
        invoice = self.accountant_invoice(2500.0)
        # An overdue one too: Odoo offers to pay the overdue invoices online.
        self.accountant_invoice(
            900.0, invoice_date=fields.Date.today() - timedelta(days=60)
        )
        self.login("anna@nordkust.example", "portal")
        for url in ("/my", "/my/invoices", f"/my/invoices/{invoice.id}"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("/my/invoices/overdue", response.text)
                page = html.fromstring(response.content)
                for node in page.xpath("//script|//style|//head"):
                    node.drop_tree()
                text = flat(page.text_content())
                self.assertNotIn("Betala nu", text)
                self.assertNotIn("Ingen betalningsmetod", text)
        # The invoice shown on the page says how to pay instead.
        shown = self.url_open(f"/my/invoices/{invoice.id}?report_type=html")
        text = flat(html.fromstring(shown.content).text_content())
        self.assertIn(f"Vid betalning ange: {invoice.payment_reference}", text)

    def credit_in_full(self, invoice):
        """The accountant credits ``invoice`` in full with Odoo's reversal."""
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_company(self.company)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "reason": "Fel timmar",
                    "journal_id": invoice.journal_id.id,
                    "date": invoice.invoice_date,
                }
            )
        )
        wizard.refund_moves()
        credit_note = wizard.new_move_ids
        credit_note.action_post()
        self.assertEqual(invoice.payment_state, "reversed")
        return credit_note

    def test_portal_reads_a_credited_invoice_as_credited_not_paid(self):
        invoice = self.accountant_invoice(1250.0)
        credit_note = self.credit_in_full(invoice)
        self.login("anna@nordkust.example", "portal")
        listing = html.fromstring(self.url_open("/my/invoices").content)
        rows = {
            name: flat(row.text_content())
            for row in listing.xpath("//tr")
            for name in (invoice.name, credit_note.name)
            if name in row.text_content()
        }
        self.assertIn("Krediterad", rows[invoice.name])
        self.assertNotIn("Betalad", rows[invoice.name])
        # The credit note was set off against the invoice, not paid.
        self.assertIn("Avräknad", rows[credit_note.name])
        self.assertNotIn("Betalad", rows[credit_note.name])
        page = html.fromstring(self.url_open(f"/my/invoices/{invoice.id}").content)
        for node in page.xpath("//script|//style|//head|//iframe"):
            node.drop_tree()
        sidebar = flat(page.text_content())
        self.assertIn("Krediterad", sidebar)
        self.assertNotIn("Betalad", sidebar)
        page = html.fromstring(self.url_open(f"/my/invoices/{credit_note.id}").content)
        for node in page.xpath("//script|//style|//head|//iframe"):
            node.drop_tree()
        sidebar = flat(page.text_content())
        self.assertIn("Avräknad", sidebar)
        self.assertNotIn("Betalad", sidebar)

    def test_credit_note_pdf_says_kreditfaktura_throughout(self):
        credit_note = self.credit_in_full(self.accountant_invoice(800.0))
        text = flat(
            pdf_text(
                self.env["ir.actions.report"]
                .with_user(self.accountant)
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("account.account_invoices", credit_note.ids)[0]
            )
        )
        self.assertIn("Kreditfaktura", text)
        self.assertIn("Kreditfakturadatum", text)
        self.assertNotIn("Kreditbrev", text)
        self.assertNotIn("Kreditnota", text)

    def test_credit_note_email_says_kreditfaktura(self):
        invoice = self.Move.search(
            [
                ("subscription_id", "=", self.agreement.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "!=", "reversed"),
            ],
            order="invoice_date desc",
            limit=1,
        )
        credit_note = self.credit_in_full(invoice)
        wizard = (
            self.env["account.move.send.wizard"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=credit_note.ids)
            .create({"move_id": credit_note.id})
        )
        email = flat(f"{wizard.subject} {html.fromstring(wizard.body).text_content()}")
        self.assertIn("Kreditfaktura", email)
        self.assertIn(credit_note.name, email)
        self.assertIn(invoice.name, email)
        self.assertNotIn("Kreditnota", email)
        self.assertNotIn("kreditnota", email)
