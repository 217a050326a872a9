from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """What `make run` promises to show: it fails when the demo did not load."""

    def setUp(self):
        super().setUp()
        module = self.env["ir.module.module"].search(
            [("name", "=", "support_contract")]
        )
        if not module.demo:
            self.skipTest("the database has no demo data")

    def test_demo_company_is_swedish_in_sek_with_vat(self):
        company = self.env.ref("support_contract.company_demo")
        self.assertEqual(company.currency_id, self.env.ref("base.SEK"))
        self.assertEqual(company.country_id.code, "SE")
        self.assertEqual(company.account_sale_tax_id.amount, 25)
        self.assertEqual(self.env.ref("base.user_admin").company_id, company)

    def test_demo_customers_cover_every_kind_of_agreement(self):
        def kinds(xmlid):
            partner = self.env.ref(f"support_contract.{xmlid}")
            agreements = self.env["sale.subscription"]._support_running_for_partner(
                partner
            )
            return set(agreements.mapped("support_kind"))

        self.assertEqual(kinds("partner_nordkust_demo"), {"maintenance"})
        self.assertEqual(kinds("partner_fjallbacka_demo"), {"operations"})
        self.assertEqual(kinds("partner_solberga_demo"), {"operations", "maintenance"})
        self.assertEqual(kinds("partner_vanern_demo"), set())

    def test_demo_portal_users_and_swedish(self):
        anna = self.env.ref("support_contract.user_portal_nordkust_demo")
        erik = self.env.ref("support_contract.user_portal_solberga_demo")
        self.assertTrue(anna._is_portal() and erik._is_portal())
        self.assertEqual(erik.lang, "sv_SE")
        self.assertIn("sv_SE", dict(self.env["res.lang"].get_installed()))

    def test_demo_upgrades_done_last_year_and_planned(self):
        done = self.env.ref("support_contract.upgrade_nordkust_done_demo")
        planned = self.env.ref("support_contract.upgrade_nordkust_planned_demo")
        agreement = done.agreement_id
        self.assertEqual(done.state, "done")
        self.assertEqual(done.contract_year, agreement.support_contract_year - 1)
        self.assertEqual(planned.state, "planned")
        self.assertEqual(agreement.support_upgrades_left, 1)
        self.assertTrue(agreement.support_instance_ids.filtered("included_at_no_cost"))

    def test_demo_customer_count_includes_its_database(self):
        instance = self.env.ref("support_contract.instance_solberga_online_demo")
        agreement = instance.agreement_id
        self.assertEqual(instance.count_state, "ok")
        self.assertGreater(instance.last_code_lines, 0)
        repositories = agreement.support_repository_ids.filtered("active")
        self.assertTrue(repositories)
        self.assertEqual(
            agreement.support_code_lines,
            sum(repositories.mapped("last_code_lines")) + instance.last_code_lines,
        )
        self.assertIn(
            "odoo/studio", instance.snapshot_ids.line_ids.mapped("module_name")
        )
        # Only this instance may reach the demo server; the policy stays closed.
        self.assertFalse(
            self.env["ir.config_parameter"].get_param(
                "support_contract.allowed_networks"
            )
        )
