from datetime import date

from odoo.tests import HttpCase, tagged

from .common import SupportContractCommon


@tagged("post_install", "-at_install")
class TestAgreementPortal(SupportContractCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_one = cls.portal_user("portal_one", cls.contact)
        cls.other_contact = cls.env["res.partner"].create(
            {"name": "Tove Två", "parent_id": cls.other_customer.id}
        )
        cls.portal_two = cls.portal_user("portal_two", cls.other_contact)
        cls.agreement_one = cls.start_agreement(
            cls.template_msa, cls.customer, date(2025, 3, 1)
        )
        cls.agreement_one.code = "ONE-MSA"
        cls.agreement_two = cls.start_agreement(
            cls.template_ops, cls.other_customer, date(2025, 3, 1)
        )
        cls.agreement_two.code = "TWO-OPS"
        cls.env["support.instance"].create(
            {
                "name": "Kund Ett test server",
                "partner_id": cls.customer.id,
                "agreement_id": cls.agreement_one.id,
                "environment": "test",
                "odoo_version": "18.0",
            }
        )
        cls.env["support.instance"].create(
            {
                "name": "Kund Två production server",
                "partner_id": cls.other_customer.id,
                "agreement_id": cls.agreement_two.id,
                "environment": "production",
                "odoo_version": "19.0",
            }
        )

    def get_page(self, url):
        response = self.url_open(url, allow_redirects=False)
        return response

    def test_each_customer_lists_only_their_own_agreements(self):
        self.authenticate("portal_one", "portal_one")
        page = self.get_page("/my/agreements")
        self.assertEqual(page.status_code, 200)
        self.assertIn("ONE-MSA", page.text)
        self.assertNotIn("TWO-OPS", page.text)

        self.authenticate("portal_two", "portal_two")
        page = self.get_page("/my/agreements")
        self.assertIn("TWO-OPS", page.text)
        self.assertNotIn("ONE-MSA", page.text)

    def test_agreement_page_shows_instances_and_upgrades_left(self):
        self.authenticate("portal_one", "portal_one")
        page = self.get_page(f"/my/agreements/{self.agreement_one.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Kund Ett test server", page.text)
        self.assertIn("included at no extra cost", page.text)
        self.assertIn("Upgrades left this contract year", page.text)
        self.assertIn('class="o_support_upgrades_left">1<', page.text)
        self.assertNotIn("Kund Två production server", page.text)

    def test_guessing_another_customers_agreement_is_refused(self):
        self.authenticate("portal_one", "portal_one")
        page = self.get_page(f"/my/agreements/{self.agreement_two.id}")
        self.assertEqual(page.status_code, 303)
        self.assertTrue(page.headers["Location"].endswith("/my"))
        missing = self.get_page("/my/agreements/999999999")
        self.assertEqual(missing.status_code, 303)

    def test_plain_subscription_is_not_shown_as_an_agreement(self):
        plain = self.start_agreement(
            self.template_plain, self.customer, date(2025, 3, 1)
        )
        self.authenticate("portal_one", "portal_one")
        self.assertEqual(self.get_page(f"/my/agreements/{plain.id}").status_code, 303)

    def test_home_links_to_the_agreements(self):
        self.authenticate("portal_one", "portal_one")
        page = self.get_page("/my/home")
        self.assertEqual(page.status_code, 200)
        self.assertIn('href="/my/agreements"', page.text)

    def test_portal_user_cannot_read_another_customers_records(self):
        Agreement = self.env["sale.subscription"].with_user(self.portal_one)
        self.assertEqual(
            Agreement.search([("support_kind", "!=", False)]), self.agreement_one
        )
        Instance = self.env["support.instance"].with_user(self.portal_one)
        self.assertEqual(Instance.search([]).partner_id, self.customer)
