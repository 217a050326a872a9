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
        self.assertEqual(ticket.scope_category_id, self.cat["import_export"])
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
