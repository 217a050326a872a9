"""What a Swedish customer receives: in Swedish, in Swedish formats, naming
the seller and how to pay.

Rendered from the demo, as `make run` shows it: the quotation of the
prospect Björkdal El AB, the invoices and statements of Nordkust Logistik AB,
and their portal pages read by their own portal users.
"""

import re
import unittest
from datetime import timedelta
from pathlib import Path

import polib
from lxml import html

from odoo import Command, api, fields
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date, formatLang

from odoo.addons.support_contract.tests.pdf_tools import pdf_fonts, pdf_text

ADDONS = Path(__file__).resolve().parents[2]
SUITE_ADDONS = ("support_contract", "support_helpdesk_scope", "support_billing")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
TAG = re.compile(r"<[^>]+>")
OTHERS_STAFF_LABEL = re.compile(
    r"model(?:_terms)?:(?:ir\.model\.fields(?:\.selection)?|ir\.model|ir\.ui\.menu"
    r"|ir\.actions\.\w+|ir\.ui\.view),\w+:(?:subscription_oca|helpdesk_mgmt)\."
    r"(?!portal_)"
)

# The seller in the demo (support_contract/demo/res_company_demo.xml).
SELLER = ("Nordisk ERP Partner AB", "556677-8899", "SE556677889901", "5050-1055")
# Money as Odoo writes SEK in Swedish: "12 500,00 kr" (non-breaking spaces).
SWEDISH_MONEY = re.compile(r"\d{1,3}(?:[\s\u00a0\u202f]\d{3})*,\d{2}[\s\u00a0]kr")
ENGLISH_MONEY = re.compile(r"\d,\d{3}\.\d{2}|\d\.\d{2}[\s\u00a0]?(?:kr|SEK)")
ENGLISH_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


# English names of the demo's products and texts that were seen on Swedish
# documents: none may appear on what a Swedish customer receives.
ENGLISH_SEEN = (
    "Operations Agreement, monthly fee",
    "OCR of supplier bills",
    "transactions",
    "per month",
    "What you commit to",
    "Minimum term",
    "Kommuniktationshistorik",
)


def english_fragments():
    """The suite's English texts that have a Swedish translation, in pieces
    as they can appear on a page: without markup, split at placeholders,
    whitespace collapsed. Pieces of a single short word are left out: they
    are words of either language ("block", "commit")."""
    fragments = set()
    for module in SUITE_ADDONS:
        for entry in polib.pofile(str(ADDONS / module / "i18n" / "sv.po")):
            if entry.obsolete or not entry.msgstr:
                continue
            if any(
                o[0].startswith("model:ir.actions.report,print")
                for o in entry.occurrences
            ):
                continue
            # Labels of the staff's screens of the modules the suite extends
            # (sv.po translates them for staff): words such as "Invoice" that
            # a customer may write himself, in a ticket's title.
            if all(OTHERS_STAFF_LABEL.match(o) for o, _line in entry.occurrences):
                continue
            swedish = " ".join(TAG.sub(" ", entry.msgstr).split())
            for piece in PLACEHOLDER.split(TAG.sub(" ", entry.msgid)):
                piece = " ".join(piece.split()).strip(" .,:;()=-·")
                if not piece or piece in swedish:
                    continue
                if " " not in piece and len(piece) < 6:
                    continue
                fragments.add(piece)
    return fragments


def document_text(content):
    """The text of a downloaded document: Odoo's test mode renders reports
    as HTML unless told otherwise."""
    if content.startswith(b"%PDF"):
        return pdf_text(content)
    return page_text(content)


def page_text(content):
    tree = html.fromstring(content)
    for node in tree.xpath("//script|//style|//head"):
        node.drop_tree()
    return tree.text_content()


@tagged("post_install", "-at_install")
class TestCustomerDocumentsInSwedish(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "support_billing")])
        if not module.demo:
            cls.skipTest(cls, "the database has no demo data")
        cls.english = english_fragments()
        cls.company = cls.env.ref("support_contract.company_demo")
        cls.quote = cls.env.ref("support_contract.sale_order_bjorkdal_quote_demo")
        cls.agreement = cls.env.ref("support_contract.agreement_nordkust_msa_demo")
        cls.invoice = cls.env["account.move"].search(
            [
                ("subscription_id", "=", cls.agreement.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ],
            order="invoice_date desc",
            limit=1,
        )

    def assertSwedishOnly(self, text, what):
        flat = " ".join(text.split())
        found = sorted(
            fragment
            for fragment in self.english
            if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", flat)
        )
        self.assertFalse(found, f"English of the suite in {what}: {found}")
        self.assertFalse(ENGLISH_MONEY.search(flat), f"English money in {what}")
        self.assertFalse(ENGLISH_DATE.search(flat), f"English date in {what}")

    def assertNamesSeller(self, text, what):
        flat = " ".join(text.split())
        for value in SELLER:
            self.assertIn(value, flat, f"{what} does not name {value}")
        self.assertIn("Org.nr", flat)
        self.assertIn("Momsreg.nr", flat)
        self.assertIn("Bankgiro", flat)

    def login(self, login, password):
        """Log in on the login page, as the customer does (the page sets the
        portal's language to the user's)."""
        page = self.url_open("/web/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            "/web/login",
            data={"login": login, "password": password, "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)

    def render_pdf(self, report, records):
        return pdf_text(
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)[0]
        )

    def test_demo_customers_and_seller_are_complete(self):
        for partner in (self.quote.partner_id, self.invoice.partner_id):
            self.assertEqual(partner.lang, "sv_SE")
        self.assertTrue(self.company.logo)
        self.assertEqual(self.company.company_registry, "556677-8899")
        self.assertEqual(self.invoice.partner_bank_id.acc_number, "5050-1055")

    def test_quotation_pdf_is_swedish_commits_and_names_the_seller(self):
        text = self.render_pdf("sale.action_report_saleorder", self.quote)
        self.assertSwedishOnly(text, "the quotation PDF")
        self.assertNamesSeller(text, "the quotation PDF")
        flat = " ".join(text.split())
        self.assertRegex(flat, SWEDISH_MONEY)
        monthly = self.quote._support_quote_monthly_amount()
        months = self.quote.support_quote_template_id.support_minimum_term_months
        self.assertEqual(months, 12)
        customer = self.quote._support_customer()

        def spaced(value):  # the text layer has plain spaces
            return value.replace("\u00a0", " ").replace("\u202f", " ")

        flat = spaced(flat)
        self.assertIn(
            spaced(f"{customer._support_format_money(monthly)} per månad"), flat
        )
        self.assertIn(spaced(customer._support_format_money(monthly * months)), flat)
        self.assertIn("Minimitid 12 månader", flat)
        self.assertIn("Avgift för versionsuppgradering", flat)
        self.assertIn("12 500,00 kr", flat)

    def test_quotation_lines_are_written_in_the_customers_language(self):
        lines = " ".join(self.quote.order_line.mapped("name"))
        self.assertSwedishOnly(lines, "the quotation's lines")
        # The commitment is the block computed from the lines, never a note
        # typed once that an edit of the lines would leave wrong.
        self.assertFalse(
            self.quote.order_line.filtered(
                lambda line: line.display_type == "line_note"
            )
        )

    def test_invoice_pdf_is_swedish_and_names_the_seller_and_bankgiro(self):
        text = self.render_pdf("account.account_invoices", self.invoice)
        self.assertSwedishOnly(text, "the invoice PDF")
        self.assertNamesSeller(text, "the invoice PDF")
        self.assertRegex(" ".join(text.split()), SWEDISH_MONEY)
        self.assertNotIn("Proforma", text)

    def test_invoice_lines_are_labelled_in_swedish(self):
        labels = " ".join(self.invoice.invoice_line_ids.mapped("name"))
        self.assertSwedishOnly(labels, "the invoice's lines")

    def test_statement_pdf_explains_each_counted_source_in_swedish(self):
        text = self.render_pdf(
            "support_billing.action_report_support_statement", self.invoice
        )
        self.assertSwedishOnly(text, "the statement PDF")
        self.assertNamesSeller(text, "the statement PDF")
        flat = " ".join(text.split())
        counts = self.agreement._support_counts_in_force(
            self.invoice.support_period_start
        )
        self.assertTrue(counts)
        for count in counts.values():
            self.assertIn(count._support_customer_source_name(), flat)
            if count.instance_id:
                self.assertNotIn(count.instance_id.database_name, flat)
            if count.repository_id:
                self.assertIn(count.commit[:12], flat)
        self.assertIn("räknad", flat)
        self.assertEqual(
            self.invoice._support_statement_filename(),
            "Supportspecifikation " + self.invoice.name.replace("/", "_"),
        )

    def test_statement_leaves_out_a_source_never_counted(self):
        self.env["support.repository"].create(
            {
                "name": "aldrig-raknad",
                "url": "https://git.example/aldrig-raknad.git",
                "agreement_id": self.agreement.id,
            }
        )
        text = self.render_pdf(
            "support_billing.action_report_support_statement", self.invoice
        )
        self.assertNotIn("aldrig-raknad", text)

    def test_portal_pages_of_a_swedish_customer(self):
        self.login("anna@nordkust.example", "portal")
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_id", "child_of", self.agreement.partner_id.id)], limit=1
        )
        pages = [
            "/my/agreements",
            f"/my/agreements/{self.agreement.id}",
            "/my/invoices",
            f"/my/invoices/{self.invoice.id}",
            "/my/tickets",
            f"/my/ticket/{ticket.id}",
        ]
        for url in pages:
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                text = page_text(response.content)
                self.assertSwedishOnly(text, url)
                self.assertNotIn("127.0.0.1", text)
                self.assertNotIn("localhost", text)
        agreement_page = page_text(
            self.url_open(f"/my/agreements/{self.agreement.id}").content
        )
        self.assertRegex(" ".join(agreement_page.split()), SWEDISH_MONEY)
        invoice_page = self.url_open(f"/my/invoices/{self.invoice.id}").text
        self.assertIn(f"/my/invoices/{self.invoice.id}/support-statement", invoice_page)
        self.assertIn("Supportspecifikation", invoice_page)

    def test_portal_shows_no_address_only_the_server_reaches(self):
        # Solberga's counted database is the demo server itself (loopback).
        agreement = self.env.ref("support_contract.agreement_solberga_msa_demo")
        instance = agreement.support_instance_ids.filtered(
            lambda i: "127.0.0.1" in (i.url or "")
        )
        self.assertTrue(instance, "the demo's loopback instance")
        self.login("erik@solberga.example", "portal")
        for url in ("/my/agreements", f"/my/agreements/{agreement.id}"):
            with self.subTest(url=url):
                content = self.url_open(url).text
                if url != "/my/agreements":
                    self.assertIn(instance.name, content)
                self.assertNotIn("127.0.0.1", content)
                self.assertSwedishOnly(page_text(content), url)

    def test_portal_monthly_amount_is_what_the_invoice_bills(self):
        # This period's invoice bills the code lines in force on its first
        # day; the count made since is billed from the next period, and the
        # page says so with its amount and date.
        agreement = self.agreement
        today = fields.Date.context_today(agreement)
        start, end = agreement._support_period_of(today)
        invoice = self.env["account.move"].search(
            [
                ("subscription_id", "=", agreement.id),
                ("support_period_start", "=", start),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("support_reversed", "=", False),
            ]
        )
        self.assertEqual(len(invoice), 1, "this period is invoiced")
        recurring = invoice.invoice_line_ids.filtered(
            lambda line: (
                line.support_kind == "recurring" and line.support_period_start == start
            )
        )
        billed = sum(recurring.mapped("price_subtotal"))
        blocks = int(
            recurring.filtered(
                lambda line: line.product_id == agreement.support_code_line_product_id
            ).quantity
        )
        coming = agreement.recurring_total  # the lines as the latest count set them
        self.assertFalse(
            invoice.currency_id.is_zero(coming - billed),
            "the demo counted again since this period began",
        )
        swedish = self.env(context={"lang": "sv_SE"})

        def money(amount):
            return " ".join(
                formatLang(swedish, amount, currency_obj=invoice.currency_id).split()
            )

        self.login("anna@nordkust.example", "portal")
        page = html.fromstring(self.url_open(f"/my/agreements/{agreement.id}").content)
        shown = page.xpath("//*[contains(@class, 'o_support_monthly_amount')]")
        self.assertEqual(" ".join(shown[0].text_content().split()), money(billed))
        flat = " ".join(page.text_content().split())
        next_start = format_date(swedish, end + timedelta(days=1))
        self.assertIn(f"Från och med {next_start}: {money(coming)} per månad", flat)
        self.assertIn(
            f"Fakturan för perioden som började {format_date(swedish, start)} "
            f"debiterar räkningen som gällde den dagen: {blocks} block.",
            flat,
        )
        listing = page_text(self.url_open("/my/agreements").content)
        self.assertIn(money(billed), " ".join(listing.split()))

    def test_portal_names_a_counted_database_as_the_customer_knows_it(self):
        # Solberga's counted database is the partner's own demo database:
        # Erik reads it by the instance's name, its count date in Swedish.
        agreement = self.env.ref("support_contract.agreement_solberga_msa_demo")
        instance = agreement._support_counted_instances()
        self.assertEqual(len(instance), 1)
        count = instance.snapshot_ids.filtered(lambda s: s.state == "applied")[:1]
        self.assertTrue(count)
        self.login("erik@solberga.example", "portal")
        page = self.url_open(f"/my/agreements/{agreement.id}").text
        flat = " ".join(page_text(page).split())
        self.assertNotIn(instance.database_name, flat)
        self.assertIn(f"Databasen i {instance.name}", flat)
        swedish = self.env(context={"lang": "sv_SE"})
        counted = format_date(swedish, count.date.date())
        self.assertIn(f"räknad {counted}, anpassningar i databasen", flat)
        repository = agreement.support_repository_ids[:1]
        latest = repository.snapshot_ids.filtered(lambda s: s.state == "applied")[:1]
        counted = format_date(swedish, latest.date.date())
        self.assertIn(f"räknad {counted}, commit {latest.commit[:12]}", flat)

    def test_demo_history_is_sent_as_the_monthly_run_sends_it(self):
        history = self.env["account.move"].search(
            [
                ("subscription_id.support_kind", "!=", False),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
            ]
        )
        self.assertTrue(history)
        for move in history:
            self.assertTrue(
                move.is_move_sent or move.is_being_sent,
                f"{move.name} was never sent: it would read pro forma",
            )

    def oldest_history_invoice(self):
        return self.env["account.move"].search(
            [
                ("subscription_id", "=", self.agreement.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("support_reversed", "=", False),
            ],
            order="invoice_date, id",
            limit=1,
        )

    def test_portal_pdf_of_a_history_invoice_names_the_seller(self):
        # The running server's sending job does for the history what it does
        # for the monthly run's invoices (here for the oldest, as its work on
        # one invoice); the customer then downloads it from the portal.
        invoice = self.oldest_history_invoice()
        self.env["account.move.send"].with_context(
            force_report_rendering=True
        )._generate_and_send_invoices(invoice, from_cron=True)
        self.assertTrue(invoice.is_move_sent)
        self.login("anna@nordkust.example", "portal")
        response = self.url_open(
            f"/my/invoices/{invoice.id}?report_type=pdf&download=true"
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
        text = pdf_text(response.content)
        self.assertNamesSeller(text, "the history invoice downloaded from the portal")
        self.assertIn(invoice.name, text)
        self.assertNotIn("Proforma", text)
        self.assertSwedishOnly(text, "the history invoice downloaded from the portal")
        # Rendered with the report's style sheets (their font, DejaVu Sans,
        # is how the PDF keeps its text layer), not wkhtmltopdf's default.
        self.assertIn("DejaVuSans", pdf_fonts(response.content))

    def test_queued_history_invoice_is_never_pro_forma_on_the_portal(self):
        # Opened by the customer before the sending job ran: its PDF is made
        # then, as the job makes it, and the job sends that same PDF.
        invoice = self.oldest_history_invoice()
        self.assertTrue(invoice.is_being_sent, "the demo left it in the queue")
        self.assertFalse(invoice.invoice_pdf_report_id)
        self.login("anna@nordkust.example", "portal")
        preview = self.url_open(f"/my/invoices/{invoice.id}?report_type=html")
        self.assertEqual(preview.status_code, 200)
        self.assertNotIn("roforma", page_text(preview.content))
        self.assertNamesSeller(page_text(preview.content), "the portal's preview")
        response = self.url_open(
            f"/my/invoices/{invoice.id}?report_type=pdf&download=true"
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("proforma", response.headers["Content-Disposition"])
        text = document_text(response.content)
        self.assertNotIn("roforma", text)
        self.assertNamesSeller(text, "the queued invoice downloaded from the portal")
        self.env.invalidate_all()
        made = invoice.invoice_pdf_report_id
        self.assertTrue(made)
        self.assertTrue(invoice.is_being_sent, "still to be emailed by the job")
        self.env["account.move.send"]._generate_and_send_invoices(
            invoice, from_cron=True
        )
        self.assertEqual(invoice.invoice_pdf_report_id, made)
        self.assertFalse(invoice.is_being_sent)
        sent = invoice.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertIn(made.name, sent.attachment_ids.mapped("name"))

    def test_another_customer_makes_no_pdf_of_a_queued_invoice(self):
        invoice = self.oldest_history_invoice()
        self.login("erik@solberga.example", "portal")
        self.url_open(f"/my/invoices/{invoice.id}?report_type=pdf&download=true")
        self.env.invalidate_all()
        self.assertFalse(invoice.invoice_pdf_report_id)

    def test_sending_run_sends_several_invoices_with_debians_wkhtmltopdf(self):
        # Odoo's sending cron renders its batch in one wkhtmltopdf call, which
        # an unpatched Qt cannot do: each invoice is rendered on its own.
        Move = self.env["account.move"]
        Move.search([("sending_data", "!=", False)]).sending_data = False
        # Two agreement invoices, not rendered yet, make the cron's batch.
        queued = Move.search(
            [
                ("subscription_id.support_kind", "!=", False),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ],
            limit=2,
        )
        self.assertEqual(len(queued), 2)
        queued.invoice_pdf_report_id.sudo().unlink()
        queued.is_move_sent = False
        queued._support_queue_sending()
        self.env.flush_all()
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(
                    cr, self.env.uid, {"force_report_rendering": True}
                )
                env["account.move"]._cron_account_move_send(job_count=2)
        except unittest.SkipTest as error:  # Odoo's word for that failure
            self.fail(f"the batch was rendered in one go: {error}")
        self.env.invalidate_all()
        for move in queued:
            self.assertTrue(move.is_move_sent, move.name)
            self.assertFalse(move.sending_data, move.name)
            self.assertTrue(move.invoice_pdf_report_id.raw.startswith(b"%PDF"))
            sent = move.message_ids.filtered(lambda m: m.message_type == "comment")
            names = sent.attachment_ids.mapped("name")
            self.assertIn(f"{move._support_statement_filename()}.pdf", names)
            self.assertTrue(
                move._support_statement_filename().startswith("Supportspec")
            )
            self.assertNotIn("Proforma", pdf_text(move.invoice_pdf_report_id.raw))

    def test_customer_downloads_the_statement_from_the_portal(self):
        self.login("anna@nordkust.example", "portal")
        response = self.url_open(
            f"/my/invoices/{self.invoice.id}/support-statement?download=1"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("Supportspecifikation", response.headers["Content-Disposition"])
        # Odoo's test mode renders reports as HTML unless told otherwise.
        if response.content.startswith(b"%PDF"):
            text = pdf_text(response.content)
        else:
            text = page_text(response.content)
        self.assertNamesSeller(text, "the downloaded statement")
        self.assertSwedishOnly(text, "the downloaded statement")

    def test_another_customer_cannot_download_the_statement(self):
        self.login("erik@solberga.example", "portal")
        response = self.url_open(
            f"/my/invoices/{self.invoice.id}/support-statement?download=1"
        )
        self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")

    def test_quotation_portal_page_of_the_prospect(self):
        self.login("maja@bjorkdal-el.example", "portal")
        response = self.url_open(f"/my/orders/{self.quote.id}")
        self.assertEqual(response.status_code, 200)
        text = " ".join(page_text(response.content).split())
        self.assertSwedishOnly(text, "the quotation's portal page")
        self.assertIn("per månad", text)
        self.assertIn("Vad du förbinder dig till", text)

    # An Operations agreement sold the ordinary way in Sales to a Swedish
    # prospect: its quotation (PDF and portal page) and its first invoice
    # with a pay-per-transaction line, as the consultant, the prospect and
    # the accountant make and read them.

    def assertNoEnglishSeen(self, text, what):
        flat = " ".join(text.split())
        for english in ENGLISH_SEEN:
            self.assertNotIn(english, flat, f"{english!r} in {what}")
        self.assertSwedishOnly(text, what)

    def operations_quote(self):
        consultant = self.env.ref("support_contract.user_consultant_demo")
        fee = self.env.ref("support_contract.product_operations_fee_demo")
        order = (
            self.env["sale.order"]
            .with_user(consultant)
            .create(
                {
                    "partner_id": self.quote.partner_id.id,
                    "order_line": [Command.create({"product_id": fee.id})],
                }
            )
        )
        order.action_quotation_sent()
        order._portal_ensure_token()
        return order

    def test_operations_quotation_commits_in_swedish_on_pdf_and_portal(self):
        order = self.operations_quote()
        self.assertEqual(order.partner_id.lang, "sv_SE")
        self.assertEqual(order.amount_untaxed, 4900.00)
        text = self.render_pdf("sale.action_report_saleorder", order)
        self.assertNoEnglishSeen(text, "the Operations quotation PDF")
        self.assertNamesSeller(text, "the Operations quotation PDF")
        flat = " ".join(text.split()).replace("\u00a0", " ").replace("\u202f", " ")
        self.assertIn("Driftavtal, månadsavgift", flat)
        self.assertIn("Vad du förbinder dig till", flat)
        self.assertIn("4 900,00 kr per månad", flat)
        self.assertIn("Minimitid 12 månader", flat)
        self.assertIn("58 800,00 kr", flat)  # 12 × 4,900
        # An Operations agreement has no upgrade fee.
        self.assertNotIn("Avgift för versionsuppgradering", flat)
        self.login("maja@bjorkdal-el.example", "portal")
        response = self.url_open(
            f"/my/orders/{order.id}?access_token={order.access_token}"
        )
        self.assertEqual(response.status_code, 200)
        page = page_text(response.content)
        self.assertNoEnglishSeen(page, "the Operations quotation's portal page")
        flat = " ".join(page.split()).replace("\u00a0", " ").replace("\u202f", " ")
        self.assertIn("per månad", flat)
        self.assertIn("58 800,00 kr", flat)
        self.assertIn("Kommunikationshistorik", flat)

    def test_first_invoice_with_a_usage_line_is_labelled_in_swedish(self):
        order = self.operations_quote()
        order.partner_id.write(
            {"street": "Storgatan 18", "city": "Skellefteå", "zip": "931 30"}
        )
        order.with_user(order.user_id).action_confirm()
        agreement = order.subscription_ids
        self.assertEqual(agreement.template_id.support_kind, "operations")
        # OCR transactions of the day before the agreement starts, imported
        # for it, billed in arrears on its first invoice.
        self.env["support.usage"].create(
            {
                "partner_id": order.partner_id.id,
                "agreement_id": agreement.id,
                "company_id": agreement.company_id.id,
                "product_id": self.env.ref("support_billing.product_ocr_demo").id,
                "date": agreement.date_start - timedelta(days=1),
                "quantity": 240,
                "price_unit": 0.85,
                "provider_id": self.env.ref(
                    "support_billing.usage_provider_inexchange_demo"
                ).id,
                "provider_reference": "INX-TEST-SV-1",
            }
        )
        # The accountant works in English (the scheduled run has no language
        # at all): the customer's invoice is labelled in Swedish all the same.
        accountant = self.env.ref("support_contract.user_accountant_demo")
        accountant.lang = "en_US"
        action = agreement.with_user(accountant).manual_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        labels = invoice.invoice_line_ids.mapped("name")
        self.assertEqual(len(labels), 2, labels)
        self.assertTrue(labels[0].startswith("Driftavtal, månadsavgift ("), labels)
        self.assertTrue(
            labels[1].startswith("OCR av leverantörsfakturor: 240 transaktioner ("),
            labels,
        )
        self.assertEqual(invoice.amount_untaxed, 5104.00)  # 4,900 + 240 × 0.85
        self.assertNoEnglishSeen(" ".join(labels), "the invoice's lines")
        text = self.render_pdf("account.account_invoices", invoice)
        self.assertNoEnglishSeen(text, "the invoice PDF")
        self.assertNamesSeller(text, "the invoice PDF")
