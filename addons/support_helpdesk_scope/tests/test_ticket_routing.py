"""Tickets land in the right team, name their customer, and a customer's
answer to billable work goes to a Support Manager."""

from lxml import etree

from odoo import http
from odoo.tests import HttpCase, tagged

from .common import SupportHelpdeskCommon


@tagged("post_install", "-at_install")
class TestTicketRouting(SupportHelpdeskCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = cls.portal_user("routing_portal", cls.contact)
        Team = cls.env["helpdesk.ticket.team"]
        cls.company_team = Team.create({"name": "Kundtjänst (test)"})
        cls.agreement_team = Team.create({"name": "Drift (test)"})
        cls.company.support_helpdesk_team_id = cls.company_team
        cls.agreement.user_id = cls.desk

    def submit(self, subject):
        self.authenticate("routing_portal", "routing_portal")
        self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": subject,
                "description": "Det fungerar inte",
            },
        )
        return self.env["helpdesk.ticket"].search([("name", "=", subject)])

    def test_portal_ticket_lands_in_the_team_of_the_settings_or_agreement(self):
        ticket = self.submit("Utskrift fungerar inte")
        self.assertEqual(ticket.team_id, self.company_team)
        self.agreement.with_user(
            self.manager
        ).support_helpdesk_team_id = self.agreement_team
        ticket = self.submit("Fakturor saknas")
        self.assertEqual(ticket.team_id, self.agreement_team)

    def test_every_staff_list_names_the_customer(self):
        ticket = self.new_ticket("how_to")
        self.assertEqual(ticket.partner_name, self.contact.name)
        for user in (self.desk, self.manager, self.agent):
            Ticket = self.env["helpdesk.ticket"].with_user(user)
            views = Ticket.get_views([(False, "list")])
            self.assertIn("commercial_partner_id", views["views"]["list"]["arch"])
            row = Ticket.browse(ticket.id).web_read(
                {"commercial_partner_id": {"fields": {"display_name": {}}}}
            )[0]
            self.assertEqual(row["commercial_partner_id"]["id"], self.customer.id)

    def test_the_customers_answer_goes_to_a_support_manager(self):
        self.agreement.support_billable_approval = True
        self.company.support_manager_user_id = self.manager
        ticket = self.new_ticket("end_user")
        ticket.with_user(self.desk)._support_reclassify("billable", "New report")
        self.assertEqual(ticket.approval_state, "pending")
        self.authenticate("routing_portal", "routing_portal")
        self.url_open(
            f"/my/ticket/{ticket.id}/billable/decline",
            data={"csrf_token": http.Request.csrf_token(self)},
        )
        ticket.invalidate_recordset()
        self.assertEqual(ticket.approval_state, "declined")
        activity = ticket.activity_ids.filtered(
            lambda a: (
                a.summary == "The customer answered on billable work"
                and a.user_id == self.manager
            )
        )
        self.assertEqual(len(activity), 1)
        self.assertIn(self.contact.name, activity.note)

    def test_an_agent_reads_the_agreement_without_opening_its_form(self):
        for user, opens in ((self.desk, True), (self.agent, False)):
            arch = (
                self.env["helpdesk.ticket"]
                .with_user(user)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            nodes = etree.fromstring(arch).xpath("//field[@name='agreement_id']")
            self.assertEqual(len(nodes), 1)
            self.assertEqual("no_open" not in nodes[0].get("options", ""), opens)
