"""What a signed agreement keeps: it is not deleted, its order not cancelled
under it, its minimum term not paused away, its counts confirmed once, and
the count email says when the new count is billed."""

import html
from datetime import date
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.misc import format_amount, format_date
from odoo.tools.translate import TranslationImporter

from .common import CodeLineAgreementCommon, SupportContractCommon, make_role_users
from .test_hostile_sources import excluding_addon
from .test_repository import addon_files


class AgreementCommon(SupportContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ops_product = cls.env["product.product"].create(
            {
                "name": "Operations fee (integrity test)",
                "type": "service",
                "list_price": 4900,
                "subscribable": True,
                "subscription_template_id": cls.template_ops.id,
            }
        )

    def post_invoice(self, agreement):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": agreement.partner_id.id,
                "subscription_id": agreement.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.monthly_product.id,
                            "quantity": 1,
                            "price_unit": 4900,
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def signed_order(self, user):
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [Command.create({"product_id": self.ops_product.id})],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(order.subscription_ids.stage_id.type, "in_progress")
        return order


@tagged("post_install", "-at_install")
class TestAgreementIsKept(AgreementCommon):
    def test_support_user_cannot_delete_an_invoiced_agreement(self):
        with freeze_time("2026-05-20"):
            agreement = self.start_agreement(
                self.template_ops, self.customer, date(2026, 1, 15)
            )
            invoice = self.post_invoice(agreement)
            with self.assertRaisesRegex(UserError, "cannot be deleted") as caught:
                agreement.with_user(self.support_user).unlink()
            self.assertIn("Close", str(caught.exception))
            self.assertIn("billed every month until", str(caught.exception))
            self.assertTrue(agreement.exists())
            self.assertEqual(invoice.subscription_id, agreement)

    def test_running_agreement_without_invoices_cannot_be_deleted(self):
        agreement = self.start_agreement(
            self.template_msa, self.customer, date(2026, 1, 15)
        )
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            agreement.with_user(self.support_manager).unlink()
        self.assertTrue(agreement.exists())

    def test_a_draft_agreement_without_invoices_can_be_deleted(self):
        agreement = self.env["sale.subscription"].create(
            {
                "partner_id": self.customer.id,
                "template_id": self.template_ops.id,
                "pricelist_id": self.pricelist.id,
                "stage_id": self.env.ref(
                    "subscription_oca.subscription_stage_draft"
                ).id,
            }
        )
        self.assertTrue(agreement.with_user(self.support_user).unlink())
        self.assertFalse(agreement.exists())

    def test_the_order_of_an_invoiced_agreement_cannot_be_cancelled(self):
        order = self.signed_order(self.support_user)
        agreement = order.subscription_ids
        self.post_invoice(agreement)
        with self.assertRaisesRegex(UserError, "cannot be cancelled") as caught:
            order.with_user(self.support_user).action_cancel()
        self.assertIn("Close the agreement", str(caught.exception))
        self.assertEqual(order.state, "sale")
        self.assertEqual(agreement.stage_id.type, "in_progress")

    def test_cancelling_the_order_closes_its_never_invoiced_agreement(self):
        order = self.signed_order(self.support_user)
        agreement = order.subscription_ids
        self.assertTrue(agreement.recurring_next_date)
        order.with_user(self.support_user).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(agreement.stage_id.type, "post")
        self.assertFalse(agreement.recurring_next_date)
        self.assertFalse(
            self.env["sale.subscription"].search(
                self.env["sale.subscription"]._support_due_domain(date(2099, 1, 1))
                + [("id", "=", agreement.id)]
            ),
            "nothing is invoiced any more",
        )
        self.assertIn(order.name, agreement.message_ids[:1].body)


@tagged("post_install", "-at_install")
class TestConfirmingCounts(CodeLineAgreementCommon):
    def test_confirming_a_count_twice_says_it_is_already_confirmed(self):
        repo = self.new_repository(addon_files("kund_sales", 1000))
        repo.with_user(self.support_user).action_count_lines()
        self.fixture.commit(addon_files("kund_sales", 300))
        repo.with_user(self.support_user).action_count_lines()
        self.assertEqual(repo.state, "to_confirm")
        stale = repo.with_user(self.support_manager)
        stale.action_confirm_count()
        with self.assertRaisesRegex(UserError, "already confirmed"):
            stale.action_confirm_count()
        other_manager = make_role_users(self.env, suffix="second")["manager"]
        with self.assertRaisesRegex(UserError, "already confirmed"):
            repo.with_user(other_manager).action_confirm_count()
        self.assertEqual(repo.state, "ok")
        self.assertEqual(repo.last_code_lines, 300)

    def test_a_dropped_count_still_says_it_dropped(self):
        repo = self.new_repository(addon_files("kund_sales", 1000))
        repo.with_user(self.support_user).action_count_lines()
        self.fixture.commit(addon_files("kund_sales", 300))
        repo.with_user(self.support_user).action_count_lines()
        with self.assertRaisesRegex(UserError, "dropped more than allowed"):
            repo.with_user(self.support_user).action_confirm_count()

    def test_the_count_state_is_not_written_past_counting_and_confirming(self):
        """The form's save and JSON-RPC ``write`` cannot mark a count held
        for confirmation as counted."""
        repo = self.new_repository(addon_files("kund_sales", 1000))
        repo.with_user(self.support_user).action_count_lines()
        self.fixture.commit(addon_files("kund_sales", 300))
        repo.with_user(self.support_user).action_count_lines()
        self.assertEqual(repo.state, "to_confirm")
        for user in (self.support_user, self.support_manager):
            for values in (
                {"state": "ok"},
                {"state": "never"},
                {"last_code_lines": 300},
                {"last_commit": "0" * 40},
            ):
                with self.assertRaisesRegex(
                    UserError, "change only by counting it"
                ) as caught:
                    repo.with_user(user).write(values)
                self.assertIn(repo.display_name, str(caught.exception))
        self.env["res.lang"]._activate_lang("sv_SE")
        self.env["ir.module.module"].search(
            [("name", "=", "support_contract")]
        )._update_translations(["sv_SE"], overwrite=True)
        with self.assertRaisesRegex(UserError, "ändras bara genom att räkna"):
            # As the web client calls it: in the user's language.
            repo.with_user(self.support_user).with_context(lang="sv_SE").write(
                {"state": "ok"}
            )
        self.env.invalidate_all()
        self.assertEqual((repo.state, repo.last_code_lines), ("to_confirm", 1000))
        # Other fields still save; confirming still works.
        repo.with_user(self.support_user).write({"next_count_date": "2027-01-01"})
        repo.with_user(self.support_manager).action_confirm_count()
        self.assertEqual((repo.state, repo.last_code_lines), ("ok", 300))


@tagged("post_install", "-at_install")
class TestPauseInMinimumTerm(AgreementCommon):
    def pause(self, user, agreement, reason=None):
        """Pause as the screen does: the button opens the pause wizard."""
        action = agreement.with_user(user).action_open_pause_wizard()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(active_id=agreement.id, active_model="sale.subscription")
        )
        if reason is not None:
            wizard.support_reason = reason
        wizard = wizard.save()
        wizard.with_context(active_id=agreement.id).button_confirm()
        return wizard

    def test_support_user_cannot_pause_inside_the_minimum_term(self):
        with freeze_time("2026-05-20"):
            agreement = self.start_agreement(
                self.template_ops, self.customer, date(2026, 1, 15)
            )
            with self.assertRaisesRegex(UserError, "cannot be paused") as caught:
                self.pause(self.support_user, agreement, reason="Kunden ber om det")
            self.assertIn("billed every month until", str(caught.exception))
            self.assertFalse(agreement.is_paused)

    def test_manager_pauses_inside_the_minimum_term_with_a_reason(self):
        with freeze_time("2026-05-20"):
            agreement = self.start_agreement(
                self.template_ops, self.customer, date(2026, 1, 15)
            )
            with self.assertRaisesRegex(UserError, "give the reason"):
                self.pause(self.support_manager, agreement, reason="")
            self.assertFalse(agreement.is_paused)
            self.pause(
                self.support_manager, agreement, reason="Konkurs, avtal med förvaltaren"
            )
            self.assertTrue(agreement.is_paused)
            notes = agreement.message_ids.mapped("body")
            self.assertTrue(any("Konkurs, avtal med förvaltaren" in n for n in notes))

    def test_after_the_minimum_term_a_support_user_pauses(self):
        with freeze_time("2027-03-01"):
            agreement = self.start_agreement(
                self.template_ops, self.customer, date(2026, 1, 15)
            )
            self.pause(self.support_user, agreement)
            self.assertTrue(agreement.is_paused)

    def test_pause_buttons_are_swedish(self):
        lang = self.env["res.lang"]._activate_lang("sv_SE")
        self.assertTrue(lang)
        self.env["ir.module.module"].search(
            [("name", "=", "support_contract")]
        )._update_translations(["sv_SE"], overwrite=True)
        arch = (
            self.env["sale.subscription"]
            .with_user(self.support_user)
            .with_context(lang="sv_SE")
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('string="Pausa"', arch)
        self.assertIn('string="Återuppta"', arch)
        self.assertNotIn('string="Pause"', arch)

    def test_writing_the_end_date_or_paused_follows_the_close_and_pause_rules(self):
        """The form's save and JSON-RPC ``write`` cannot end or pause an
        agreement in its minimum term past the Close and Pause buttons."""
        with freeze_time("2026-05-20"):
            agreement = self.start_agreement(
                self.template_ops, self.customer, date(2026, 1, 15)
            )
            end = agreement.support_minimum_term_end
            self.assertGreater(end, date(2026, 6, 30))
            for user in (self.support_user, self.support_manager):
                with self.assertRaisesRegex(
                    UserError, "cannot end before its minimum term ends"
                ) as caught:
                    agreement.with_user(user).write({"date": "2026-06-30"})
                self.assertIn("Use the Close button", str(caught.exception))
            with self.assertRaisesRegex(UserError, "cannot be paused") as caught:
                agreement.with_user(self.support_user).write({"is_paused": True})
            self.assertIn("billed every month until", str(caught.exception))
            # A manager pauses with the wizard, where he gives the reason.
            with self.assertRaisesRegex(UserError, "give the reason"):
                agreement.with_user(self.support_manager).write({"is_paused": True})
            self.env.invalidate_all()
            self.assertFalse(agreement.date)
            self.assertFalse(agreement.is_paused)
            # An end date after the minimum term is the Support User's to set.
            agreement.with_user(self.support_user).write({"date": "2027-06-30"})
            self.assertEqual(agreement.date, date(2027, 6, 30))
            # The managers' paths still work: Close schedules the end at the
            # minimum term's end, the wizard pauses with the reason.
            agreement.with_user(self.support_manager).close_subscription()
            self.assertEqual(agreement.date, end)
            self.pause(self.support_manager, agreement, reason="Konkurs")
            self.assertTrue(agreement.is_paused)

    def test_the_end_date_refusal_is_swedish(self):
        self.env["res.lang"]._activate_lang("sv_SE")
        self.env["ir.module.module"].search(
            [("name", "=", "support_contract")]
        )._update_translations(["sv_SE"], overwrite=True)
        self.support_user.lang = "sv_SE"
        with freeze_time("2026-05-20"):
            agreement = self.start_agreement(
                self.template_ops, self.customer, date(2026, 1, 15)
            )
            with self.assertRaisesRegex(UserError, "kan inte upphöra innan"):
                # As the web client calls it: in the user's language.
                agreement.with_user(self.support_user).with_context(lang="sv_SE").write(
                    {"date": "2026-06-30"}
                )


@tagged("post_install", "-at_install")
class TestCountEmailSaysWhenItIsBilled(CodeLineAgreementCommon):
    def test_the_email_names_the_first_period_the_new_count_bills(self):
        self.customer.email = "kund@example.com"
        repo = self.new_repository(addon_files("kund_sales", 1000))
        with freeze_time("2026-03-10 10:00:00"):
            repo.with_user(self.support_user).action_count_lines()
        self.fixture.commit(addon_files("kund_sales", 1880))
        with freeze_time("2026-03-20 10:00:00"):
            repo.with_user(self.support_user).action_count_lines()
        # The one rule of the invoices: the period that began on 1 March is
        # billed at the count in force then, the new count from 1 April on.
        self.assertEqual(
            self.agreement._support_code_line_quantity_on(date(2026, 3, 1)), 10
        )
        self.assertEqual(
            self.agreement._support_code_line_quantity_on(date(2026, 4, 1)), 19
        )
        email = self.env["mail.message"].search(
            [
                ("model", "=", "sale.subscription"),
                ("res_id", "=", self.agreement.id),
                ("partner_ids", "in", self.customer.ids),
            ],
            limit=1,
        )
        self.assertTrue(email, "the customer is emailed")
        text = html.unescape(str(email.body))
        self.assertIn(format_date(self.env, date(2026, 4, 1)), text)
        self.assertNotIn("next invoice", text)
        self.assertIn(format_amount(self.env, 95, self.currency), text)
        self.assertIn(format_amount(self.env, 19 * 95, self.currency), text)
        note = self.agreement.message_ids.filtered(
            lambda m: "New code-line count" in (m.body or "") and "1,880" in m.body
        )
        self.assertTrue(note)
        self.assertIn(format_date(self.env, date(2026, 4, 1)), note.body)
        self.assertIn(
            format_amount(self.env, 19 * 95, self.currency), html.unescape(note.body)
        )

    def test_a_swedish_customer_reads_it_in_swedish_and_kronor(self):
        self.env["res.lang"]._activate_lang("sv_SE")
        # The template is noupdate: load its Swedish as a new database does.
        importer = TranslationImporter(self.env.cr, verbose=False)
        importer.load_file(
            str(Path(__file__).parent.parent / "i18n" / "sv.po"), "sv_SE"
        )
        importer.save(overwrite=True, force_overwrite=True)
        self.customer.write({"email": "kund@example.com", "lang": "sv_SE"})
        repo = self.new_repository(addon_files("kund_sales", 1000))
        with freeze_time("2026-03-10 10:00:00"):
            repo.with_user(self.support_user).action_count_lines()
        self.fixture.commit(addon_files("kund_sales", 1880))
        with freeze_time("2026-03-20 10:00:00"):
            repo.with_user(self.support_user).action_count_lines()
        email = self.env["mail.message"].search(
            [
                ("model", "=", "sale.subscription"),
                ("res_id", "=", self.agreement.id),
                ("partner_ids", "in", self.customer.ids),
            ],
            limit=1,
        )
        text = html.unescape(str(email.body))
        swedish = self.env(context={"lang": "sv_SE"})
        self.assertIn("Från och med perioden som börjar", text)
        self.assertIn(format_date(swedish, date(2026, 4, 1)), text)
        self.assertIn(format_amount(swedish, 19 * 95, self.currency), text)
        self.assertNotIn("nästa faktura", text)

    def test_a_first_count_bills_from_the_period_it_falls_in(self):
        repo = self.new_repository(addon_files("kund_sales", 1000))
        with freeze_time("2026-03-10 10:00:00"):
            repo.with_user(self.support_user).action_count_lines()
        snapshot = repo.snapshot_ids
        self.assertEqual(
            self.agreement._support_count_applies_from(snapshot), date(2026, 3, 1)
        )
        self.assertEqual(
            self.agreement._support_code_line_quantity_on(date(2026, 3, 1)), 10
        )


@tagged("post_install", "-at_install")
class TestConfirmRefusalReason(CodeLineAgreementCommon):
    def test_a_grown_count_held_for_exclusions_gives_that_reason(self):
        repo = self.new_repository(addon_files("kund_sales", 1000))
        repo.with_user(self.support_user).action_count_lines()
        self.fixture.commit({**addon_files("kund_sales", 1500), **excluding_addon(200)})
        repo.with_user(self.support_user).action_count_lines()
        self.assertEqual(repo.state, "to_confirm")
        self.assertGreater(repo.pending_code_lines, 1000, "the count grew")
        with self.assertRaises(UserError) as caught:
            repo.with_user(self.support_user).action_confirm_count()
        self.assertNotIn("dropped", str(caught.exception))
        self.assertIn("manifests exclude", str(caught.exception))


@tagged("post_install", "-at_install")
class TestSecondAgreementWarning(AgreementCommon):
    def test_quotation_warns_of_a_running_agreement_of_the_same_kind(self):
        running = self.start_agreement(
            self.template_ops, self.customer, date(2026, 1, 15)
        )
        form = Form(self.env["sale.order"].with_user(self.support_user))
        form.partner_id = self.contact
        with form.order_line.new() as line:
            line.product_id = self.ops_product
        self.assertIn(running.display_name, form.support_running_warning)
        order = form.save()
        # A warning, not a refusal: a second instance has its own agreement.
        order.with_user(self.support_user).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.support_running_warning)

    def test_no_warning_for_another_kind_or_customer(self):
        self.start_agreement(self.template_msa, self.customer, date(2026, 1, 15))
        self.start_agreement(self.template_ops, self.other_customer, date(2026, 1, 15))
        form = Form(self.env["sale.order"].with_user(self.support_user))
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.ops_product
        self.assertFalse(form.support_running_warning)
