"""How a Swedish customer pays, and what the accountant prints: on the demo,
as `make run` shows it."""

import re
import subprocess
import tempfile
from pathlib import Path

from lxml import html
from stdnum import luhn

from odoo.tests import HttpCase, tagged


def pdf_text(pdf):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


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

    def accountant_invoice(self, amount=1000.0):
        """An invoice the accountant writes and posts in the demo company."""
        Move = self.Move.with_user(self.accountant).with_company(self.company)
        invoice = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
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
        self.login("anna@nordkust.example", "portal")
        for url in ("/my/invoices", f"/my/invoices/{invoice.id}"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
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
