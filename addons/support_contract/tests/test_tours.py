"""The staff screens, in a real browser, as the roles that use them."""

from odoo.tests import HttpCase, tagged

from .common import CodeLineAgreementCommon
from .test_repository import addon_files


@tagged("post_install", "-at_install")
class TestBackendTours(CodeLineAgreementCommon, HttpCase):
    def setUp(self):
        super().setUp()
        self.repo = self.new_repository(addon_files("kund_sales", 1000))

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
