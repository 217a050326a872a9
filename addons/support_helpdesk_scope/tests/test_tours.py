from odoo.tests import HttpCase, tagged

from .common import SupportHelpdeskCommon


@tagged("post_install", "-at_install")
class TestPortalTours(SupportHelpdeskCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls.portal_user("scope_tour", cls.contact)

    def test_submit_a_ticket_seeing_its_scope_first(self):
        self.start_tour(
            "/new/ticket", "support_helpdesk_scope_submit", login="scope_tour"
        )
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Tour: import customers")]
        )
        self.assertEqual(ticket.category_id, self.cat["import_export"])
        self.assertEqual(ticket.scope, "billable")
        self.assertEqual(ticket.partner_id, self.contact)

    def test_approve_billable_work(self):
        self.agreement.support_billable_approval = True
        ticket = self.new_ticket("end_user")
        ticket._support_reclassify("billable", "A new function")
        self.start_tour(
            f"/my/ticket/{ticket.id}",
            "support_helpdesk_scope_approve",
            login="scope_tour",
        )
        ticket.invalidate_recordset()
        self.assertEqual(ticket.approval_state, "approved")
        self.assertEqual(ticket.approval_partner_id, self.contact)


@tagged("post_install", "-at_install")
class TestBackendTours(SupportHelpdeskCommon, HttpCase):
    def test_support_user_logs_time_and_reclassifies_a_ticket(self):
        ticket = self.new_ticket("end_user")
        colleague = self.env["hr.employee"].search([("user_id", "=", self.agent.id)])
        self.env["account.analytic.line"].create(
            {
                "name": "Colleague work",
                "helpdesk_ticket_id": ticket.id,
                "employee_id": colleague.id,
                "unit_amount": 2,
            }
        )
        self.start_tour(
            f"/odoo/helpdesk.ticket/{ticket.id}",
            "support_helpdesk_scope_log_and_reclassify",
            login="scope_desk",
        )
        ticket.invalidate_recordset()
        mine = ticket.timesheet_ids.filtered(lambda t: t.user_id == self.desk)
        self.assertEqual(mine.unit_amount, 1.5)
        self.assertEqual(mine.name, "Tour: analysed the import file")
        self.assertEqual(ticket.hours_spent, 3.5)
        self.assertEqual(ticket.scope, "billable")
        # The 3.5 hours were logged before the ticket became billable and the
        # reclassification did not name them: they are not billed.
        self.assertEqual(ticket.billable_hours, 0.0)
        self.assertEqual(ticket.logged_hours_state, "not_asked")
        self.assertEqual(ticket.logged_hours, 3.5)
        self.assertIn("import of a new product list", ticket.scope_reason)
