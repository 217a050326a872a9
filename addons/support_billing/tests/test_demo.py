from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    """What `make run` shows of tickets and invoices: it fails without them."""

    def setUp(self):
        super().setUp()
        module = self.env["ir.module.module"].search([("name", "=", "support_billing")])
        if not module.demo:
            self.skipTest("the database has no demo data")

    def test_tickets_of_every_category_with_time_and_an_approval_waiting(self):
        company = self.env.ref("support_contract.company_demo")
        tickets = self.env["helpdesk.ticket"].search([("company_id", "=", company.id)])
        categories = self.env["helpdesk.ticket.category"].search(
            [("company_id", "=", False)]
        )
        self.assertEqual(tickets.category_id, categories)
        self.assertEqual(
            set(tickets.mapped("scope")), {"included", "billable", "to_review"}
        )
        self.assertTrue(tickets.timesheet_ids)
        self.assertIn("pending", tickets.mapped("approval_state"))

    def test_months_of_invoice_history(self):
        agreement = self.env.ref("support_contract.agreement_nordkust_msa_demo")
        invoices = self.env["account.move"].search(
            [("subscription_id", "=", agreement.id)]
        )
        self.assertGreaterEqual(len(invoices), 3)
        self.assertIn("posted", invoices.mapped("state"))
        usage = self.env.ref("support_billing.usage_solberga_ocr_1_demo")
        self.assertTrue(usage.invoice_line_id, "the demo usage is billed")

    def test_a_credited_invoice_whose_period_is_invoiced_again(self):
        company = self.env.ref("support_contract.company_demo")
        credited = self.env["account.move"].search(
            [("company_id", "=", company.id), ("support_reversed", "=", True)]
        )
        self.assertEqual(len(credited), 1)
        self.assertEqual(credited.payment_state, "reversed")
        self.assertEqual(credited.reversal_move_ids.state, "posted")
        again = self.env["account.move"].search(
            [
                ("subscription_id", "=", credited.subscription_id.id),
                ("support_period_start", "=", credited.support_period_start),
                ("support_reversed", "=", False),
            ]
        )
        self.assertEqual(again.state, "posted")
        self.assertTrue(
            credited.currency_id.is_zero(again.amount_total - credited.amount_total)
        )

    def test_history_invoices_fall_due_after_their_dates(self):
        company = self.env.ref("support_contract.company_demo")
        invoices = self.env["account.move"].search(
            [("company_id", "=", company.id), ("support_period_start", "!=", False)]
        )
        self.assertTrue(invoices)
        for invoice in invoices:
            self.assertGreater(invoice.invoice_date_due, invoice.invoice_date)
