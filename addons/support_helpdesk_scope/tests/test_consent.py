"""Consent covers what it names; giving work away is a Support Manager's.

Each workflow runs as the role that does it: the agent logs time, the Support
User reclassifies (the wizard), the customer answers on the portal (the
route), the Support Manager gives work away.
"""

import re

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import SupportHelpdeskCommon


@tagged("post_install", "-at_install")
class TestConsent(SupportHelpdeskCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact.lang = "en_US"
        cls.portal = cls.portal_user("consent_portal", cls.contact)
        # An hour costs 1,000 kr less the agreement's 15 %: 850 kr.

    def ticket(self, category="how_to", partner=None):
        return self.new_ticket(category, partner=partner, user_id=self.desk.id)

    def log_as(self, user, ticket, hours):
        return (
            self.env["account.analytic.line"]
            .with_user(user)
            .create(
                {"name": "Work", "helpdesk_ticket_id": ticket.id, "unit_amount": hours}
            )
        )

    def reclassify(self, user, ticket, scope, reason, ask=False):
        """The Reclassify button and its wizard, as ``user``."""
        action = ticket.with_user(user).action_open_reclassify()
        form = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        form.scope = scope
        form.reason = reason
        if ask:
            form.ask_logged_hours = True
        wizard = form.save()
        wizard.action_confirm()
        ticket.invalidate_recordset()
        return wizard

    def answer(self, ticket, answer):
        """The customer's button on the ticket's portal page."""
        self.authenticate("consent_portal", "consent_portal")
        response = self.url_open(
            f"/my/ticket/{ticket.id}/billable/{answer}",
            data={"csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(response.status_code, 200)
        ticket.invalidate_recordset()
        return " ".join(self.url_open(f"/my/ticket/{ticket.id}").text.split())

    @staticmethod
    def text(page):
        """The page's words, without its tags."""
        return " ".join(re.sub(r"<[^>]+>", " ", page).split())

    def notice(self, ticket):
        return ticket.message_ids.filtered(
            lambda m: "not covered by your agreement" in (m.body or "")
        )[:1]

    def answer_activity(self, ticket):
        """The activity of the ticket's assignee (a Support Manager gets his
        own)."""
        assignee = ticket.user_id or ticket.team_id.user_id
        return ticket.activity_ids.filtered(
            lambda a: (
                a.summary == "The customer answered on billable work"
                and a.user_id == assignee
            )
        )

    # ------------------------------------------------------------------
    # Consent covers what it names
    # ------------------------------------------------------------------

    def test_reclassified_after_hours_were_logged_bills_only_time_from_then_on(self):
        ticket = self.ticket()
        self.log_as(self.agent, ticket, 1.0)
        self.assertEqual(ticket.included_hours, 1.0)
        self.reclassify(self.desk, ticket, "billable", "A new function")
        self.assertEqual(ticket.scope, "billable")
        self.assertEqual(ticket.logged_hours_state, "not_asked")
        self.assertEqual(ticket.logged_hours, 1.0)
        self.assertEqual(ticket.billable_hours, 0.0, "not named, not billed")
        self.assertEqual(ticket.timesheet_ids.support_hours_state, "declined")
        self.assertIn(
            "The 1:00 hours logged before are not billed", self.notice(ticket).body
        )
        self.log_as(self.agent, ticket, 0.5)
        self.assertEqual(ticket.billable_hours, 0.5, "time from the decision on")

    def test_named_hours_are_billable_once_the_customer_approves_them(self):
        ticket = self.ticket()
        self.log_as(self.agent, ticket, 1.25)
        wizard = self.reclassify(
            self.desk, ticket, "billable", "A new function", ask=True
        )
        # The reclassification states the hours and their amount.
        self.assertEqual(wizard.logged_hours, 1.25)
        self.assertEqual(wizard.logged_amount, 1062.50)
        self.assertEqual(ticket.logged_hours_state, "asked")
        self.assertEqual(ticket.billable_hours, 0.0)
        body = self.notice(ticket).body
        self.assertIn("1:15 hours were logged on this ticket", body)
        self.assertIn("1,062.50", body)
        self.authenticate("consent_portal", "consent_portal")
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertIn("o_support_logged_hours", page)
        self.assertIn("1,062.50", page)
        self.assertIn("Approve the hours already logged", page)
        page = self.answer(ticket, "approve_logged")
        self.assertEqual(ticket.logged_hours_state, "approved")
        self.assertEqual(ticket.billable_hours, 1.25)
        self.assertEqual(ticket.approval_partner_id, self.contact)
        # The portal shows what was approved, by whom, for which hours.
        self.assertIn("o_support_approval_answer", page)
        self.assertIn(
            "Hours logged before it became billable, approved: 01:15 h",
            self.text(page),
        )
        self.assertIn(self.contact.name, page)
        self.assertNotIn("o_support_approve_logged", page)
        # The assignee is told to go on.
        activity = self.answer_activity(ticket)
        self.assertEqual(activity.user_id, self.desk)
        self.assertIn("approved billing the 1:15 hours", activity.note)

    def test_a_customer_who_declines_is_billed_for_neither(self):
        self.agreement.support_billable_approval = True
        ticket = self.ticket()
        self.log_as(self.agent, ticket, 2.0)
        self.reclassify(self.desk, ticket, "billable", "A new function", ask=True)
        self.assertEqual(ticket.approval_state, "pending")
        self.assertEqual(ticket.logged_hours_state, "asked")
        page = self.answer(ticket, "decline")
        self.assertEqual(ticket.approval_state, "declined")
        self.assertEqual(ticket.logged_hours_state, "declined")
        self.assertEqual(ticket.billable_hours, 0.0)
        self.assertIn("o_support_approval_answer", page)
        with self.assertRaisesRegex(ValidationError, "declined"):
            self.log_as(self.agent, ticket, 1.0)
        activity = self.answer_activity(ticket)
        self.assertEqual(activity.user_id, self.desk)
        self.assertIn("declined the billable work", activity.note)

    def test_approval_for_future_work_does_not_bill_the_hours_before(self):
        self.agreement.support_billable_approval = True
        ticket = self.ticket()
        self.log_as(self.agent, ticket, 1.0)
        self.reclassify(self.desk, ticket, "billable", "A new function", ask=True)
        page = self.answer(ticket, "approve")
        self.assertEqual(ticket.approval_state, "approved")
        self.assertEqual(ticket.logged_hours_state, "declined")
        self.assertEqual(ticket.billable_hours, 0.0)
        self.assertIn(
            "Hours logged before it became billable, not billed: 01:00 h",
            self.text(page),
        )
        self.log_as(self.agent, ticket, 0.5)
        self.assertEqual(ticket.billable_hours, 0.5)
        self.assertIn(
            "approved the billable work from now on",
            self.answer_activity(ticket).note,
        )

    def test_answering_twice_is_refused_naming_the_ticket(self):
        ticket = self.ticket()
        with self.assertRaisesRegex(UserError, ticket.number):
            ticket._support_answer_approval(True, self.contact)

    # ------------------------------------------------------------------
    # Giving work away
    # ------------------------------------------------------------------

    def test_an_agent_cannot_give_away_work_no_agreement_covers(self):
        ticket = self.ticket(partner=self.other_customer)
        self.assertFalse(ticket.agreement_id)
        self.assertEqual(ticket.scope, "billable")
        for user in (self.agent, self.desk):
            with self.assertRaisesRegex(UserError, "only a Support Manager") as caught:
                self.reclassify(user, ticket, "included", "Goodwill")
            self.assertIn(ticket.display_name, str(caught.exception))
            self.assertEqual(ticket.scope, "billable")
        self.reclassify(self.manager, ticket, "included", "Goodwill: our own mistake")
        self.assertEqual(ticket.scope, "included")
        self.assertEqual(ticket.scope_reason, "Goodwill: our own mistake")
        self.assertTrue(
            ticket.message_ids.filtered(
                lambda m: "Goodwill: our own mistake" in (m.body or "")
            )
        )

    def test_an_agent_cannot_waive_billable_hours(self):
        ticket = self.ticket("import_export")
        self.assertEqual(ticket.scope, "billable")
        self.log_as(self.agent, ticket, 1.0)
        self.assertEqual(ticket.billable_hours, 1.0)
        with self.assertRaisesRegex(UserError, "1:00 billable hours"):
            self.reclassify(self.agent, ticket, "included", "Small thing")
        with self.assertRaisesRegex(UserError, "only a Support Manager"):
            ticket.with_user(self.agent).write({"category_id": self.cat["how_to"].id})
        # What the refused request wrote is rolled back, as the request is.
        self.env.invalidate_all(flush=False)
        self.assertEqual(ticket.category_id, self.cat["import_export"])
        self.assertEqual(ticket.billable_hours, 1.0)
        self.reclassify(self.manager, ticket, "included", "Waived: a known bug of ours")
        self.assertEqual(ticket.billable_hours, 0.0)
        self.assertEqual(ticket.scope_reason, "Waived: a known bug of ours")

    def test_staff_cannot_set_the_customers_approval_by_writing_it(self):
        """The ticket form's save (and JSON-RPC ``write``) cannot approve or
        decline for the customer: only the portal answer records it."""
        self.agreement.support_billable_approval = True
        ticket = self.ticket()
        self.log_as(self.agent, ticket, 1.0)
        self.reclassify(self.desk, ticket, "billable", "A new function")
        self.assertEqual(ticket.approval_state, "pending")
        refused = (
            {"approval_state": "approved"},
            {"approval_state": "declined"},
            {"approval_state": "none"},
            {"approval_partner_id": self.contact.id},
            {"approval_date": "2026-06-02 10:00:00"},
        )
        for user in (self.agent, self.desk, self.manager):
            for values in refused:
                with self.assertRaisesRegex(
                    UserError, "Only the customer approves or declines"
                ):
                    ticket.with_user(user).write(values)
        with self.assertRaisesRegex(UserError, "Only the customer approves"):
            self.env["helpdesk.ticket"].with_user(self.desk).create(
                {
                    "name": "Pre-approved",
                    "partner_id": self.contact.id,
                    "approval_state": "approved",
                }
            )
        self.env.invalidate_all()
        self.assertEqual(ticket.approval_state, "pending")
        self.assertFalse(ticket.approval_partner_id)
        # In the user's language.
        self.env["res.lang"]._activate_lang("sv_SE")
        self.env["ir.module.module"].search(
            [("name", "=", "support_helpdesk_scope")]
        )._update_translations(["sv_SE"], overwrite=True)
        self.desk.lang = "sv_SE"
        with self.assertRaisesRegex(UserError, "Endast kunden godkänner"):
            # As the web client calls it: in the user's language.
            ticket.with_user(self.desk).with_context(lang=self.desk.lang).write(
                {"approval_state": "approved"}
            )
        # Other fields still save from the form.
        ticket.with_user(self.desk).write({"description": "More detail"})
        self.assertTrue(ticket._fields["approval_state"].readonly)
        # The customer's answer still records it, with who and when.
        self.answer(ticket, "approve")
        self.assertEqual(ticket.approval_state, "approved")
        self.assertEqual(ticket.approval_partner_id, self.contact)
        self.assertTrue(ticket.approval_date)
