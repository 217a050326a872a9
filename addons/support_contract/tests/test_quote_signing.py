"""What the Swedish prospect reads before signing the demo's quotation on
the portal: the sentence signed."""

import re

from lxml import html

from odoo.tests import HttpCase, tagged


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
