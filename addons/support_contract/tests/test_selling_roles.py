"""Selling an agreement, step by step, as the role that does each step.

Consultant (Support User) and Support Manager create the prospect and its
contact and quote; every field of the quotation form is readable by each
role that opens it; the prospect signs over HTTP; the agreement has its
kind's numbering and the company's default payment terms; the accountant's
first invoice equals the quote. For both agreement kinds.
"""

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .quote_common import SIGNATURE, SupportQuoteCommon, addon


class SellingCommon(SupportQuoteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The tiers' pricelist is the company's default one (first by
        # sequence, pricelists enabled): every customer without a pricelist
        # of his own gets it.
        cls.env.ref("base.group_user").sudo().implied_ids |= cls.env.ref(
            "product.group_product_pricelist"
        )
        cls.pricelist.write({"sequence": -100, "company_id": cls.company.id})
        # Milestones on, as in the demo: sale_project then shows the order's
        # projects to every internal user.
        milestones = cls.env.ref(
            "project.group_project_milestone", raise_if_not_found=False
        )
        if milestones:
            cls.env.ref("base.group_user").sudo().implied_ids |= milestones
        cls.net30 = cls.env["account.payment.term"].create(
            {
                "name": "30 days net (selling test)",
                "company_id": cls.company.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {"value": "percent", "value_amount": 100, "nb_days": 30},
                    )
                ],
            }
        )
        cls.company.support_payment_term_id = cls.net30
        cls.ops_product = cls.env["product.product"].create(
            {
                "name": "Operations fee (selling test)",
                "type": "service",
                "list_price": 4900,
                "taxes_id": [(6, 0, cls.vat25_quote.ids)],
                "subscribable": True,
                "subscription_template_id": cls.template_ops.id,
            }
        )
        cls.agent = new_test_user(
            cls.env,
            login="agent_selling",
            password="agent_selling",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )

    def new_prospect(self, user, name, login):
        """The prospect and its contact as ``user`` creates them, and the
        contact's portal login, which ``user`` grants with Odoo's *Grant
        portal access* (the superuser only sets the test's password)."""
        Partner = self.env["res.partner"].with_user(user)
        company = Partner.create(
            {
                "name": name,
                "is_company": True,
                "street": "Storgatan 1",
                "zip": "111 22",
                "city": "Stockholm",
                "country_id": self.env.ref("base.se").id,
                "email": f"info@{login}.example",
            }
        )
        contact = Partner.create(
            {
                "name": f"Kontakt {name}",
                "parent_id": company.id,
                "email": f"{login}@{login}.example",
            }
        )
        wizard = (
            self.env["portal.wizard"]
            .with_user(user)
            .with_context(active_model="res.partner", active_ids=contact.ids)
            .create({})
        )
        wizard.user_ids.action_grant_access()
        portal = contact.sudo().user_ids
        self.assertTrue(portal._is_portal())
        portal.write({"login": login, "password": login})
        return company, contact, portal

    def read_quotation_form(self, user, order):
        """Open ``order`` in the form view as ``user``: every field the view
        gives that user is read."""
        Order = self.env["sale.order"].with_user(user)
        views = Order.get_views([(False, "form")])
        names = list(views["models"]["sale.order"]["fields"])
        self.assertIn("support_quote_unit_price", names)
        values = Order.browse(order.id).web_read({name: {} for name in names})
        return names, values[0]


@tagged("post_install", "-at_install")
class TestSellingRoles(SellingCommon, HttpCase):
    def sign(self, order, portal, signer):
        self.authenticate(portal.login, portal.login)
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {
                "access_token": order.access_token,
                "name": signer,
                "signature": SIGNATURE,
            },
        )
        self.assertNotIn("error", result)
        self.env.invalidate_all()

    def accountant_first_invoice(self, agreement):
        agreement.with_user(self.accountant).manual_invoice()
        invoice = self.env["account.move"].search(
            [("subscription_id", "=", agreement.id)]
        )
        self.assertEqual(len(invoice), 1)
        return invoice

    def check_agreement(self, order, template, code):
        agreement = order.subscription_ids
        self.assertEqual(len(agreement), 1)
        self.assertEqual(agreement.template_id, template)
        self.assertRegex(agreement.name, rf"^{code}/\d{{5}}$")
        self.assertNotIn("SUB", agreement.name)
        self.assertEqual(agreement.stage_id.type, "in_progress")
        self.assertEqual(agreement.user_id, order.user_id)
        customer = order.partner_id.commercial_partner_id.with_company(self.company)
        self.assertEqual(customer.property_payment_term_id, self.net30)
        # The agreement invoices it; the order offers no second invoice.
        self.assertNotEqual(order.invoice_status, "to invoice")
        self.assertEqual(
            agreement.sale_subscription_line_ids.tax_ids,
            order.order_line.filtered("product_id.subscribable").tax_ids,
        )
        invoice = self.accountant_first_invoice(agreement)
        self.assertEqual(invoice.amount_untaxed, order.amount_untaxed)
        self.assertEqual(invoice.amount_total, order.amount_total)
        self.assertEqual(invoice.invoice_payment_term_id, self.net30)
        invoice.action_post()
        self.assertEqual((invoice.invoice_date_due - invoice.invoice_date).days, 30)
        return agreement

    def test_maintenance_agreement_sold_by_the_consultant(self):
        consultant = self.support_user
        prospect, contact, portal = self.new_prospect(
            consultant, "Nya Kund AB", "nyakund"
        )
        self.assertFalse(prospect.specific_property_product_pricelist)
        order = self.quote(
            user=consultant,
            order=self.env["sale.order"]
            .with_user(consultant)
            .create({"partner_id": prospect.id}),
        )
        self.assertEqual(order.pricelist_id, self.pricelist)
        self.assertEqual(order.payment_term_id, self.net30)
        self.assertEqual(order.support_quote_unit_price, 95.55)
        for user in (consultant, self.support_manager, self.accountant):
            names, values = self.read_quotation_form(user, order)
            self.assertEqual(values["support_quote_blocks"], 13)
            if "project_count" in names:
                self.assertEqual(values["project_count"], 0)
        order.with_user(consultant).action_quotation_sent()
        order._portal_ensure_token()
        self.sign(order, portal, contact.name)
        self.assertEqual(order.state, "sale")
        agreement = self.check_agreement(order, self.template_msa, "TMSA")
        self.assertEqual(agreement.support_code_lines, 1234)

    def test_operations_agreement_sold_by_the_manager(self):
        manager = self.support_manager
        prospect, contact, portal = self.new_prospect(manager, "Drift AB", "drift")
        order = (
            self.env["sale.order"]
            .with_user(manager)
            .create(
                {
                    "partner_id": prospect.id,
                    "order_line": [(0, 0, {"product_id": self.ops_product.id})],
                }
            )
        )
        self.assertEqual(order.amount_untaxed, 4900)
        # Signed on the portal, billed monthly: no prepayment asked.
        self.assertTrue(order.require_signature)
        self.assertFalse(order.require_payment)
        self.assertEqual(order.payment_term_id, self.net30)
        for user in (self.support_user, manager, self.accountant):
            if user == self.support_user:
                # A consultant reads his own quotations, not his manager's.
                with self.assertRaises(AccessError):
                    self.read_quotation_form(user, order)
                continue
            self.read_quotation_form(user, order)
        order.with_user(manager).action_quotation_sent()
        order._portal_ensure_token()
        self.sign(order, portal, contact.name)
        self.assertEqual(order.state, "sale")
        agreement = self.check_agreement(order, self.template_ops, "TOPS")
        self.assertEqual(agreement.support_kind, "operations")

    def test_the_manager_reads_and_confirms_his_consultants_quotation(self):
        order = self.quote(user=self.support_user)
        names, values = self.read_quotation_form(self.support_manager, order)
        self.assertEqual(values["user_id"], self.support_user.id)
        order.with_user(self.support_manager).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertRegex(order.subscription_ids.name, r"^TMSA/\d{5}$")

    def test_each_kind_has_its_own_numbering(self):
        first = self.start_agreement(self.template_msa, self.customer, "2026-01-01")
        plain = self.start_agreement(self.template_plain, self.customer, "2026-01-01")
        ops = self.start_agreement(self.template_ops, self.customer, "2026-01-01")
        second = self.start_agreement(self.template_msa, self.customer, "2026-01-01")
        # Neither the plain subscription nor the Operations agreement took a
        # number of the Maintenance and Support numbering.
        self.assertEqual(int(second.code), int(first.code) + 1)
        self.assertRegex(ops.name, r"^TOPS/\d{5}$")
        self.assertNotEqual(plain.code, second.code)


@tagged("post_install", "-at_install")
class TestOnePriceForTheSameCode(SellingCommon):
    def test_a_prospect_is_quoted_what_a_customer_of_the_same_size_pays(self):
        # 2,500 code lines: 25 blocks, in the tier from 20 blocks.
        self.fixture.commit(addon("prospekt_more", 1266))
        customer = self.env["res.partner"].create(
            {"name": "Befintlig Kund AB", "is_company": True}
        )
        agreement = self.start_agreement(
            self.template_msa, customer, "2026-01-01", product=self.code_product
        )
        prospect, _contact, _portal = self.new_prospect(
            self.support_user, "Ny Prospekt AB", "nyprospekt"
        )
        order = self.quote(
            user=self.support_user,
            order=self.env["sale.order"]
            .with_user(self.support_user)
            .create({"partner_id": prospect.id}),
        )
        self.assertEqual(order.support_quote_blocks, 25)
        self.assertEqual(order.support_quote_unit_price, 80.40)
        self.assertEqual(
            agreement._support_code_line_price(25), order.support_quote_unit_price
        )
        # A pricelist of the customer's own is the exception a manager sets.
        special = self.env["product.pricelist"].create(
            {"name": "Special", "currency_id": self.currency.id}
        )
        prospect.with_user(self.support_manager).property_product_pricelist = special
        other = self.quote(
            user=self.support_user,
            order=self.env["sale.order"]
            .with_user(self.support_user)
            .create({"partner_id": prospect.id}),
        )
        self.assertEqual(other.pricelist_id, special)
        self.assertEqual(other.support_quote_unit_price, 100.0)


@tagged("post_install", "-at_install")
class TestSupportSettings(SellingCommon):
    def test_the_manager_opens_and_saves_the_support_settings_per_company(self):
        Settings = self.env["support.settings"].with_user(self.support_manager)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_contract.support_settings_action"
        )
        self.assertEqual(action["res_model"], "support.settings")
        settings = Settings.create({})
        self.assertEqual(settings.company_id, self.company)
        self.assertEqual(settings.payment_term_id, self.net30)
        settings.write(
            {
                "cloc_max_drop_percent": 50,
                "quote_recount_days": 14,
                "count_max_seconds": 600,
                "manager_user_id": self.support_manager.id,
            }
        )
        settings.action_save()
        self.assertEqual(self.company.support_cloc_max_drop_percent, 50)
        self.assertEqual(self.company.support_quote_recount_days, 14)
        Repository = self.env["support.repository"].with_company(self.company)
        self.assertEqual(Repository._max_drop(), 50)
        self.assertEqual(Repository._count_limits().seconds, 600)
        # The administrator's system parameter stays the ceiling.
        self.env["ir.config_parameter"].set_param(
            "support_contract.count_max_seconds", "300"
        )
        self.assertEqual(Repository._count_limits().seconds, 300)
        order = self.quote()
        self.assertEqual(order._support_quote_days(), 14)
        other = self.env["res.company"].create({"name": "Annat Bolag AB"})
        self.assertEqual(other.support_cloc_max_drop_percent, 30)
        self.assertEqual(other.support_quote_recount_days, 30)

    def test_only_a_support_manager_changes_them(self):
        for user in (self.support_user, self.accountant, self.agent):
            with self.assertRaises(AccessError):
                self.env["support.settings"].with_user(user).create(
                    {"quote_recount_days": 1}
                )
        self.assertEqual(self.company.support_quote_recount_days, 30)


@tagged("post_install", "-at_install")
class TestWorkGoesToWhoCanDoIt(SellingCommon):
    def test_upgrade_refusal_names_the_button_to_use(self):
        agreement = self.start_agreement(self.template_ops, self.customer, "2026-01-01")
        for user, text in (
            (self.support_manager, "use Start outside entitlement"),
            (self.support_user, "A Support Manager can start it"),
        ):
            upgrade = (
                self.env["support.upgrade"]
                .with_user(user)
                .create(
                    {
                        "agreement_id": agreement.id,
                        "from_version": "17.0",
                        "to_version": "18.0",
                    }
                )
            )
            with self.assertRaisesRegex(UserError, text):
                upgrade.action_start()
        fields = (
            self.env["support.upgrade"]
            .with_user(self.support_user)
            .fields_get(["outside_entitlement"])
        )
        self.assertTrue(fields["outside_entitlement"]["readonly"])

    def test_a_dropped_count_goes_to_a_support_manager_and_shows_beside(self):
        self.company.support_manager_user_id = self.support_manager
        agreement = self.start_agreement(
            self.template_msa, self.customer, "2026-01-01", product=self.code_product
        )
        agreement.user_id = self.support_user
        repository = self.env["support.repository"].create(
            {"agreement_id": agreement.id, "url": self.fixture.url}
        )
        repository.with_user(self.support_user).action_count_lines()
        applied = repository.last_commit
        self.fixture.commit({"prospekt_sales/models.py": "X = 1\n"})
        repository.with_user(self.support_user).action_count_lines()
        self.assertEqual(repository.state, "to_confirm")
        activity = repository.activity_ids
        self.assertEqual(activity.user_id, self.support_manager)
        self.assertEqual(repository.last_code_lines, 1234)
        self.assertEqual(repository.applied_commit, applied)
        self.assertEqual(repository.pending_code_lines, 235)
        self.assertEqual(repository.pending_difference, 235 - 1234)
        self.assertEqual(repository.pending_commit, repository.last_commit)
        with self.assertRaisesRegex(UserError, "Support Manager"):
            repository.with_user(self.support_user).action_confirm_count()
        repository.with_user(self.support_manager).action_confirm_count()
        repository.invalidate_recordset()
        self.assertEqual(repository.last_code_lines, 235)
        self.assertFalse(repository.pending_code_lines)

    def test_what_is_not_charged_is_editable_by_a_manager_only(self):
        agreement = self.start_agreement(
            self.template_msa, self.customer, "2026-01-01", product=self.code_product
        )
        repository = self.env["support.repository"].create(
            {"agreement_id": agreement.id, "url": self.fixture.url}
        )
        form = Form(repository.with_user(self.support_user))
        with self.assertRaises(AssertionError):
            form.override_ids.new()
        form = Form(repository.with_user(self.support_manager))
        with form.override_ids.new() as line:
            line.module_name = "prospekt_stock"
            line.reason = "Vendored"
        form.save()
        self.assertEqual(repository.override_ids.module_name, "prospekt_stock")


@tagged("post_install", "-at_install")
class TestSellingInTheBrowser(SellingCommon, HttpCase):
    def test_each_role_opens_the_quotation_form(self):
        order = self.quote(user=self.support_user)
        url = f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}"
        for user in (self.support_user, self.support_manager, self.accountant):
            with self.subTest(user=user.login):
                self.start_tour(
                    url, "support_contract_quotation_form", login=user.login
                )

    def test_the_manager_saves_the_support_settings(self):
        self.start_tour(
            "/odoo/action-support_contract.support_settings_action",
            "support_contract_settings_save",
            login=self.support_manager.login,
        )
        self.assertEqual(self.company.support_quote_recount_days, 21)
