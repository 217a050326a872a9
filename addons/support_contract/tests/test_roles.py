"""Each role does its daily work on agreements and repositories as itself."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CodeLineAgreementCommon, SupportContractCommon, make_role_users
from .git_fixtures import GitFixture
from .test_repository import addon_files


@tagged("post_install", "-at_install")
class TestRoles(CodeLineAgreementCommon):
    def setUp(self):
        super().setUp()
        self.repo = self.new_repository(addon_files("kund_sales", 1000))

    def test_support_user_counts_a_repository_and_sees_the_price(self):
        repo = self.repo.with_user(self.support_user)
        repo.action_count_lines()
        self.assertEqual(repo.state, "ok")
        self.assertEqual(repo.snapshot_ids.billable_code_lines, 1000)
        line = self.agreement.with_user(self.support_user)._support_code_line_line()
        self.assertEqual(line.product_uom_qty, 10)

    def test_nobody_edits_a_count_by_hand(self):
        self.repo.with_user(self.support_user).action_count_lines()
        snapshot = self.repo.snapshot_ids.with_user(self.support_user)
        with self.assertRaises(AccessError):
            snapshot.write({"commit": "0" * 40})
        with self.assertRaises(AccessError):
            snapshot.line_ids.write({"code_lines": 1})

    def test_dropped_count_is_confirmed_by_a_manager_not_a_user(self):
        self.repo.with_user(self.support_user).action_count_lines()
        self.fixture.commit(addon_files("kund_sales", 300))
        self.repo.with_user(self.support_user).action_count_lines()
        self.assertEqual(self.repo.state, "to_confirm")
        line = self.agreement._support_code_line_line()
        self.assertEqual(line.product_uom_qty, 10, "the price waits for a person")
        with self.assertRaisesRegex(UserError, "Only a Support Manager"):
            self.repo.with_user(self.support_user).action_confirm_count()
        self.repo.with_user(self.support_manager).action_confirm_count()
        self.assertEqual(self.repo.state, "ok")
        self.assertEqual(line.product_uom_qty, 3)

    def test_support_user_is_told_that_invoicing_is_for_accountants(self):
        with self.assertRaisesRegex(UserError, "Invoicing rights"):
            self.agreement.with_user(self.support_user).manual_invoice()

    def test_accountant_opens_an_agreement_form(self):
        self.repo.action_count_lines()
        form = Form(self.agreement.with_user(self.accountant))
        self.assertEqual(form.support_code_lines, 1000)
        self.assertEqual(form.support_repository_count, 1)

    def test_accountant_sees_no_button_that_fails_on_an_agreement(self):
        arch = (
            self.env["sale.subscription"]
            .with_user(self.accountant)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for name in (
            "action_close_subscription",
            "action_open_pause_wizard",
            "action_resume",
        ):
            self.assertNotIn(f'name="{name}"', arch)
        self.assertIn('name="manual_invoice"', arch)
        consultant_arch = (
            self.env["sale.subscription"]
            .with_user(self.support_user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="action_close_subscription"', consultant_arch)

    def test_accountant_cannot_change_a_repository(self):
        with self.assertRaises(AccessError):
            self.repo.with_user(self.accountant).write({"branch": "other"})

    def test_failed_count_is_retried_the_next_day(self):
        self.repo.write({"branch": "no-such-branch"})
        with freeze_time("2026-11-28"):
            self.repo.with_user(self.support_user).action_count_lines()
            self.assertEqual(self.repo.state, "error")
            self.assertEqual(self.repo.next_count_date, date(2026, 11, 29))
            self.repo.write({"branch": False})
            self.repo.with_user(self.support_user).action_count_lines()
            self.assertEqual(self.repo.state, "ok")
            self.assertEqual(self.repo.next_count_date, date(2026, 12, 28))

    def test_count_now_keeps_the_monthly_count_date_on_its_day(self):
        with freeze_time("2026-11-02"):
            self.repo.next_count_date = date(2026, 12, 1)
            self.repo.with_user(self.support_user).action_count_lines()
            self.assertEqual(self.repo.state, "ok")
            self.assertEqual(
                self.repo.next_count_date,
                date(2026, 12, 1),
                "Count now before the scheduled day leaves the schedule",
            )
        with freeze_time("2026-12-02"):
            # The count of the 1st, a day late: the schedule stays on the 1st.
            self.repo.with_user(self.support_user).action_count_lines()
            self.assertEqual(self.repo.next_count_date, date(2027, 1, 1))


def make_user_of(env, company):
    """A Support Manager who works in ``company`` only."""
    return make_role_users(
        env(context=dict(env.context, allowed_company_ids=company.ids)),
        suffix=f"c{company.id}",
    )["manager"]


@tagged("post_install", "-at_install")
class TestCompaniesAndPortal(SupportContractCommon):
    def test_a_second_company_user_reads_nothing_of_the_first(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "True"
        )
        agreement = self.start_agreement(
            self.template_msa, self.customer, date(2026, 1, 1)
        )
        fixture = GitFixture(addon_files("kund_sales", 120))
        self.addCleanup(fixture.cleanup)
        repo = self.env["support.repository"].create(
            {"agreement_id": agreement.id, "url": fixture.url}
        )
        repo.action_count_lines()
        self.env["support.cloc.override"].create(
            {"repository_id": repo.id, "module_name": "kund_sales", "reason": "x"}
        )
        self.env["support.instance"].create(
            {
                "name": "Prod",
                "agreement_id": agreement.id,
                "partner_id": self.customer.id,
            }
        )
        other = self.env["res.company"].create({"name": "Annat Bolag AB"})
        stranger = make_user_of(self.env, other)
        for model in (
            "sale.subscription",
            "support.repository",
            "support.cloc.snapshot",
            "support.cloc.snapshot.line",
            "support.cloc.snapshot.issue",
            "support.cloc.override",
            "support.instance",
        ):
            self.assertFalse(
                self.env[model].with_user(stranger).search([]), f"{model} leaks"
            )

    def test_portal_user_cannot_read_internal_text(self):
        agreement = self.start_agreement(
            self.template_msa, self.customer, date(2026, 1, 1)
        )
        agreement.write({"description": "Kunden är svår", "terms": "Intern"})
        instance = self.env["support.instance"].create(
            {
                "name": "Prod",
                "agreement_id": agreement.id,
                "partner_id": self.customer.id,
                "notes": "<p>root password in the vault</p>",
            }
        )
        portal = self.portal_user("kund_portal", self.contact)
        self.assertEqual(
            agreement.with_user(portal).read(["name"])[0]["name"], agreement.name
        )
        for record, field in (
            (agreement, "description"),
            (agreement, "terms"),
            (instance, "notes"),
        ):
            with self.assertRaises(AccessError):
                record.with_user(portal).read([field])


@tagged("post_install", "-at_install")
class TestOverridesAndCustomerLanguage(CodeLineAgreementCommon):
    def setUp(self):
        super().setUp()
        self.repo = self.new_repository(
            {**addon_files("kund_sales", 450), **addon_files("vendored", 300)}
        )
        self.repo.action_count_lines()

    def quantity(self):
        return self.agreement._support_code_line_line().product_uom_qty

    def test_override_reprices_at_once_and_removing_it_charges_again(self):
        self.assertEqual(self.quantity(), 8)
        self.customer.email = "it@kund-ett.example"

        def emails():
            return self.agreement.message_ids.filtered(
                lambda m: self.customer in m.partner_ids
            )

        before = emails()
        Override = self.env["support.cloc.override"].with_user(self.support_manager)
        override = Override.create(
            {
                "repository_id": self.repo.id,
                "module_name": "vendored",
                "reason": "Vendored theme",
            }
        )
        self.assertEqual(self.quantity(), 5, "no wait for the next count")
        self.assertEqual(
            emails(), before, "no 'we counted your code' email: nothing was counted"
        )
        self.assertEqual(self.repo.last_code_lines, 450)
        latest = self.repo._support_latest_snapshot()
        self.assertEqual(latest.state, "applied")
        self.assertEqual(latest.billable_code_lines, 450)
        self.assertEqual(len(self.repo.snapshot_ids), 2, "the first count is kept")
        override.unlink()
        self.assertEqual(self.quantity(), 8)

    def test_override_names_an_addon_of_the_last_count(self):
        self.assertEqual(self.repo.counted_addon_names, "kund_sales, vendored")
        with self.assertRaisesRegex(ValidationError, "kund_sales, vendored"):
            self.env["support.cloc.override"].with_user(self.support_manager).create(
                {
                    "repository_id": self.repo.id,
                    "module_name": "vendord",
                    "reason": "typo",
                }
            )

    def test_count_email_is_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("sv_SE")
        self.customer.write({"lang": "sv_SE", "email": "it@kund-ett.example"})
        self.fixture.commit(addon_files("kund_sales", 850))
        self.repo.with_user(self.support_user).action_count_lines()
        mail = self.env["mail.message"].search(
            [
                ("model", "=", "sale.subscription"),
                ("res_id", "=", self.agreement.id),
                ("partner_ids", "in", self.customer.ids),
            ],
            limit=1,
        )
        self.assertTrue(mail)
        self.assertIn("kodrader", mail.body)
        self.assertNotIn("code lines", mail.body)


@tagged("post_install", "-at_install")
class TestAgreementFromAnOrder(SupportContractCommon):
    def test_agreement_from_an_order_is_in_the_orders_company(self):
        """A customer signing on the portal is in the site's default company:
        the agreement still belongs to the order's company."""
        other = self.env["res.company"].create({"name": "Annat Bolag AB"})
        product = self.env["product.product"].create(
            {
                "name": "Monthly fee (order)",
                "type": "service",
                "list_price": 100,
                "subscribable": True,
                "subscription_template_id": self.template_plain.id,
                "company_id": False,
            }
        )
        order = (
            self.env["sale.order"]
            .with_company(other)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": other.id,
                    "order_line": [(0, 0, {"product_id": product.id})],
                }
            )
        )
        # Confirmed from an environment whose current company is another.
        order.with_context(
            allowed_company_ids=[self.env.company.id, other.id]
        ).action_confirm()
        self.assertEqual(order.subscription_ids.company_id, other)


@tagged("post_install", "-at_install")
class TestCodeLinesInForce(CodeLineAgreementCommon):
    def test_a_period_before_the_first_count_is_priced_by_the_first_count(self):
        repo = self.new_repository(addon_files("kund_sales", 500))
        with freeze_time("2026-03-01 10:00:00"):
            repo.action_count_lines()
        self.fixture.commit(addon_files("kund_sales", 900))
        with freeze_time("2026-06-01 10:00:00"):
            repo.action_count_lines()
        # February began before any count: the first count (5 blocks), never
        # today's (9 blocks).
        self.assertEqual(
            self.agreement._support_code_line_quantity_on(date(2026, 2, 1)), 5
        )
        self.assertEqual(
            self.agreement._support_code_line_quantity_on(date(2026, 5, 1)), 5
        )
        self.assertEqual(
            self.agreement._support_code_line_quantity_on(date(2026, 7, 1)), 9
        )
