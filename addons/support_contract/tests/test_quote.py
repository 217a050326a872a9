"""Quote from repository: a quotation priced from the prospect's code,
signed on the portal, becomes the agreement."""

import shutil
import tempfile
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .quote_common import SIGNATURE, SupportQuoteCommon, addon


@tagged("post_install", "-at_install")
class TestQuoteFromRepository(SupportQuoteCommon):
    def test_support_user_quotes_blocks_fee_and_terms_to_the_ore(self):
        order = self.quote()
        self.assertEqual(order.partner_id, self.prospect)
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.require_signature)
        products = order.order_line.filtered(lambda line: not line.display_type)
        code = products.filtered(lambda line: line.product_id == self.code_product)
        fee = products.filtered(lambda line: line.product_id == self.monitoring_product)
        self.assertEqual(code.product_uom_qty, 13)  # 1,234 lines, rounded up
        self.assertEqual(code.price_unit, 95.55)
        self.assertEqual(code.price_subtotal, 1242.15)
        self.assertEqual(fee.product_uom_qty, 1)
        self.assertEqual(fee.price_subtotal, 490.00)
        self.assertEqual(len(products), 2, "the upgrade fee is not a monthly line")
        self.assertEqual(order.amount_untaxed, 1732.15)
        self.assertEqual(order.amount_tax, 433.04)
        self.assertEqual(order.amount_total, 2165.19)
        # What the customer commits to, computed from the lines: per month,
        # the minimum term and the total over it (12 × 1,732.15), the upgrade
        # fee and when it is charged; no note line repeats it.
        self.assertFalse(
            order.order_line.filtered(lambda line: line.display_type == "line_note")
        )
        [commitment] = order._support_commitments()
        self.assertEqual(commitment["template"], self.template_msa)
        self.assertEqual(commitment["monthly"], 1732.15)
        self.assertEqual(commitment["months"], 12)
        self.assertEqual(commitment["total"], 20785.80)
        self.assertEqual(commitment["upgrade_product"], self.fee_product)
        self.assertEqual(commitment["upgrade_fee"], 12500.00)
        self.assertEqual(commitment["upgrades"], 1)
        # The evidence: blocks × price = monthly amount, the commit counted.
        self.assertEqual(order.support_quote_code_lines, 1234)
        self.assertEqual(order.support_quote_blocks, 13)
        self.assertEqual(order.support_quote_code_amount, 1242.15)
        self.assertEqual(
            order.support_quote_commit,
            self.fixture_head(),
        )
        repository = order.support_quote_repository_id
        self.assertFalse(repository.active)
        self.assertFalse(repository.agreement_id)
        self.assertEqual(repository.partner_id, self.prospect)

    def fixture_head(self):
        from .git_fixtures import git

        return git(self.fixture.path, "rev-parse", "HEAD")

    def test_volume_tier_of_the_pricelist_prices_a_large_code_base(self):
        self.fixture.commit(addon("prospekt_mrp", 866))  # 2,100 lines: 21 blocks
        order = self.quote()
        code = order.order_line.filtered(
            lambda line: line.product_id == self.code_product
        )
        self.assertEqual(code.product_uom_qty, 21)
        self.assertEqual(code.price_unit, 80.40)
        self.assertEqual(order.support_quote_code_amount, 1688.40)
        self.assertEqual(order.amount_total, 2723.00)  # (1688.40 + 490) × 1.25

    def test_quote_on_an_existing_quotation_keeps_its_other_lines(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.prospect.id,
                "user_id": self.support_user.id,
                "order_line": [(0, 0, {"product_id": self.hour_product.id})],
            }
        )
        self.quote(order=order)
        self.assertIn(self.hour_product, order.order_line.product_id)
        self.assertIn(self.code_product, order.order_line.product_id)
        # A recount rewrites only the quote's own lines.
        self.fixture.commit(addon("prospekt_mrp", 400))
        order.with_user(self.support_user).action_support_quote_recount()
        code = order.order_line.filtered(
            lambda line: line.product_id == self.code_product
        )
        self.assertEqual(code.product_uom_qty, 17)
        # The section, the code lines and the template's fixed fee.
        self.assertEqual(len(order.order_line.filtered("support_quote_line")), 3)
        self.assertIn(self.hour_product, order.order_line.product_id)

    def test_an_addon_not_charged_is_shown_with_its_reason_after_a_recount(self):
        order = self.quote()
        repository = order.support_quote_repository_id
        self.env["support.cloc.override"].with_user(self.support_manager).create(
            {
                "repository_id": repository.id,
                "module_name": "prospekt_stock",
                "reason": "Vendor module, maintained by its vendor",
            }
        )
        order.with_user(self.support_user).action_support_quote_recount()
        self.assertEqual(order.support_quote_code_lines, 1000)
        self.assertEqual(order.support_quote_blocks, 10)
        self.assertEqual(order.support_quote_code_amount, 955.50)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.support_user)
            ._render_qweb_html("sale.action_report_saleorder", order.ids)[0]
            .decode()
        )
        self.assertIn("Not charged: Vendor module, maintained by its vendor", html)

    def test_failed_count_leaves_the_quotation_untouched_with_a_clear_message(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.prospect.id,
                "user_id": self.support_user.id,
                "order_line": [(0, 0, {"product_id": self.hour_product.id})],
            }
        )
        lines = order.order_line
        Repository = self.env["support.repository"].with_context(active_test=False)
        before = Repository.search_count([])
        not_git = tempfile.mkdtemp(prefix="support-not-git-")
        self.addCleanup(shutil.rmtree, not_git, True)
        with self.assertRaisesRegex(UserError, "The quotation was not changed"):
            self.quote(order=order, url=not_git)
        self.env.invalidate_all()
        self.assertEqual(order.order_line, lines)
        self.assertFalse(order.support_quote_snapshot_id)
        self.assertEqual(Repository.search_count([]), before)
        empty = self.fixture.__class__({"README.md": "no addon here\n"})
        self.addCleanup(empty.cleanup)
        with self.assertRaisesRegex(UserError, "No addon"):
            self.quote(order=order, url=empty.url)
        self.env.invalidate_all()
        self.assertEqual(order.order_line, lines)
        self.assertEqual(Repository.search_count([]), before)

    def test_internal_addresses_and_credentials_in_the_url_are_refused(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "False"
        )
        with self.assertRaisesRegex(Exception, "Local paths"):
            self.quote(url=self.fixture.url)
        with self.assertRaisesRegex(Exception, "carries credentials"):
            self.quote(url="https://user:secret@git.example.com/p/r.git")

    def test_only_support_managers_give_credentials_and_never_read_them_back(self):
        wizard = self.env["support.quote.wizard"].with_user(self.support_user)
        self.assertNotIn("auth_token", wizard.fields_get())
        order = self.quote(
            user=self.support_manager, auth_token="ghp_secret_token_1234"
        )
        repository = order.support_quote_repository_id
        self.assertEqual(repository._credential().auth_token, "ghp_secret_token_1234")
        self.assertFalse(
            self.env["support.quote.wizard"]
            .sudo()
            .search([("auth_token", "!=", False)])
        )
        self.assertFalse(repository.with_user(self.support_manager).auth_token_input)

    def test_a_quote_counted_too_long_ago_asks_for_a_recount(self):
        order = self.quote()
        order.support_quote_snapshot_id.sudo().date = fields.Datetime.now() - timedelta(
            days=31
        )
        self.assertTrue(order.support_quote_stale)
        with self.assertRaisesRegex(UserError, "more than 30 days ago.*Recount"):
            order.with_user(self.support_user).action_confirm()
        self.assertEqual(order.state, "draft")
        # The Support Manager allows 60 days in the company's support settings.
        settings = self.env["support.settings"].with_user(self.support_manager)
        settings.create({"quote_recount_days": 60}).action_save()
        order.invalidate_recordset(["support_quote_stale"])
        self.assertFalse(order.support_quote_stale)
        settings.create({"quote_recount_days": 30}).action_save()
        order.invalidate_recordset(["support_quote_stale"])
        order.with_user(self.support_user).action_support_quote_recount()
        self.assertFalse(order.support_quote_stale)
        order.with_user(self.support_user).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_the_quotation_pdf_shows_the_count_per_addon_and_the_formula(self):
        order = self.quote()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.support_user)
            ._render_qweb_html("sale.action_report_saleorder", order.ids)[0]
            .decode()
        )
        self.assertIn("prospekt_sales", html)
        self.assertIn("prospekt_stock", html)
        self.assertIn(order.support_quote_commit, html)
        self.assertIn("1,234", html)  # grouped as the reader's language does
        self.assertIn("Blocks × price per block", html)
        self.assertIn("What you commit to", html)
        self.assertIn("per month", html)
        self.assertIn("Charged once when a version upgrade commences", html)

    def test_an_operations_quotation_made_in_sales_says_what_it_commits_to(self):
        # An Operations quotation made the ordinary way (the fee product on a
        # quotation, no Quote from repository) commits the customer alike;
        # editing its lines changes what it says.
        self.monthly_product.write(
            {"subscribable": True, "subscription_template_id": self.template_ops.id}
        )
        self.template_ops.support_minimum_term_months = 12
        order = (
            self.env["sale.order"]
            .with_user(self.support_user)
            .create(
                {
                    "partner_id": self.prospect.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.monthly_product.id, "price_unit": 4900}
                        )
                    ],
                }
            )
        )

        def commitment_html():
            return (
                self.env["ir.actions.report"]
                .with_user(self.support_user)
                ._render_qweb_html("sale.action_report_saleorder", order.ids)[0]
                .decode()
            )

        [commitment] = order._support_commitments()
        self.assertEqual(commitment["template"], self.template_ops)
        self.assertEqual(commitment["monthly"], 4900.00)
        self.assertEqual(commitment["total"], 58800.00)
        self.assertFalse(commitment["upgrade_product"])
        html = commitment_html()
        self.assertIn("What you commit to", html)
        self.assertIn("per month", html)
        self.assertIn("Minimum term", html)
        self.assertIn("58,800.00", html)
        self.assertNotIn("Version upgrade fee", html)
        order.order_line.with_user(self.support_user).product_uom_qty = 2
        self.assertEqual(order._support_commitments()[0]["total"], 117600.00)
        self.assertIn("117,600.00", commitment_html())


@tagged("post_install", "-at_install")
class TestQuotePortal(SupportQuoteCommon, HttpCase):
    def sent_quote(self):
        order = self.quote()
        order.with_user(self.support_user).action_quotation_sent()
        order._portal_ensure_token()
        return order

    def test_customer_signature_on_the_portal_makes_the_agreement(self):
        order = self.sent_quote()
        self.authenticate(self.prospect_user.login, self.prospect_user.login)
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {
                "access_token": order.access_token,
                "name": "Per Prospekt",
                "signature": SIGNATURE,
            },
        )
        self.assertNotIn("error", result)
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, "Per Prospekt")
        agreement = order.subscription_ids
        self.assertEqual(len(agreement), 1)
        self.assertEqual(agreement.template_id, self.template_msa)
        self.assertEqual(agreement.stage_id.type, "in_progress")
        self.assertEqual(agreement.user_id, self.support_user)
        self.assertEqual(agreement.recurring_next_date, agreement.date_start)
        repository = order.support_quote_repository_id
        self.assertEqual(repository.agreement_id, agreement)
        self.assertTrue(repository.active)
        self.assertEqual(repository.state, "ok")
        self.assertEqual(repository.last_code_lines, 1234)
        snapshot = order.support_quote_snapshot_id
        self.assertEqual(snapshot.state, "applied")
        self.assertEqual(agreement.support_code_lines, 1234)
        code = agreement._support_code_line_line()
        self.assertEqual(code.product_uom_qty, 13)
        self.assertEqual(code.price_unit, 95.55)
        self.assertEqual(
            agreement._support_code_line_quantity_on(agreement.date_start), 13
        )
        self.assertEqual(agreement.recurring_total, order.amount_untaxed)

    def test_portal_page_shows_the_evidence_and_refuses_a_stale_signature(self):
        order = self.sent_quote()
        self.authenticate(self.prospect_user.login, self.prospect_user.login)
        page = self.url_open(order.get_portal_url()).text
        self.assertIn("support_quote_evidence", page)
        self.assertIn("prospekt_sales", page)
        self.assertIn(order.support_quote_commit, page)
        order.support_quote_snapshot_id.sudo().date = fields.Datetime.now() - timedelta(
            days=45
        )
        self.env.flush_all()
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {
                "access_token": order.access_token,
                "name": "Per Prospekt",
                "signature": SIGNATURE,
            },
        )
        self.assertIn("Recount", result["error"])
        self.env.invalidate_all()
        self.assertEqual(order.state, "sent")
        self.assertFalse(order.signature)

    def test_tour_customer_accepts_and_signs_the_quote(self):
        order = self.sent_quote()
        self.start_tour(
            order.get_portal_url(),
            "support_contract_quote_sign",
            login=self.prospect_user.login,
        )
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.signature)
        self.assertEqual(
            order.support_quote_repository_id.agreement_id, order.subscription_ids
        )


@tagged("post_install", "-at_install")
class TestQuoteDemo(SupportQuoteCommon):
    def test_demo_prospect_has_a_quotation_from_its_code_waiting_for_signature(self):
        order = self.env.ref(
            "support_contract.sale_order_bjorkdal_quote_demo", raise_if_not_found=False
        )
        if not order:
            self.skipTest("installed without demo data")
        self.assertEqual(order.state, "sent")
        self.assertTrue(order._has_to_be_signed())
        self.assertEqual(order.partner_id.country_id, self.env.ref("base.se"))
        repository = order.support_quote_repository_id
        self.assertFalse(repository.active)
        self.assertEqual(order.support_quote_source, repository.name)
        self.assertEqual(order.support_quote_code_lines, 159)
        self.assertEqual(order.support_quote_blocks, 2)
        self.assertEqual(order.amount_untaxed, 190.00)
        self.assertEqual(order.amount_total, 237.50)
        self.assertFalse(order.support_quote_stale)
