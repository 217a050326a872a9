from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SupportContractCommon


@tagged("post_install", "-at_install")
class TestUpgradeEntitlement(SupportContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement = cls.start_agreement(
            cls.template_msa, cls.customer, date(2025, 3, 31)
        )
        cls.instance = cls.env["support.instance"].create(
            {
                "name": "Produktion",
                "partner_id": cls.customer.id,
                "agreement_id": cls.agreement.id,
                "environment": "production",
                "odoo_version": "17.0",
            }
        )

    def new_upgrade(self, commencement, user=None, to_version="18.0"):
        env = self.env(user=user) if user else self.env
        return env["support.upgrade"].create(
            {
                "agreement_id": self.agreement.id,
                "instance_id": self.instance.id,
                "from_version": "17.0",
                "to_version": to_version,
                "commencement_date": commencement,
            }
        )

    def test_first_upgrade_of_the_year_commences_and_makes_the_fee_due(self):
        upgrade = self.new_upgrade(date(2025, 9, 1), user=self.support_user)
        upgrade.action_start()
        self.assertEqual(upgrade.state, "in_progress")
        self.assertEqual(upgrade.contract_year, 1)
        self.assertFalse(upgrade.outside_entitlement)
        self.assertTrue(upgrade.fee_due)
        self.assertEqual(upgrade.fee_product_id, self.fee_product)
        self.assertTrue(self.currency.is_zero(upgrade.fee_amount - 12500))
        upgrade.action_done()
        self.assertEqual(self.instance.odoo_version, "18.0")

    def test_second_upgrade_in_the_same_year_is_refused_naming_year_and_upgrade(self):
        first = self.new_upgrade(date(2025, 4, 2))
        first.action_start()
        second = self.new_upgrade(
            date(2026, 3, 30), user=self.support_user, to_version="19.0"
        )
        with self.assertRaises(UserError) as refusal:
            second.action_start()
        message = str(refusal.exception)
        self.assertIn("contract year 1", message)
        self.assertIn(first.display_name, message)
        self.assertIn("Support Manager", message)
        self.assertEqual(second.state, "draft")
        self.assertFalse(second.fee_due)

    def test_support_user_cannot_override_the_entitlement(self):
        self.new_upgrade(date(2025, 4, 2)).action_start()
        second = self.new_upgrade(date(2025, 6, 1), user=self.support_user)
        with self.assertRaisesRegex(UserError, "Only a Support Manager"):
            second.action_start_outside_entitlement()
        self.assertEqual(second.state, "draft")

    def test_manager_override_marks_the_upgrade_outside_the_entitlement(self):
        self.new_upgrade(date(2025, 4, 2)).action_start()
        second = self.new_upgrade(date(2025, 6, 1), user=self.support_manager)
        second.action_start_outside_entitlement()
        self.assertEqual(second.state, "in_progress")
        self.assertTrue(second.outside_entitlement)
        self.assertTrue(second.fee_due)
        # The override does not use up anything: a third is still refused.
        third = self.new_upgrade(date(2025, 7, 1), to_version="19.0")
        with self.assertRaises(UserError):
            third.action_start()

    def test_next_contract_year_allows_a_new_upgrade(self):
        self.new_upgrade(date(2026, 3, 30)).action_start()
        # Contract year 2 of an agreement started 31 March starts on 31 March.
        upgrade = self.new_upgrade(date(2026, 3, 31), to_version="19.0")
        upgrade.action_start()
        self.assertEqual(upgrade.contract_year, 2)
        self.assertFalse(upgrade.outside_entitlement)

    def cancel_as(self, user, upgrade, reason):
        """Cancel as the screen does: Cancel, then the reason in its wizard."""
        action = upgrade.with_user(user).action_cancel()
        self.assertEqual(action["res_model"], "support.upgrade.cancel.wizard")
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(action["context"])
        )
        wizard.reason = reason
        wizard.save().action_confirm()

    def test_cancelled_upgrade_gives_the_entitlement_back(self):
        first = self.new_upgrade(date(2025, 4, 2))
        first.action_start()
        self.cancel_as(self.support_manager, first, "Kunden avbröt före start")
        self.assertEqual(first.state, "cancelled")
        self.assertFalse(first.fee_due)
        self.assertIn("Kunden avbröt före start", first.message_ids[:1].body)
        second = self.new_upgrade(date(2025, 5, 2), to_version="19.0")
        second.action_start()
        self.assertEqual(second.state, "in_progress")

    def test_support_user_cannot_cancel_a_commenced_upgrade(self):
        upgrade = self.new_upgrade(date(2025, 4, 2), user=self.support_user)
        upgrade.action_start()
        with self.assertRaisesRegex(UserError, "Only a Support Manager") as caught:
            upgrade.action_cancel()
        self.assertIn("fee is due", str(caught.exception))
        self.assertEqual(upgrade.state, "in_progress")
        self.assertTrue(upgrade.fee_due)
        # The year's upgrade stays used: a second one is refused.
        second = self.new_upgrade(date(2025, 5, 2), user=self.support_user)
        with self.assertRaises(UserError):
            second.action_start()

    def test_a_commenced_upgrade_is_cancelled_only_with_a_reason(self):
        upgrade = self.new_upgrade(date(2025, 4, 2), user=self.support_user)
        upgrade.action_start()
        with self.assertRaises(UserError):
            upgrade.with_user(self.support_manager)._support_cancel_commenced("  ")
        self.assertEqual(upgrade.state, "in_progress")

    def test_support_user_cancels_an_upgrade_not_commenced(self):
        upgrade = self.new_upgrade(date(2025, 4, 2), user=self.support_user)
        upgrade.action_plan()
        upgrade.action_cancel()
        self.assertEqual(upgrade.state, "cancelled")

    def test_upgrades_left_in_the_current_contract_year(self):
        with freeze_time("2025-06-01"):
            self.agreement.invalidate_recordset()
            self.assertEqual(self.agreement.support_upgrades_left, 1)
            self.new_upgrade(False).action_start()
            self.agreement.invalidate_recordset()
            self.assertEqual(self.agreement.support_upgrades_left, 0)
            self.assertEqual(self.agreement.support_upgrades_allowed, 1)
        with freeze_time("2026-04-01"):
            self.agreement.invalidate_recordset()
            self.assertEqual(self.agreement.support_upgrades_left, 1)

    def test_starting_without_a_date_commences_today(self):
        with freeze_time("2025-06-01"):
            upgrade = self.new_upgrade(False)
            upgrade.action_start()
            self.assertEqual(upgrade.commencement_date, date(2025, 6, 1))

    def test_operations_agreement_includes_no_upgrade(self):
        ops = self.start_agreement(self.template_ops, self.customer, date(2025, 1, 1))
        upgrade = self.env["support.upgrade"].create(
            {
                "agreement_id": ops.id,
                "to_version": "19.0",
                "commencement_date": date(2025, 6, 1),
            }
        )
        with self.assertRaisesRegex(UserError, "includes no version upgrades"):
            upgrade.action_start()

    def test_upgrade_before_the_agreement_starts_is_refused(self):
        upgrade = self.new_upgrade(date(2025, 3, 30))
        with self.assertRaisesRegex(UserError, "cannot commence"):
            upgrade.action_start()

    # The form's save and JSON-RPC ``write`` cannot do what the buttons
    # refuse: cancel a commenced upgrade, waive its fee, or move it to
    # another contract year.

    def test_support_user_cannot_write_past_the_buttons(self):
        upgrade = self.new_upgrade(date(2025, 9, 1), user=self.support_user)
        upgrade.action_start()
        as_user = upgrade.with_user(self.support_user)
        for values in (
            {"state": "cancelled"},
            {"state": "draft"},
            {"fee_due": False, "fee_amount": 0},
            {"fee_amount": 0},
        ):
            with self.assertRaisesRegex(UserError, "change only with its buttons"):
                as_user.write(values)
        with self.assertRaisesRegex(UserError, "commencement date and one-time fee"):
            as_user.write({"commencement_date": "2025-01-01"})
        with self.assertRaisesRegex(UserError, "commencement date and one-time fee"):
            as_user.write({"fee_product_id": False})
        # Nor a Support Manager: he cancels it with a reason.
        with self.assertRaisesRegex(UserError, "change only with its buttons"):
            upgrade.with_user(self.support_manager).write({"state": "cancelled"})
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env["support.upgrade"].with_user(self.support_user).create(
                {
                    "agreement_id": self.agreement.id,
                    "to_version": "19.0",
                    "state": "in_progress",
                }
            )
        self.env.invalidate_all()
        self.assertEqual(
            (upgrade.state, upgrade.fee_due, upgrade.commencement_date),
            ("in_progress", True, date(2025, 9, 1)),
        )
        self.assertTrue(upgrade.fee_amount)
        self.assertTrue(upgrade._fields["state"].readonly)
        # The buttons still work for the Support User, and other fields save.
        as_user.write({"notes": "<p>Staging first</p>"})
        as_user.action_done()
        self.assertEqual(upgrade.state, "done")
        # A draft's date is still his to set.
        draft = self.new_upgrade(date(2026, 4, 2), user=self.support_user)
        draft.write({"commencement_date": date(2026, 4, 3)})
        draft.action_plan()
        draft.action_cancel()
        draft.action_draft()
        self.assertEqual(draft.state, "draft")

    def test_manager_cancels_a_commenced_upgrade_with_the_wizard(self):
        upgrade = self.new_upgrade(date(2025, 9, 1), user=self.support_user)
        upgrade.action_start()
        self.cancel_as(self.support_manager, upgrade, "Kunden avstod")
        self.assertEqual(upgrade.state, "cancelled")
        self.assertFalse(upgrade.fee_due)

    def test_refusal_in_swedish(self):
        self.env["res.lang"]._activate_lang("sv_SE")
        self.env["ir.module.module"].search(
            [("name", "=", "support_contract")]
        )._update_translations(["sv_SE"], overwrite=True)
        self.support_user.lang = "sv_SE"
        upgrade = self.new_upgrade(date(2025, 9, 1), user=self.support_user)
        upgrade.action_start()
        # As the web client calls it: in the user's language.
        as_user = upgrade.with_user(self.support_user).with_context(lang="sv_SE")
        with self.assertRaisesRegex(UserError, "ändras bara med dess knappar"):
            as_user.write({"state": "cancelled"})
        with self.assertRaisesRegex(UserError, "startdatum och engångsavgift"):
            as_user.write({"commencement_date": "2025-01-01"})
