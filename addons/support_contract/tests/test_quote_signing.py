"""What the Swedish prospect reads before signing the demo's quotation on
the portal: the sentence signed, the payment terms and the hourly discount."""

import re

from lxml import html

from odoo.tests import HttpCase, tagged

from odoo.addons.support_contract.tests.pdf_tools import pdf_run


def text_of(node):
    return " ".join(
        node.text_content().replace("\u00a0", " ").replace("\u202f", " ").split()
    )


@tagged("post_install", "-at_install")
class TestQuoteSigning(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "support_contract")])
        if not module.demo:
            cls.skipTest(cls, "the database has no demo data")
        cls.quote = cls.env.ref("support_contract.sale_order_bjorkdal_quote_demo")

    def login(self, login, password):
        page = self.url_open("/web/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            "/web/login",
            data={"login": login, "password": password, "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)

    def portal_page(self, order):
        self.login("maja@bjorkdal-el.example", "portal")
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.content)

    def money(self, amount):
        customer = self.quote._support_customer()
        return (
            customer._support_format_money(amount)
            .replace("\u00a0", " ")
            .replace("\u202f", " ")
        )

    def test_prospect_signs_the_agreements_real_commitment_in_swedish(self):
        page = self.portal_page(self.quote)
        sign = text_of(page.xpath("//main[@id='sign-dialog']")[0])
        monthly = self.quote._support_quote_monthly_amount()
        self.assertTrue(monthly)
        self.assertIn("Genom att underteckna", sign)
        self.assertIn(f"{self.money(monthly)} per månad", sign)
        self.assertIn("exkl. moms", sign)
        self.assertIn("12 månader", sign)
        self.assertIn(self.money(monthly * 12), sign)
        self.assertIn(self.quote.partner_id.commercial_partner_id.name, sign)
        self.assertNotIn("citat", sign)
        self.assertNotIn(
            self.money(self.quote.amount_total), sign.split("per månad")[1]
        )

    def test_an_order_without_agreement_keeps_odoos_sentence(self):
        course = self.env["product.product"].create({"name": "Kurs", "type": "service"})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.quote.partner_id.id,
                "company_id": self.quote.company_id.id,
                "state": "sent",
                "order_line": [(0, 0, {"product_id": course.id, "price_unit": 1000})],
            }
        )
        page = self.portal_page(order)
        sign = text_of(page.xpath("//main[@id='sign-dialog']")[0])
        self.assertNotIn("per månad", sign)
        self.assertFalse(
            page.xpath("//*[contains(@class, 'o_support_sign_commitment')]")
        )

    def quotation_pdf(self):
        """The quotation PDF as the consultant prints it to send it."""
        consultant = self.env.ref("support_contract.user_consultant_demo")
        return (
            self.env["ir.actions.report"]
            .with_user(consultant)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("sale.action_report_saleorder", self.quote.ids)[0]
        )

    def test_quotation_pdf_opens_with_the_sellers_logo_and_name(self):
        pdf = self.quotation_pdf()
        lines = [
            line
            for line in pdf_run(["pdftotext", "-layout"], pdf).splitlines()
            if line.strip()
        ]
        self.assertIn(self.quote.company_id.name, lines[0])
        images = pdf_run(["pdfimages", "-list"], pdf).splitlines()[2:]
        self.assertTrue(
            any(row.split()[0] == "1" for row in images), "no logo on page 1"
        )

    def test_quotation_states_payment_term_and_hourly_discount(self):
        self.assertTrue(self.quote.payment_term_id)
        term = self.quote.payment_term_id.with_context(lang="sv_SE").name
        self.assertEqual(term, "30 dagar netto")
        discount = self.quote.support_quote_template_id.support_hourly_discount
        self.assertEqual(discount, 15)
        pdf = " ".join(pdf_run(["pdftotext", "-layout"], self.quotation_pdf()).split())
        self.assertIn("Betalningsvillkor", pdf)
        self.assertIn(term, pdf)
        self.assertIn("rabatt på 15 %", pdf)
        self.assertLess(
            pdf.index("rabatt på 15 %"), pdf.index("Vad du förbinder dig till")
        )
        page = self.portal_page(self.quote)
        text = text_of(page)
        self.assertIn("rabatt på 15 %", text)
        section = [
            text_of(node)
            for node in page.xpath("//section[h4]")
            if "Betalningsvillkor" in text_of(node)
        ]
        self.assertTrue(section)
        self.assertIn(term, section[0])
        # Right after the order's lines, before what the customer commits to.
        self.assertLess(
            text.index("rabatt på 15 %"), text.index("Vad du förbinder dig till")
        )

    def test_tour_prospect_reads_the_commitment_in_the_signing_dialog(self):
        # In the browser, as the prospect (the tour logs in with the login as
        # password).
        user = self.env["res.users"].search(
            [("login", "=", "maja@bjorkdal-el.example")]
        )
        user.password = user.login
        self.start_tour(
            f"/my/orders/{self.quote.id}",
            "support_contract_sign_commitment",
            login=user.login,
        )

    def sales_operations_quote(self, partner=None):
        """An Operations quotation made in Sales: the agreement's product
        added to an ordinary quotation with two hours of work."""
        return self.env["sale.order"].create(
            {
                "partner_id": (partner or self.quote.partner_id).id,
                "company_id": self.quote.company_id.id,
                "user_id": self.quote.user_id.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.env.ref(
                                "support_contract.product_operations_fee_demo"
                            ).id
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "product_id": self.env.ref(
                                "support_contract.product_support_hour_demo"
                            ).id,
                            "product_uom_qty": 2,
                        },
                    ),
                ],
            }
        )

    def test_operations_quote_made_in_sales_signs_the_commitment(self):
        order = self.sales_operations_quote()
        order.state = "sent"
        self.assertTrue(order.require_signature)
        page = self.portal_page(order)
        sign = text_of(page.xpath("//main[@id='sign-dialog']")[0])
        monthly = order._support_quote_monthly_amount()
        self.assertTrue(monthly)
        self.assertIn("Genom att underteckna", sign)
        self.assertIn(f"{self.money(monthly)} per månad", sign)
        self.assertIn("12 månader", sign)
        self.assertNotIn("citat", sign)
        self.assertTrue(
            page.xpath("//*[contains(@class, 'o_support_sign_commitment')]")
        )
        # The hourly discount of Operations (10 %) on the portal and the PDF.
        text = text_of(page)
        self.assertIn("Timarbete", text)
        self.assertIn("rabatt på 10 %", text)
        consultant = self.env.ref("support_contract.user_consultant_demo")
        pdf = (
            self.env["ir.actions.report"]
            .with_user(consultant)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("sale.action_report_saleorder", order.ids)[0]
        )
        flat = " ".join(pdf_run(["pdftotext", "-layout"], pdf).split())
        self.assertIn("Timarbete", flat)
        self.assertIn("rabatt på 10 %", flat)

    def test_repository_is_named_in_swedish_on_pdf_and_portal(self):
        pdf = " ".join(pdf_run(["pdftotext", "-layout"], self.quotation_pdf()).split())
        self.assertIn("Kodförråd", pdf)
        self.assertNotIn("Repository", pdf)
        text = text_of(self.portal_page(self.quote))
        self.assertIn("Kodförråd", text)
        self.assertNotIn("Repository", text)

    def test_support_quotation_pdf_does_not_invite_to_connect_software(self):
        # Addressed to the prospect's portal user: Odoo invites to connect
        # software on an ordinary quotation, not on an agreement's.
        maja = self.env.ref("support_contract.partner_bjorkdal_maja_demo")
        consultant = self.env.ref("support_contract.user_consultant_demo")

        def pdf_of(order):
            pdf = (
                self.env["ir.actions.report"]
                .with_user(consultant)
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("sale.action_report_saleorder", order.ids)[0]
            )
            return " ".join(pdf_run(["pdftotext", "-layout"], pdf).split())

        course = self.env["product.product"].create({"name": "Kurs", "type": "service"})
        ordinary = self.env["sale.order"].create(
            {
                "partner_id": maja.id,
                "company_id": self.quote.company_id.id,
                "user_id": consultant.id,
                "order_line": [(0, 0, {"product_id": course.id, "price_unit": 1000})],
            }
        )
        self.assertIn("Anslut din programvara", pdf_of(ordinary))
        self.assertNotIn(
            "Anslut din programvara", pdf_of(self.sales_operations_quote(maja))
        )

    def test_quotation_email_states_the_monthly_amount_per_month(self):
        consultant = self.env.ref("support_contract.user_consultant_demo")
        order = self.sales_operations_quote()
        action = order.with_user(consultant).action_quotation_send()
        template = self.env["mail.template"].browse(
            action["context"]["default_template_id"]
        )
        self.assertEqual(
            template, self.env.ref("support_contract.mail_template_support_quotation")
        )
        body = str(
            template.with_user(consultant)._render_field(
                "body_html", order.ids, compute_lang=True
            )[order.id]
        )
        body = body.replace("\u00a0", " ").replace("\u202f", " ")
        self.assertIn(f"{self.money(4900)}</strong>\n", body)
        self.assertIn("per månad exkl. moms", body)
        self.assertIn("minimitid på 12 månader", body)
        self.assertNotIn(self.money(order.amount_total), body)
        self.assertNotIn("för beloppet", body)
