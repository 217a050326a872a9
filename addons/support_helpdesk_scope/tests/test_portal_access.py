"""Every portal route that takes a ticket refuses another customer's ticket."""

import contextlib

from odoo import http
from odoo.tests import HttpCase, tagged

from .common import SupportHelpdeskCommon


@tagged("post_install", "-at_install")
class TestTicketPortalAccess(SupportHelpdeskCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_one = cls.portal_user("scope_portal_one", cls.contact)
        cls.other_contact = cls.env["res.partner"].create(
            {
                "name": "Tove Två",
                "parent_id": cls.other_customer.id,
                "email": "t@two.example",
            }
        )
        cls.portal_two = cls.portal_user("scope_portal_two", cls.other_contact)
        cls.colleague = cls.env["res.partner"].create(
            {"name": "Kollega Ett", "parent_id": cls.customer.id}
        )
        cls.agreement.support_billable_approval = True
        cls.ticket_one = cls.new_ticket("end_user", partner=cls.colleague)
        cls.ticket_one._support_reclassify("billable", "New function")
        cls.ticket_two = cls.new_ticket("end_user", partner=cls.other_contact)
        cls.closing_stage = cls.env["helpdesk.ticket.stage"].search(
            [("close_from_portal", "=", True)], limit=1
        ) or cls.env["helpdesk.ticket.stage"].create(
            {"name": "Closed by customer", "closed": True, "close_from_portal": True}
        )

    def test_contact_sees_the_commercial_partners_tickets_only(self):
        self.authenticate("scope_portal_one", "scope_portal_one")
        listing = self.url_open("/my/tickets").text
        self.assertIn(self.ticket_one.number, listing)
        self.assertNotIn(self.ticket_two.number, listing)
        page = self.url_open(f"/my/ticket/{self.ticket_one.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_support_approval", page.text)
        self.assertIn("Billable hours so far", page.text)

    def test_ticket_page_refuses_another_customers_ticket(self):
        self.authenticate("scope_portal_two", "scope_portal_two")
        page = self.url_open(f"/my/ticket/{self.ticket_one.id}", allow_redirects=False)
        self.assertIn(page.status_code, (302, 303))
        self.assertNotIn(self.ticket_one.name, page.text)
        forged_token = self.url_open(
            f"/my/ticket/{self.ticket_one.id}?access_token=forged",
            allow_redirects=False,
        )
        self.assertIn(forged_token.status_code, (302, 303))

    def test_close_route_refuses_another_customers_ticket(self):
        self.authenticate("scope_portal_two", "scope_portal_two")
        self.url_open(
            "/ticket/close",
            data={"ticket_id": self.ticket_one.id, "stage_id": self.closing_stage.id},
            allow_redirects=False,
        )
        self.ticket_one.invalidate_recordset()
        self.assertNotEqual(self.ticket_one.stage_id, self.closing_stage)

    def test_close_route_changes_nothing_on_a_get_or_without_csrf(self):
        self.authenticate("scope_portal_one", "scope_portal_one")
        query = f"ticket_id={self.ticket_one.id}&stage_id={self.closing_stage.id}"
        self.url_open(f"/ticket/close?{query}", allow_redirects=False)
        # Without the form's CSRF token Odoo refuses the POST.
        self.url_open(
            "/ticket/close",
            data={"ticket_id": self.ticket_one.id, "stage_id": self.closing_stage.id},
            allow_redirects=False,
        )
        self.ticket_one.invalidate_recordset()
        self.assertNotEqual(self.ticket_one.stage_id, self.closing_stage)
        arch = self.env.ref("helpdesk_mgmt.portal_helpdesk_ticket_page")
        form = arch.get_combined_arch().split("/ticket/close")[0].rsplit("<form", 1)[1]
        self.assertIn('method="POST"', form, "the portal's close form posts")
        self.url_open(
            "/ticket/close",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "ticket_id": self.ticket_one.id,
                "stage_id": self.closing_stage.id,
            },
            allow_redirects=False,
        )
        self.ticket_one.invalidate_recordset()
        self.assertEqual(self.ticket_one.stage_id, self.closing_stage)

    def test_follower_of_another_company_cannot_approve(self):
        # helpdesk_mgmt subscribes every To/Cc of an incoming mail: a
        # follower from another company reads the ticket, decides nothing.
        self.ticket_one.message_subscribe(partner_ids=self.other_contact.ids)
        self.authenticate("scope_portal_two", "scope_portal_two")
        for answer in ("approve", "decline"):
            self.url_open(
                f"/my/ticket/{self.ticket_one.id}/billable/{answer}",
                data={"csrf_token": http.Request.csrf_token(self)},
                allow_redirects=False,
            )
        self.ticket_one.invalidate_recordset()
        self.assertEqual(self.ticket_one.approval_state, "pending")

    def test_approval_routes_refuse_another_customer(self):
        self.authenticate("scope_portal_two", "scope_portal_two")
        for answer in ("approve", "decline"):
            response = self.url_open(
                f"/my/ticket/{self.ticket_one.id}/billable/{answer}",
                data={"csrf_token": http.Request.csrf_token(self)},
                allow_redirects=False,
            )
            self.assertIn(response.status_code, (302, 303))
        self.ticket_one.invalidate_recordset()
        self.assertEqual(self.ticket_one.approval_state, "pending")

    def test_customer_approves_on_the_portal_with_who_and_when(self):
        self.authenticate("scope_portal_one", "scope_portal_one")
        self.url_open(
            f"/my/ticket/{self.ticket_one.id}/billable/approve",
            data={"csrf_token": http.Request.csrf_token(self)},
        )
        self.ticket_one.invalidate_recordset()
        self.assertEqual(self.ticket_one.approval_state, "approved")
        self.assertEqual(self.ticket_one.approval_partner_id, self.contact)

    def test_submit_cannot_forge_a_category_or_another_customer(self):
        self.authenticate("scope_portal_one", "scope_portal_one")
        self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "Forged fields",
                "description": "x",
                "category": "999999",
                "partner_id": self.other_contact.id,
            },
        )
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Forged fields")])
        self.assertEqual(ticket.partner_id, self.contact)
        self.assertFalse(ticket.category_id)

    def test_new_ticket_form_shows_scope_and_rate_per_category(self):
        self.authenticate("scope_portal_one", "scope_portal_one")
        page = self.url_open("/new/ticket").text
        self.assertIn("o_support_scope_table", page)
        self.assertIn("850", page)
        self.assertIn(f'data-category-id="{self.cat["how_to"].id}"', page)

    def test_chatter_routes_refuse_another_customers_ticket(self):
        self.authenticate("scope_portal_two", "scope_portal_two")
        before = len(self.ticket_one.message_ids)
        for extra in ({}, {"token": "forged"}, {"hash": "forged", "pid": 1}):
            with self.subTest(params=extra):
                # Refused: any error will do, as long as nothing is posted.
                with contextlib.suppress(Exception):
                    self.make_jsonrpc_request(
                        "/mail/message/post",
                        {
                            "thread_model": "helpdesk.ticket",
                            "thread_id": self.ticket_one.id,
                            "post_data": {
                                "body": "Intruder",
                                "message_type": "comment",
                            },
                            **extra,
                        },
                    )
        self.ticket_one.invalidate_recordset()
        self.assertEqual(len(self.ticket_one.message_ids), before)
        self.assertFalse(
            any("Intruder" in (m.body or "") for m in self.ticket_one.message_ids)
        )
        try:
            result = self.make_jsonrpc_request(
                "/mail/thread/messages",
                {"thread_model": "helpdesk.ticket", "thread_id": self.ticket_one.id},
            )
        except Exception:  # noqa: BLE001 refused
            result = None
        leaked = set((result or {}).get("messages") or []) & set(
            self.ticket_one.message_ids.ids
        )
        self.assertFalse(leaked, "another customer's ticket messages were returned")

    def test_new_ticket_form_has_one_category_picker(self):
        self.authenticate("scope_portal_one", "scope_portal_one")
        page = self.url_open("/new/ticket").text
        self.assertEqual(page.count('name="category"'), 1)
        self.assertNotIn('name="scope_category"', page)
        self.assertIn(self.cat["import_export"].name, page)

    def test_billable_category_chosen_on_the_portal_waits_for_approval(self):
        self.authenticate("scope_portal_one", "scope_portal_one")
        self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "Import our customers",
                "description": "x",
                "category": self.cat["import_export"].id,
            },
        )
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Import our customers")]
        )
        self.assertEqual(ticket.category_id, self.cat["import_export"])
        self.assertEqual(ticket.scope, "billable")
        self.assertEqual(ticket.approval_state, "pending")
        notice = ticket.message_ids.filtered(
            lambda m: "not covered by your agreement" in (m.body or "")
        )
        self.assertTrue(notice)
        self.assertEqual(notice.author_id, self.company.partner_id)
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertIn("o_support_approval", page)

    def test_portal_shows_no_billable_hours_while_waiting_or_declined(self):
        ticket = self.new_ticket("end_user", partner=self.colleague)
        self.log_time(ticket, 2)
        ticket._support_reclassify("billable", "A new function")
        self.assertEqual(ticket.approval_state, "pending")
        self.authenticate("scope_portal_one", "scope_portal_one")
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertRegex(page, r'o_support_billable_hours"[^>]*>\s*00:00')
        ticket._support_answer_approval(False, self.contact)
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertRegex(page, r'o_support_billable_hours"[^>]*>\s*00:00')

    def test_portal_says_the_rate_is_not_set_instead_of_zero(self):
        self.company.support_hourly_product_id = False
        self.authenticate("scope_portal_one", "scope_portal_one")
        page = self.url_open("/new/ticket").text
        self.assertIn("rate not set", page)
        self.assertNotIn("0,00\xa0kr", page)
