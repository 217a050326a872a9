"""Counts as a Swedish reader writes them: "1 850 kodrader", "30 %"."""

import re

from odoo.tests import tagged

from .common import CodeLineAgreementCommon
from .test_repository import addon_files

SPACE = "(?: |\u00a0|\u202f|&nbsp;)"  # the thousands separator of Swedish


@tagged("post_install", "-at_install")
class TestSwedishCounts(CodeLineAgreementCommon):
    def setUp(self):
        super().setUp()
        self.env["res.lang"]._activate_lang("sv_SE")
        self.customer.write({"lang": "sv_SE", "email": "it@kund-ett.example"})
        self.repo = self.new_repository(addon_files("kund_sales", 1850))

    def test_count_email_and_note_group_thousands(self):
        self.support_user.lang = "sv_SE"
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
        self.assertRegex(mail.body, f"1{SPACE}850 kodrader")
        self.assertNotIn("1850", mail.body)
        self.assertRegex(mail.body, f"kund_sales: 0 → 1{SPACE}850")

    def test_manager_reads_the_drop_share_as_swedish_percent(self):
        self.support_manager.lang = "sv_SE"
        self.repo.with_user(self.support_manager).action_count_lines()
        self.fixture.commit(addon_files("kund_sales", 100))
        self.repo.with_user(self.support_manager).action_count_lines()
        self.assertEqual(self.repo.state, "to_confirm")
        texts = " ".join(
            [m.body or "" for m in self.repo.message_ids]
            + [a.note or "" for a in self.repo.activity_ids]
            + [self.repo.last_error or ""]
        )
        self.assertIn("30 %", texts)
        self.assertFalse(re.search(r"30\.0", texts), texts)
