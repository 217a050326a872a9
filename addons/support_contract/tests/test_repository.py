"""Counting a customer's repository sets the agreement's monthly price."""

from datetime import date

from odoo import api
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import SupportContractCommon
from .git_fixtures import GitFixture, git

PY_10 = "\n".join(f"X{i} = {i}" for i in range(10)) + "\n"  # 10 code lines


def addon_files(name, code_lines):
    """An addon with exactly ``code_lines`` Python code lines."""
    body = "\n".join(f"V{i} = {i}" for i in range(code_lines)) + "\n"
    return {f"{name}/__manifest__.py": "{'name': 'x'}", f"{name}/models.py": body}


@tagged("post_install", "-at_install")
class TestRepositoryPricing(SupportContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "True"
        )
        cls.code_product = cls.env["product.product"].create(
            {"name": "Code lines (test)", "type": "service", "list_price": 100}
        )
        # Tiers: 100 per block, 80 from 10 blocks on.
        cls.env["product.pricelist.item"].create(
            {
                "pricelist_id": cls.pricelist.id,
                "applied_on": "0_product_variant",
                "product_id": cls.code_product.id,
                "compute_price": "fixed",
                "fixed_price": 80,
                "min_quantity": 10,
            }
        )
        cls.template_msa.write(
            {
                "support_code_line_product_id": cls.code_product.id,
                "support_code_line_block": 100,
            }
        )
        cls.customer.email = "it@kund-ett.example"
        cls.agreement = cls.start_agreement(
            cls.template_msa, cls.customer, date(2026, 1, 1), product=cls.code_product
        )

    def setUp(self):
        super().setUp()
        self.fixture = GitFixture(
            {**addon_files("sales_extra", 450), **addon_files("vendored", 300)}
        )
        self.addCleanup(self.fixture.cleanup)
        self.repo = self.env["support.repository"].create(
            {"agreement_id": self.agreement.id, "url": self.fixture.url}
        )

    def code_line(self):
        return self.agreement._support_code_line_line()

    def test_count_sets_quantity_in_blocks_rounded_up_and_tier_price(self):
        self.repo.action_count_lines()
        self.assertEqual(self.repo.state, "ok")
        snapshot = self.repo.snapshot_ids
        self.assertEqual(len(snapshot), 1)
        self.assertEqual(snapshot.commit, git(self.fixture.path, "rev-parse", "HEAD"))
        self.assertEqual(
            sorted(snapshot.line_ids.mapped("module_name")), ["sales_extra", "vendored"]
        )
        self.assertEqual(snapshot.billable_code_lines, 750)
        line = self.code_line()
        self.assertEqual(line.product_uom_qty, 8)  # 750 / 100, rounded up
        self.assertTrue(self.currency.is_zero(line.price_unit - 100))
        # More code: 1,001 lines = 11 blocks, at the tier price.
        self.fixture.commit(addon_files("sales_extra", 701))
        self.repo.action_count_lines()
        self.assertEqual(line.product_uom_qty, 11)
        self.assertTrue(self.currency.is_zero(line.price_unit - 80))
        self.assertEqual(
            (line.price_subtotal, self.agreement.recurring_total, line.discount),
            (880, 880, 0),
        )
        self.assertEqual(len(self.repo.snapshot_ids), 2, "history is kept")

    def test_change_is_recorded_in_chatter_and_emailed_to_the_customer(self):
        self.repo.action_count_lines()
        self.fixture.commit(addon_files("sales_extra", 650))
        self.repo.action_count_lines()
        note = self.agreement.message_ids.filtered(
            lambda m: "blocks of 100 lines: 8 → 10" in (m.body or "")
        )
        self.assertTrue(note, "the chatter records old and new quantity")
        self.assertIn("sales_extra: 450 → 650", note[0].body)
        mail = self.env["mail.message"].search(
            [
                ("model", "=", "sale.subscription"),
                ("res_id", "=", self.agreement.id),
                ("partner_ids", "in", self.customer.ids),
            ]
        )
        self.assertTrue(mail, "the customer gets the email")
        self.assertIn("950", mail[0].body)
        self.assertIn("sales_extra", mail[0].body)

    def test_override_excludes_an_addon_and_is_tracked(self):
        self.env["support.cloc.override"].create(
            {
                "repository_id": self.repo.id,
                "module_name": "vendored",
                "reason": "Vendored third-party module",
            }
        )
        self.assertIn("vendored is no longer charged", self.repo.message_ids[0].body)
        self.repo.action_count_lines()
        snapshot = self.repo.snapshot_ids
        self.assertEqual(snapshot.billable_code_lines, 450)
        self.assertEqual(snapshot.code_lines, 750)
        self.assertEqual(self.code_line().product_uom_qty, 5)

    def test_invoice_already_made_keeps_its_quantity(self):
        self.repo.action_count_lines()
        self.code_product.property_account_income_id = self.env[
            "account.account"
        ].search(
            [
                ("account_type", "=", "income"),
                ("company_ids", "in", self.company.ids),
            ],
            limit=1,
        )
        invoice = self.agreement.create_invoice()
        self.fixture.commit(addon_files("sales_extra", 1450))
        self.repo.action_count_lines()
        self.assertEqual(self.code_line().product_uom_qty, 18)
        self.assertEqual(invoice.invoice_line_ids.quantity, 8)

    def test_large_drop_waits_for_confirmation_and_keeps_the_price(self):
        self.repo.action_count_lines()
        self.fixture.commit(
            {"vendored/models.py": None, "vendored/__manifest__.py": None}
        )
        self.fixture.commit(addon_files("sales_extra", 100))
        self.repo.action_count_lines()
        self.assertEqual(self.repo.state, "to_confirm")
        self.assertEqual(self.code_line().product_uom_qty, 8)
        self.assertTrue(self.repo.activity_ids)
        self.repo.action_confirm_count()
        self.assertEqual(self.repo.state, "ok")
        self.assertEqual(self.code_line().product_uom_qty, 1)

    def test_failures_keep_the_price_and_say_what_is_wrong(self):
        self.repo.action_count_lines()
        self.repo.branch = "no-such-branch"
        self.repo.action_count_lines()
        self.assertEqual(self.repo.state, "error")
        self.assertIn("no-such-branch", self.repo.last_error)
        self.assertEqual(self.code_line().product_uom_qty, 8)
        self.assertTrue(self.repo.activity_ids)

        empty = GitFixture({"README.md": "no addons here\n"})
        self.addCleanup(empty.cleanup)
        repo = self.env["support.repository"].create(
            {"agreement_id": self.agreement.id, "url": empty.url}
        )
        repo.action_count_lines()
        self.assertEqual(repo.state, "error")
        self.assertIn("No addon", repo.last_error)
        self.assertEqual(self.code_line().product_uom_qty, 8)

    def test_hostile_urls_are_refused_with_a_clear_message(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "False"
        )
        for url, words in (
            ("ext::sh -c id", "not a git URL"),
            ("/srv/customer", "Local paths"),
            ("https://u:secret@git.example/x.git", "carries credentials"),
        ):
            with self.subTest(url=url), self.assertRaisesRegex(ValidationError, words):
                self.env["support.repository"].create(
                    {"agreement_id": self.agreement.id, "url": url}
                )

    def test_credentials_are_for_managers_and_never_shown_back(self):
        repo = self.repo.with_user(self.support_manager)
        repo.auth_token_input = "ghp_supersecrettoken1234"
        self.assertEqual(self.repo._credential().auth_token, "ghp_supersecrettoken1234")
        repo.invalidate_recordset()
        self.assertFalse(repo.auth_token_input, "the form never gets the token back")
        self.assertIn("…1234", repo.credential_summary)
        self.assertNotIn("supersecret", repo.credential_summary)
        self.assertFalse(
            any("supersecret" in (m.body or "") for m in self.repo.message_ids)
        )
        as_user = self.repo.with_user(self.support_user)
        self.assertNotIn("auth_token", as_user.fields_get())
        self.assertNotIn("credential_summary", as_user.fields_get())

    def test_cron_counts_due_repositories_once_and_moves_their_date(self):
        with self.enter_registry_test_mode():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, self.env.uid, {})
                counted = env["support.repository"]._count_due_repositories()
                self.assertGreaterEqual(counted, 1)
                again = env["support.repository"].search(
                    [("id", "=", self.repo.id)]
                    + env["support.repository"]._due_domain()
                )
                self.assertFalse(again, "a counted repository is not due again")
        self.repo.invalidate_recordset()
        self.assertEqual(len(self.repo.snapshot_ids), 1)
        self.assertTrue(self.repo.next_count_date)

    def test_cron_action_runs(self):
        cron = self.env.ref("support_contract.ir_cron_count_code_lines")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.repo.invalidate_recordset()
        self.assertEqual(self.repo.state, "ok")
        self.assertEqual(len(self.repo.snapshot_ids), 1)


@tagged("post_install", "-at_install")
class TestCodeLinesPortal(SupportContractCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "True"
        )
        cls.template_msa.support_code_line_product_id = cls.env[
            "product.product"
        ].create({"name": "Per 100 lines (portal test)", "list_price": 90})
        cls.agreement = cls.start_agreement(
            cls.template_msa, cls.customer, date(2026, 1, 1)
        )
        cls.portal_user = cls.portal_user("code_lines_portal", cls.contact)

    def test_customer_sees_counts_history_and_how_the_price_follows(self):
        fixture = GitFixture(addon_files("kund_addon", 230))
        self.addCleanup(fixture.cleanup)
        repo = self.env["support.repository"].create(
            {
                "name": "kund-addons",
                "agreement_id": self.agreement.id,
                "url": fixture.url,
            }
        )
        repo.action_count_lines()
        fixture.commit(addon_files("kund_addon", 260))
        repo.action_count_lines()
        self.authenticate("code_lines_portal", "code_lines_portal")
        page = self.url_open(f"/my/agreements/{self.agreement.id}")
        self.assertEqual(page.status_code, 200)
        text = page.text
        self.assertIn("kund-addons", text)
        self.assertIn("kund_addon", text)
        self.assertIn("o_support_code_line_chart", text)
        self.assertEqual(text.count("<circle"), 2, "two counts in the chart")
        self.assertRegex(text, r"<strong>260</strong>\s*code lines")
        self.assertRegex(text, r"<strong>3</strong>\s*blocks")
        history = text.split("o_support_count_history")[1]
        self.assertIn("230", history)
        self.assertIn("260", history)
        self.assertNotIn(fixture.url, text, "the repository's address stays internal")
