"""What the accountant prints from the backend, with the wkhtmltopdf the
set-up installs (Debian's, of unpatched Qt): several documents at once."""

import json
import re
from urllib.parse import urlencode

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.support_contract.tests.pdf_tools import pdf_run


@tagged("post_install", "-at_install")
class TestAccountantPrints(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "support_billing")])
        if not module.demo:
            cls.skipTest(cls, "the database has no demo data")
        cls.company = cls.env.ref("support_contract.company_demo")
        cls.invoices = cls.env["account.move"].search(
            [
                ("company_id", "=", cls.company.id),
                ("subscription_id.support_kind", "!=", False),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ],
            order="invoice_date, id",
            limit=2,
        )

    def download(self, report, records):
        """What the web client's *Print* menu asks for."""
        self.authenticate("accountant", "accountant")
        url = f"/report/pdf/{report}/{','.join(map(str, records.ids))}"
        response = self.url_open(
            "/report/download?"
            + urlencode(
                {
                    "data": json.dumps([url, "qweb-pdf"]),
                    "context": json.dumps(
                        {"force_report_rendering": True, "lang": "sv_SE"}
                    ),
                }
            ),
            timeout=120,
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertTrue(response.content.startswith(b"%PDF"), response.text[:500])
        return response.content

    def assertOnePdfOfBoth(self, pdf, title):
        text = " ".join(pdf_run(["pdftotext", "-layout"], pdf).split())
        pages = int(re.search(r"Pages:\s+(\d+)", pdf_run(["pdfinfo"], pdf)).group(1))
        self.assertGreaterEqual(pages, 2)
        for invoice in self.invoices:
            self.assertIn(f"{title} {invoice.name}", text)

    def test_accountant_prints_two_invoices_in_one_pdf(self):
        self.assertEqual(len(self.invoices), 2)
        pdf = self.download("account.report_invoice", self.invoices)
        self.assertOnePdfOfBoth(pdf, "Faktura")

    def test_accountant_prints_two_statements_in_one_pdf(self):
        self.assertEqual(len(self.invoices), 2)
        pdf = self.download("support_billing.report_support_statement", self.invoices)
        self.assertOnePdfOfBoth(pdf, "Supportspecifikation")

    def test_each_record_keeps_its_own_saved_attachment(self):
        report = self.env.ref("support_billing.action_report_support_statement")
        report.attachment = "'Kopia ' + object.name.replace('/', '_') + '.pdf'"
        accountant = self.env.ref("support_contract.user_accountant_demo")
        pdf = (
            self.env["ir.actions.report"]
            .with_user(accountant)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report.report_name, self.invoices.ids)[0]
        )
        self.assertOnePdfOfBoth(pdf, "Supportspecifikation")
        for invoice in self.invoices:
            saved = self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "=", invoice.id),
                    ("name", "=", f"Kopia {invoice.name.replace('/', '_')}.pdf"),
                ]
            )
            self.assertEqual(len(saved), 1)
            text = pdf_run(["pdftotext", "-layout"], saved.raw)
            self.assertIn(invoice.name, text)
            for other in self.invoices - invoice:
                self.assertNotIn(other.name, text)

    def test_invoice_and_statement_open_with_the_sellers_logo_and_name(self):
        accountant = self.env.ref("support_contract.user_accountant_demo")
        for report in (
            "account.account_invoices",
            "support_billing.action_report_support_statement",
        ):
            with self.subTest(report=report):
                pdf = (
                    self.env["ir.actions.report"]
                    .with_user(accountant)
                    .with_context(force_report_rendering=True)
                    ._render_qweb_pdf(report, self.invoices[:1].ids)[0]
                )
                text = pdf_run(["pdftotext", "-layout"], pdf)
                lines = [line for line in text.splitlines() if line.strip()]
                self.assertIn(self.company.name, lines[0])
                images = pdf_run(["pdfimages", "-list"], pdf).splitlines()[2:]
                self.assertTrue(any(row.split()[0] == "1" for row in images))
                # The seller's details stay at the end of the document.
                self.assertIn("Org.nr", " ".join(lines[-6:]))

    def test_statement_amounts_stay_inside_the_page(self):
        """Every amount of the statement ends left of the right margin, even
        beside a label with a long unbreakable path (a ticket's name)."""
        accountant = self.env.ref("support_contract.user_accountant_demo")
        line = self.env["account.move.line"].search(
            [
                ("move_id.company_id", "=", self.company.id),
                ("move_id.state", "=", "posted"),
                ("support_kind", "=", "time"),
            ],
            limit=1,
        )
        self.assertTrue(line, "a billed ticket in the demo")
        line.name = (
            "Ärende HT00015: Fel i https://git.example/nordkust/nordkust-addons/"
            "src/branch/main/nordkust_batch_picking/models/stock_picking_batch.py"
        )
        pdf = (
            self.env["ir.actions.report"]
            .with_user(accountant)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "support_billing.action_report_support_statement",
                line.move_id.ids,
            )[0]
        )
        boxes = pdf_run(["pdftotext", "-bbox"], pdf)
        page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
        words = re.findall(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', boxes
        )
        self.assertTrue(words)
        right = max(float(x_max) for x_max, _word in words)
        # A4 with Odoo's 7 mm side margins: nothing within 7 mm of the edge.
        self.assertLess(right, page_width - 7 / 25.4 * 72, "text runs past the margin")

    def test_credit_note_offers_no_statement_and_refuses_printing_one(self):
        accountant = self.env.ref("support_contract.user_accountant_demo")
        invoice = self.invoices[0]
        self.assertTrue(invoice._support_has_statement())
        reversal = (
            self.env["account.move.reversal"]
            .with_user(accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Test"})
        )
        action = reversal.refund_moves()
        credit_note = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(credit_note.move_type, "out_refund")
        credit_note.with_user(accountant).action_post()
        # It says which invoice it credits, in the customer's Swedish.
        self.assertEqual(credit_note.ref, f"Krediterar faktura {invoice.name}: Test")
        self.assertFalse(credit_note._support_has_statement())
        report = self.env.ref("support_billing.action_report_support_statement")
        Reports = self.env["ir.actions.report"].with_user(accountant)
        # Not in the credit note's Print menu, still in the invoice's.
        self.assertNotIn(
            report.id,
            report.with_user(accountant).get_valid_action_reports(
                "account.move", credit_note.ids
            ),
        )
        self.assertIn(
            report.id,
            report.with_user(accountant).get_valid_action_reports(
                "account.move", invoice.ids
            ),
        )
        # Asked for all the same (a URL), it says why instead of printing
        # an empty period and the credit as a charge.
        with self.assertRaises(UserError) as refusal:
            Reports.with_context(
                force_report_rendering=True, lang="sv_SE"
            )._render_qweb_pdf(report.report_name, credit_note.ids)
        message = str(refusal.exception)
        self.assertIn(credit_note.name, message)
        self.assertIn("kreditnota", message.lower())

    def test_invoice_email_states_due_date_bankgiro_and_ocr_reference(self):
        accountant = self.env.ref("support_contract.user_accountant_demo")
        invoice = self.env["account.move"].search(
            [
                ("company_id", "=", self.company.id),
                ("subscription_id.support_kind", "!=", False),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "=", "not_paid"),
                ("partner_bank_id", "!=", False),
            ],
            limit=1,
        )
        self.assertTrue(invoice, "the demo has an unpaid agreement invoice")
        template = invoice.with_user(accountant)._get_mail_template()
        self.assertEqual(
            template, self.env.ref("support_billing.mail_template_support_invoice")
        )
        body = str(
            template.with_user(accountant)._render_field(
                "body_html", invoice.ids, compute_lang=True
            )[invoice.id]
        )
        self.assertNotIn("så snart som möjligt", body)
        self.assertIn("Vänligen betala senast", body)
        self.assertIn(invoice.partner_bank_id.acc_number, body)
        self.assertIn("bankgiro", body.lower())
        self.assertIn(f"OCR-nummer <strong>{invoice.payment_reference}</strong>", body)
