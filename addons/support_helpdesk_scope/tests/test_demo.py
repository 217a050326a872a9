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
