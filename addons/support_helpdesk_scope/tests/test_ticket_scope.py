from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SupportHelpdeskCommon


@tagged("post_install", "-at_install")
class TestTicketScope(SupportHelpdeskCommon):
    def test_every_category_gets_its_scope_under_an_agreement(self):
        expected = {
            "how_to": "included",
            "program_error": "to_review",
            "technical": "included",
            "end_user": "included",
            "import_export": "billable",
            "data_quality": "billable",
            "configuration": "billable",
            "implementation": "billable",
            "training": "billable",
            "infrastructure": "billable",
            "transactions": "billable",
        }
        for code, scope in expected.items():
            with self.subTest(category=code):
                ticket = self.new_ticket(code)
                self.assertEqual(ticket.agreement_id, self.agreement)
                self.assertEqual(ticket.scope, scope)

    def test_no_agreement_means_billable_and_a_warning(self):
        stranger = self.env["res.partner"].create({"name": "Utan Avtal AB"})
        ticket = self.new_ticket("how_to", partner=stranger)
        self.assertFalse(ticket.agreement_id)
        self.assertEqual(ticket.scope, "billable")
        self.assertTrue(ticket.without_agreement)

    def test_coverage_follows_the_ticket_date(self):
        # The agreement started 2026-01-01; one starting later and one ended.
        self.assertFalse(
            self.new_ticket("how_to", ticket_date=date(2025, 12, 31)).agreement_id
        )
        ended = self.start_agreement(
            self.template_ops, self.other_customer, date(2024, 1, 1)
        )
        ended.close_subscription()  # after its minimum term: ends today
        ticket = self.new_ticket(
            "how_to", partner=self.other_customer, ticket_date=date(2024, 6, 1)
        )
        self.assertEqual(ticket.agreement_id, ended)
        later = self.new_ticket(
            "how_to", partner=self.other_customer, ticket_date=date(2099, 1, 1)
        )
        self.assertFalse(later.agreement_id)

    def test_two_agreements_prefer_maintenance_and_staff_can_choose(self):
        ops = self.start_agreement(self.template_ops, self.customer, date(2025, 1, 1))
        ticket = self.new_ticket("how_to")
        self.assertEqual(ticket.agreement_id, self.agreement)
        ticket.agreement_id = ops
        self.assertEqual(ticket.agreement_id, ops)
        self.assertEqual(ticket.scope, "included")

    def test_program_error_included_once_reproduced_with_who_and_when(self):
        ticket = self.new_ticket("program_error")
        self.assertEqual(ticket.scope, "to_review")
        ticket.with_user(self.support_user).action_confirm_reproduced()
        self.assertEqual(ticket.scope, "included")
        self.assertEqual(ticket.reproduced_user_id, self.support_user)
        self.assertTrue(ticket.reproduced_date)

    def test_time_on_included_tickets_is_kept_never_billable(self):
        included = self.new_ticket("how_to")
        billable = self.new_ticket("import_export")
        self.log_time(included, 2)
        self.log_time(billable, 1.5)
        self.assertEqual((included.hours_spent, included.billable_hours), (2, 0))
        self.assertEqual(included.included_hours, 2)
        self.assertEqual(billable.billable_hours, 1.5)
        line = billable.timesheet_ids
        self.assertEqual(line.project_id, self.project)
        self.assertEqual(line.support_hours_state, "billable")

    def test_hourly_rate_has_the_agreement_discount(self):
        self.assertEqual(self.new_ticket("import_export").hourly_rate, 850)  # 15 %
        stranger = self.env["res.partner"].create({"name": "Utan Avtal AB"})
        self.assertEqual(
            self.new_ticket("import_export", partner=stranger).hourly_rate, 1000
        )

    def end_request(self):
        """What the end of a request does: tracking is written at commit."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_reclassification_needs_a_reason_is_tracked_and_tells_the_customer(self):
        ticket = self.new_ticket("end_user")
        self.end_request()  # created in an earlier request
        wizard = Form(
            self.env["support.ticket.reclassify"].with_context(
                default_ticket_id=ticket.id, default_scope=ticket.scope
            )
        )
        wizard.scope = "billable"
        wizard.reason = "Setting up a new warehouse is a configuration change"
        wizard.save().action_confirm()
        self.assertEqual(ticket.scope, "billable")
        self.assertEqual(
            ticket.scope_reason, "Setting up a new warehouse is a configuration change"
        )
        notice = ticket.message_ids.filtered(
            lambda m: "not covered by your agreement" in (m.body or "")
        )
        self.assertTrue(notice)
        self.assertIn("850", notice[0].body)
        self.assertIn("new warehouse", notice[0].body)
        self.assertIn(self.contact, notice[0].partner_ids)
        self.end_request()
        tracked = ticket.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "scope"
        )
        self.assertTrue(tracked, "the change of scope is tracked")
        with self.assertRaisesRegex(UserError, "reason"):
            ticket._support_reclassify("included", "  ")

    def test_scope_change_reads_in_the_customers_language(self):
        # Staff working in English reclassify a Swedish customer's ticket:
        # the note and the tracked scope read Swedish for the customer.
        self.env["res.lang"]._activate_lang("sv_SE")
        (self.customer | self.contact).lang = "sv_SE"
        ticket = self.new_ticket("end_user")
        self.end_request()
        self.assertEqual(ticket.scope, "included")
        ticket.with_context(lang="en_US")._support_reclassify(
            "billable", "Ny funktion i lagret"
        )
        self.end_request()
        # The note and the notice of billable work name the reason.
        notes = " ".join(
            ticket.message_ids.filtered(
                lambda m: "Ny funktion i lagret" in (m.body or "")
            ).mapped("body")
        )
        self.assertIn("från Ingår till Debiterbart", notes)
        self.assertNotIn("Billable", notes)
        tracked = ticket.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "scope" and t.new_value_char == "Billable"
        )
        self.assertEqual(len(tracked), 1, "stored in the writer's language")
        # As the chatter and the portal show it to a Swedish reader.
        [formatted] = tracked.with_context(lang="sv_SE")._tracking_value_format()
        self.assertEqual(formatted["oldValue"], "Ingår")
        self.assertEqual(formatted["newValue"], "Debiterbart")
        [formatted] = tracked.with_context(lang="en_US")._tracking_value_format()
        self.assertEqual(formatted["newValue"], "Billable")

    def test_approval_before_billable_work(self):
        self.agreement.support_billable_approval = True
        ticket = self.new_ticket("end_user")
        self.log_time(ticket, 1)  # included: fine
        ticket._support_reclassify("billable", "A new function")
        self.assertEqual(ticket.approval_state, "pending")
        with self.assertRaises(ValidationError) as refused:
            self.log_time(ticket, 1)
        self.assertIn("not yet approved", str(refused.exception))
        ticket._support_answer_approval(False, self.contact)
        self.assertEqual(ticket.approval_state, "declined")
        with self.assertRaises(ValidationError) as refused:
            self.log_time(ticket, 1)
        self.assertIn("declined", str(refused.exception))
        ticket.approval_state = "pending"
        ticket._support_answer_approval(True, self.contact)
        self.assertEqual(
            (ticket.approval_state, ticket.approval_partner_id),
            ("approved", self.contact),
        )
        self.assertTrue(ticket.approval_date)
        self.log_time(ticket, 1)
        # The hour logged while the ticket was included was not named in the
        # request: only the hour logged after the approval is billable.
        self.assertEqual(ticket.billable_hours, 1)
