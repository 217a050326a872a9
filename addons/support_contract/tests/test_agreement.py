from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SupportContractCommon


@tagged("post_install", "-at_install")
class TestAgreement(SupportContractCommon):
    def close_with_wizard(self, agreement):
        """Close as a user does: the Close button opens the reason wizard."""
        action = agreement.action_close_subscription()
        wizard = Form(
            self.env[action["res_model"]].with_context(
                active_id=agreement.id, active_model="sale.subscription"
            )
        ).save()
        notice = wizard.support_notice
        wizard.with_context(active_id=agreement.id).button_confirm()
        return notice

    def test_minimum_term_end_and_current_contract_year_on_the_form(self):
        with freeze_time("2026-11-28"):
            agreement = self.start_agreement(
                self.template_msa, self.customer, date(2025, 2, 10)
            )
            self.assertEqual(agreement.support_minimum_term_end, date(2026, 2, 9))
            self.assertEqual(agreement.support_contract_year, 2)
            self.assertEqual(agreement.support_contract_year_start, date(2026, 2, 10))
            self.assertEqual(agreement.support_contract_year_end, date(2027, 2, 9))

    def test_longer_minimum_term_from_the_template(self):
        self.template_ops.support_minimum_term_months = 24
        agreement = self.start_agreement(
            self.template_ops, self.customer, date(2026, 1, 31)
        )
        self.assertEqual(agreement.support_minimum_term_end, date(2028, 1, 30))

    def test_closing_within_minimum_term_warns_and_keeps_billing_until_its_end(self):
        with freeze_time("2026-05-20"):
            agreement = self.start_agreement(
                self.template_msa, self.customer, date(2026, 1, 15)
            )
            notice = self.close_with_wizard(agreement)
            self.assertIn("minimum term until", notice)
            self.assertIn("billed every month", notice)
            # Not closed: still in progress, ending on the minimum-term end.
            self.assertEqual(agreement.stage_id, self.stage_in_progress)
            self.assertTrue(agreement.in_progress)
            self.assertTrue(agreement.support_close_scheduled)
            self.assertEqual(agreement.date, date(2027, 1, 14))
            self.assertTrue(agreement.recurring_next_date)
            self.assertIn(
                "billed until",
                agreement.message_ids[:1].body,
            )
            # Still running for the discount until its last day.
            running = self.env["sale.subscription"]._support_running_for_partner(
                self.contact, date(2027, 1, 14)
            )
            self.assertEqual(running, agreement)
            self.assertFalse(
                self.env["sale.subscription"]._support_running_for_partner(
                    self.contact, date(2027, 1, 15)
                )
            )

    def test_closing_after_minimum_term_closes_at_once_without_warning(self):
        with freeze_time("2027-03-01"):
            agreement = self.start_agreement(
                self.template_msa, self.customer, date(2026, 1, 15)
            )
            notice = self.close_with_wizard(agreement)
            self.assertFalse(notice)
            self.assertEqual(agreement.stage_id, self.stage_closed)
            self.assertFalse(agreement.support_close_scheduled)
            self.assertEqual(agreement.date, date(2027, 3, 1))

    def test_scheduled_end_closes_the_agreement_once_the_term_is_over(self):
        with freeze_time("2026-05-20"):
            agreement = self.start_agreement(
                self.template_ops, self.customer, date(2026, 1, 15)
            )
            agreement.close_subscription()
        with freeze_time("2027-01-14"):
            # What subscription_oca's cron does when the end date is reached.
            agreement.close_subscription()
            self.assertEqual(agreement.stage_id, self.stage_closed)
            self.assertEqual(agreement.date, date(2027, 1, 14))

    def test_moving_to_the_closed_stage_within_minimum_term_is_refused(self):
        with freeze_time("2026-05-20"):
            agreement = self.start_agreement(
                self.template_ops, self.customer, date(2026, 1, 15)
            )
            with self.assertRaisesRegex(UserError, "minimum term ends on"):
                agreement.stage_id = self.stage_closed
            self.assertEqual(agreement.stage_id, self.stage_in_progress)

    def test_plain_subscription_is_left_alone(self):
        with freeze_time("2026-05-20"):
            subscription = self.start_agreement(
                self.template_plain, self.customer, date(2026, 5, 1)
            )
            self.assertFalse(subscription.support_kind)
            self.assertFalse(subscription.support_minimum_term_end)
            self.assertFalse(subscription._support_close_notice())
            subscription.close_subscription()
            self.assertEqual(subscription.stage_id, self.stage_closed)
            self.assertFalse(subscription.date)
