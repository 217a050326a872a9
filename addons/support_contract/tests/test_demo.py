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
        self.assertIn("sv_SE", dict(self.env["res.lang"].get_installed()))
        # Every customer portal user reads Swedish; one contact reads English.
        company = self.env.ref("support_contract.company_demo")
        portal = self.env["res.users"].search(
            [("share", "=", True), ("company_id", "=", company.id)]
        )
        self.assertGreaterEqual(len(portal), 2)
        self.assertEqual(set(portal.mapped("lang")), {"sv_SE"})
        fiona = self.env.ref("support_contract.partner_fjallbacka_fiona_demo")
        self.assertEqual(fiona.lang, "en_US")

    def test_demo_customers_pay_in_30_days_net(self):
        company = self.env.ref("support_contract.company_demo")
        term = self.env.ref("support_contract.payment_term_30_net_demo")
        self.assertEqual(term.with_context(lang="sv_SE").name, "30 dagar netto")
        self.assertTrue(term.line_ids.filtered(lambda line: line.nb_days == 30))
        for xmlid in ("partner_nordkust_demo", "partner_solberga_demo"):
            partner = self.env.ref(f"support_contract.{xmlid}").with_company(company)
            self.assertEqual(partner.property_payment_term_id, term)

    def _counts(self, xmlid):
        agreement = self.env.ref(f"support_contract.{xmlid}")
        repository = agreement.support_repository_ids
        self.assertEqual(len(repository), 1)
        return agreement, repository, repository.snapshot_ids.sorted("date")

    def test_demo_nordkust_repository_of_real_size_grew_over_twelve_months(self):
        agreement, repository, counts = self._counts("agreement_nordkust_msa_demo")
        self.assertEqual(len(counts), 12)
        self.assertEqual(set(counts.mapped("state")), {"applied"})
        self.assertEqual(len(set(counts.mapped("commit"))), 12)
        months = {(c.date.year, c.date.month) for c in counts}
        self.assertEqual(len(months), 12, "one count a month")
        lines = counts.mapped("billable_code_lines")
        self.assertEqual(lines, sorted(lines), "the count grows")
        self.assertTrue(15000 <= lines[-1] <= 25000, lines[-1])
        self.assertLess(lines[0], lines[-1] * 0.6)
        self.assertEqual(repository.last_code_lines, lines[-1])
        # the vendored theme is counted but not charged
        theme = counts[-1].line_ids.filtered(
            lambda line: line.module_name == "vendored_web_theme"
        )
        self.assertTrue(theme.excluded and theme.code_lines)
        # priced from the pricelist's volume tier: thousands of kronor a month
        line = agreement._support_code_line_line()
        self.assertEqual(line.product_uom_qty, -(-lines[-1] // 100))
        self.assertEqual(line.price_unit, 80)
        self.assertTrue(10000 <= agreement.recurring_total <= 20000)

    def test_demo_solberga_small_with_a_drop_confirmed_by_the_manager(self):
        agreement, repository, counts = self._counts("agreement_solberga_msa_demo")
        self.assertEqual(len(counts), 12)
        lines = counts.mapped("billable_code_lines")
        self.assertLess(max(lines), 6000)
        drops = [
            (old, new)
            for old, new in zip(lines, lines[1:], strict=False)
            if new < old * 0.7
        ]
        self.assertEqual(len(drops), 1, lines)
        self.assertEqual(set(counts.mapped("state")), {"applied"})
        manager = self.env.ref("support_contract.user_manager_demo")
        confirmed = repository.message_ids.filtered(
            lambda m: (
                "Count confirmed by" in (m.body or "") or manager.name in (m.body or "")
            )
        )
        self.assertTrue(confirmed, "the drop was confirmed by the Support Manager")
        line = agreement._support_code_line_line()
        self.assertEqual(line.price_unit, 95)
        self.assertTrue(1000 <= agreement.recurring_total <= 5000)

    def test_demo_first_count_starts_from_nothing_invented(self):
        for xmlid in ("agreement_nordkust_msa_demo", "agreement_solberga_msa_demo"):
            agreement = self.env.ref(f"support_contract.{xmlid}")
            first = agreement.support_repository_ids.snapshot_ids.sorted("date")[:1]
            notes = agreement.message_ids.filtered(
                lambda m, first=first: (
                    first.commit[:7] in (m.body or "") or "blocks" in (m.body or "")
                )
            ).sorted("id")
            self.assertTrue(notes, xmlid)
            quantity = -(-first.billable_code_lines // 100)
            self.assertIn(f"0 → {quantity}", notes[0].body)

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
