from datetime import date

from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

from .git_fixtures import GitFixture

# The roles of the README's table, with exactly the groups it gives them.
ROLE_GROUPS = {
    "consultant": "base.group_user,support_contract.group_support_user",
    "manager": "base.group_user,support_contract.group_support_manager",
    "accountant": "base.group_user,account.group_account_invoice",
}


def make_role_users(env, roles=None, suffix="test"):
    """{role: user} of the README's staff roles, in the current company."""
    groups = dict(ROLE_GROUPS, **(roles or {}))
    return {
        role: new_test_user(
            env,
            login=f"{role}_{suffix}",
            password=f"{role}_{suffix}",  # HttpCase logs in with the login
            groups=role_groups,
            company_id=env.company.id,
            company_ids=[(6, 0, env.company.ids)],
        )
        for role, role_groups in groups.items()
    }


class SupportContractCommon(TransactionCase):
    """Templates, customers and a helper that starts agreements."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Support test pricelist", "currency_id": cls.currency.id}
        )
        cls.stage_in_progress = cls.env.ref(
            "subscription_oca.subscription_stage_in_progress"
        )
        cls.stage_closed = cls.env.ref("subscription_oca.subscription_stage_closed")
        cls.fee_product = cls.env["product.product"].create(
            {"name": "Upgrade fee (test)", "type": "service", "list_price": 12500}
        )
        cls.monthly_product = cls.env["product.product"].create(
            {"name": "Monthly fee (test)", "type": "service", "list_price": 4900}
        )
        cls.hour_product = cls.env["product.product"].create(
            {
                "name": "Consulting hour (test)",
                "type": "service",
                "list_price": 1250,
                "support_hourly_service": True,
            }
        )
        cls.template_ops = cls.env["sale.subscription.template"].create(
            {
                "name": "Operations (test)",
                "code": "TOPS",
                "support_kind": "operations",
                "support_hourly_discount": 10,
                "support_upgrades_per_year": 0,
            }
        )
        cls.template_msa = cls.env["sale.subscription.template"].create(
            {
                "name": "Maintenance and Support (test)",
                "code": "TMSA",
                "support_kind": "maintenance",
                "support_hourly_discount": 15,
                "support_upgrades_per_year": 1,
                "support_upgrade_fee_product_id": cls.fee_product.id,
            }
        )
        cls.template_plain = cls.env["sale.subscription.template"].create(
            {"name": "Plain subscription (test)", "code": "PLAIN"}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Kund Ett AB", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Karin Ett", "parent_id": cls.customer.id}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Kund Två AB", "is_company": True}
        )
        users = make_role_users(cls.env)
        cls.support_user = users["consultant"]
        cls.support_manager = users["manager"]
        cls.accountant = users["accountant"]

    @classmethod
    def portal_user(cls, login, partner):
        """A portal user of ``partner``; its password is its login."""
        return new_test_user(
            cls.env,
            login=login,
            password=login,
            groups="base.group_portal",
            partner_id=partner.id,
        )

    @classmethod
    def start_agreement(cls, template, partner, start, product=None):
        """An agreement in progress since ``start``."""
        return cls.env["sale.subscription"].create(
            {
                "partner_id": partner.id,
                "template_id": template.id,
                "pricelist_id": cls.pricelist.id,
                "stage_id": cls.stage_in_progress.id,
                "in_progress": True,
                "date_start": start,
                "sale_subscription_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": (product or cls.monthly_product).id,
                            "product_uom_qty": 1,
                        },
                    )
                ],
            }
        )


D = date


class CodeLineAgreementCommon(SupportContractCommon):
    """A Maintenance and Support agreement priced by code lines (95 kr per
    block of 100) and ``new_repository``, a real git repository of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Local fixture repositories, for this test transaction only.
        cls.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "True"
        )
        cls.code_product = cls.env["product.product"].create(
            {"name": "Code lines (test)", "type": "service", "list_price": 95}
        )
        cls.template_msa.write(
            {
                "support_code_line_product_id": cls.code_product.id,
                "support_code_line_block": 100,
            }
        )
        cls.agreement = cls.start_agreement(
            cls.template_msa, cls.customer, date(2026, 1, 1), product=cls.code_product
        )

    def new_repository(self, files):
        """A repository of the agreement whose remote holds ``files``."""
        self.fixture = GitFixture(files)
        self.addCleanup(self.fixture.cleanup)
        return self.env["support.repository"].create(
            {"agreement_id": self.agreement.id, "url": self.fixture.url}
        )
