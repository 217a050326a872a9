from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    """What `make run` shows of tickets: it fails without them."""

    def setUp(self):
        super().setUp()
        module = self.env["ir.module.module"].search(
            [("name", "=", "support_helpdesk_scope")]
        )
        if not module.demo:
            self.skipTest("the database has no demo data")

    def test_swedish_customer_got_the_billable_notice_in_swedish(self):
        ticket = self.env.ref(
            "support_helpdesk_scope.ticket_solberga_configuration_demo"
        )
        self.assertEqual(ticket.partner_id.lang, "sv_SE")
        self.assertEqual(ticket.approval_state, "pending")
        notice = ticket.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertIn("täcks inte av ert avtal", notice[:1].body)
        self.assertIn("godkänt", notice[:1].body)

    def test_tickets_use_helpdesk_categories(self):
        tickets = self.env["helpdesk.ticket"].search(
            [("company_id", "=", self.env.ref("support_contract.company_demo").id)]
        )
        self.assertTrue(tickets)
        self.assertFalse(tickets.filtered(lambda t: not t.category_id))
        self.assertFalse(tickets.category_id.company_id, "shared categories")

    def _tickets(self):
        return self.env["helpdesk.ticket"].search(
            [("company_id", "=", self.env.ref("support_contract.company_demo").id)]
        )

    def test_a_year_of_tickets_in_every_stage_by_the_staff_of_each_role(self):
        tickets = self._tickets()
        stages = self.env["helpdesk.ticket.stage"].search([("team_ids", "=", False)])
        self.assertEqual(tickets.stage_id, stages, "every stage")
        created = tickets.mapped("create_date")
        self.assertGreater((max(created) - min(created)).days, 300)
        self.assertLessEqual(max(created), fields.Datetime.now())
        staff = (
            self.env.ref("support_contract.user_consultant_demo")
            | self.env.ref("support_contract.user_manager_demo")
            | self.env.ref("support_helpdesk_scope.user_agent_demo")
        )
        self.assertEqual(tickets.user_id, staff)
        self.assertFalse(tickets.filtered(lambda t: t.closed and not t.closed_date))

    def test_tickets_in_the_demo_company_teams(self):
        tickets = self._tickets()
        company = self.env.ref("support_contract.company_demo")
        self.assertEqual(tickets.team_id.company_id, company)
        self.assertEqual(set(tickets.team_id.mapped("name")), {"Support", "Consulting"})
        for ticket in tickets:
            self.assertIn(ticket.user_id, ticket.team_id.user_ids)
        imports = tickets.filtered(
            lambda t: (
                t.category_id
                == self.env.ref("support_helpdesk_scope.scope_import_export")
            )
        )
        self.assertEqual(imports.team_id.name, "Consulting")

    def test_time_logged_on_the_days_it_was_done(self):
        lines = self._tickets().timesheet_ids
        today = fields.Date.context_today(lines)
        self.assertTrue(all(line.date <= today for line in lines))
        self.assertGreaterEqual(
            len({(d.year, d.month) for d in lines.mapped("date")}), 8
        )
        self.assertEqual(
            lines.employee_id.user_id,
            self.env.ref("support_contract.user_consultant_demo")
            | self.env.ref("support_contract.user_manager_demo")
            | self.env.ref("support_helpdesk_scope.user_agent_demo"),
        )

    def test_one_declined_billable_ticket(self):
        declined = self._tickets().filtered(lambda t: t.approval_state == "declined")
        self.assertEqual(len(declined), 1)
        self.assertEqual(
            declined.commercial_partner_id,
            self.env.ref("support_contract.partner_solberga_demo"),
        )
        self.assertTrue(declined.closed)
        self.assertFalse(declined.timesheet_ids)

    def test_ticket_chatter_dated_when_it_happened(self):
        ticket = self.env.ref("support_helpdesk_scope.ticket_nordkust_how_to_demo")
        # the notes and the tracking of the ticket; the assignment emails to
        # the staff went out at install time
        messages = ticket.message_ids.filtered(
            lambda m: m.message_type != "email_outgoing"
        )
        self.assertTrue(messages)
        self.assertEqual({m.date.date() for m in messages}, {ticket.create_date.date()})
        declined = self.env.ref("support_helpdesk_scope.ticket_solberga_labels_demo")
        answer = declined.message_ids.filtered(
            lambda m: m.author_id == declined.approval_partner_id
        )
        self.assertEqual(answer.date, declined.approval_date)
