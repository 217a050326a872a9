"""The staff screens, in a real browser, as the roles that use them."""

from datetime import date

from odoo.tests import HttpCase, tagged

from .common import SupportContractCommon
from .git_fixtures import GitFixture
from .test_repository import addon_files


@tagged("post_install", "-at_install")
class TestBackendTours(SupportContractCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "True"
        )
        cls.code_product = cls.env["product.product"].create(
            {"name": "Code lines (tour)", "type": "service", "list_price": 95}
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

    def setUp(self):
        super().setUp()
        self.fixture = GitFixture(addon_files("kund_sales", 1000))
        self.addCleanup(self.fixture.cleanup)
        self.repo = self.env["support.repository"].create(
            {"agreement_id": self.agreement.id, "url": self.fixture.url}
        )

    def url(self):
        return f"/odoo/action-support_contract.support_repository_action/{self.repo.id}"

    def test_support_user_counts_a_repository(self):
        self.start_tour(
            self.url(),
            "support_contract_count_now",
            login=self.support_user.login,
        )
        self.assertEqual(self.repo.last_code_lines, 1000)
        self.assertEqual(self.agreement._support_code_line_line().product_uom_qty, 10)

    def test_support_manager_confirms_a_dropped_count(self):
        self.repo.action_count_lines()
        self.fixture.commit(addon_files("kund_sales", 300))
        self.repo.action_count_lines()
        self.assertEqual(self.repo.state, "to_confirm")
        self.start_tour(
            self.url(),
            "support_contract_confirm_count",
            login=self.support_manager.login,
        )
        self.assertEqual(self.repo.state, "ok")
        self.assertEqual(self.agreement._support_code_line_line().product_uom_qty, 3)
