from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..tools import periods


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
        # The reason the Swedish customer reads is Swedish, and true of an
        # invoice issued again unchanged.
        credit_note = credited.reversal_move_ids
        self.assertIn("Fel fakturaadress", credit_note.ref or "")
        self.assertNotIn("hours", credit_note.ref or "")

    def test_swedish_customers_read_swedish_ticket_titles_on_invoices(self):
        Line = self.env["account.move.line"]
        training = Line.search([("name", "ilike", "månadsbokslut")])
        self.assertTrue(training, "the training ticket is billed")
        self.assertFalse(Line.search([("name", "ilike", "Training on our")]))
        self.assertFalse(
            self.env["helpdesk.ticket"].search([("name", "ilike", "Training on")])
        )

    def test_history_invoices_fall_due_after_their_dates(self):
        company = self.env.ref("support_contract.company_demo")
        invoices = self.env["account.move"].search(
            [("company_id", "=", company.id), ("support_period_start", "!=", False)]
        )
        self.assertTrue(invoices)
        for invoice in invoices:
            self.assertGreater(invoice.invoice_date_due, invoice.invoice_date)

    def test_a_year_of_invoices_with_vat_the_due_ones_paid(self):
        agreement = self.env.ref("support_contract.agreement_nordkust_msa_demo")
        invoices = self.env["account.move"].search(
            [
                ("subscription_id", "=", agreement.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )
        self.assertGreaterEqual(len(invoices), 12)
        months = {
            (m.support_period_start.year, m.support_period_start.month)
            for m in invoices
        }
        self.assertGreaterEqual(len(months), 12)
        for invoice in invoices:
            self.assertTrue(invoice.amount_untaxed)
            self.assertAlmostEqual(
                invoice.amount_tax,
                invoice.amount_untaxed * 0.25,
                delta=1,
                msg="25 % VAT",
            )
            self.assertEqual(
                invoice.invoice_payment_term_id,
                self.env.ref("support_contract.payment_term_30_net_demo"),
            )
        today = fields.Date.context_today(agreement)
        company = agreement.company_id
        due = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date_due", "<", today),
                ("payment_state", "!=", "reversed"),
            ]
        )
        self.assertTrue(due)
        self.assertLessEqual(set(due.mapped("payment_state")), {"paid", "in_payment"})
        self.assertTrue(due.matched_payment_ids, "paid by registered payments")

    def test_upgrade_done_last_year_was_invoiced_with_its_fee(self):
        upgrade = self.env.ref("support_contract.upgrade_nordkust_done_demo")
        line = upgrade.fee_invoice_line_id
        self.assertEqual(line.move_id.state, "posted")
        self.assertEqual(line.price_subtotal, 12500)

    def test_declined_ticket_is_not_billed_the_approved_one_is(self):
        declined = self.env.ref("support_helpdesk_scope.ticket_solberga_labels_demo")
        approved = self.env.ref("support_helpdesk_scope.ticket_solberga_config_demo")
        self.assertEqual(declined.scope, "billable")
        self.assertEqual(declined.approval_state, "declined")
        self.assertFalse(
            self.env["account.move.line"].search([("name", "ilike", declined.number)])
        )
        self.assertEqual(approved.approval_state, "approved")
        self.assertTrue(approved.timesheet_ids.support_invoice_line_id)

    def test_history_bills_code_lines_counted_before_each_period(self):
        """Each history invoice's code lines come from counts dated on or
        before its period's start: never from a count made after it."""
        company = self.env.ref("support_contract.company_demo")
        agreements = self.env["sale.subscription"].search(
            [
                ("company_id", "=", company.id),
                ("support_code_line_product_id", "!=", False),
            ]
        )
        self.assertTrue(agreements)
        checked = 0
        for agreement in agreements:
            counts = self.env["support.cloc.snapshot"].search(
                [
                    ("repository_id", "in", agreement.support_repository_ids.ids),
                    ("state", "=", "applied"),
                ]
            )
            self.assertLessEqual(
                min(counts.mapped("date")).date(),
                agreement.date_start,
                f"{agreement.code}: first count on or before its start",
            )
            lines = self.env["account.move.line"].search(
                [
                    ("move_id.subscription_id", "=", agreement.id),
                    ("move_id.move_type", "=", "out_invoice"),
                    ("move_id.state", "=", "posted"),
                    ("product_id", "=", agreement.support_code_line_product_id.id),
                ]
            )
            for line in lines:
                start = line.move_id.support_period_start
                counts = agreement._support_counts_in_force(start)
                self.assertTrue(counts, line.move_id.name)
                for snapshot in counts.values():
                    self.assertLessEqual(snapshot.date.date(), start, line.move_id.name)
                self.assertEqual(
                    line.quantity,
                    agreement._support_code_line_quantity_on(start),
                    line.move_id.name,
                )
                self.assertGreater(line.quantity, 0, line.move_id.name)
                checked += 1
        self.assertTrue(checked)

    def test_the_history_is_true_to_the_terms(self):
        """Walk every demo agreement from its start to today: each period
        billed exactly once, priced by the count in force when it began, no
        fee before its event, no date in the future, numbers in date order,
        every invoice sent as the monthly run sends it."""
        company = self.env.ref("support_contract.company_demo")
        today = fields.Date.context_today(self.env.user)
        Move = self.env["account.move"]
        agreements = self.env["sale.subscription"].search(
            [("company_id", "=", company.id), ("support_kind", "!=", False)]
        )
        self.assertEqual(len(agreements), 4)
        for agreement in agreements:
            expected = [
                start
                for start, _end in periods.due_periods(
                    agreement.date_start, agreement.date_start, today, None
                )
            ]
            invoices = Move.search(
                [
                    ("subscription_id", "=", agreement.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("support_reversed", "=", False),
                ]
            )
            billed = sorted(invoices.mapped("support_period_start"))
            self.assertEqual(
                billed, expected, f"{agreement.code}: every period once since its start"
            )
            code_product = agreement.support_code_line_product_id
            for invoice in invoices:
                start = invoice.support_period_start
                self.assertEqual(invoice.invoice_date, start)
                for line in invoice.invoice_line_ids:
                    if line.support_kind == "recurring" and (
                        line.product_id == code_product
                    ):
                        quantity = agreement._support_code_line_quantity_on(start)
                        self.assertEqual(line.quantity, quantity, invoice.name)
                        self.assertEqual(
                            line.price_unit,
                            agreement._support_code_line_price(quantity, start),
                        )
                    elif line.support_kind in ("time", "usage"):
                        self.assertLess(line.support_period_end, start, "in arrears")
            upgrades = agreement.support_upgrade_ids
            for upgrade in upgrades.filtered("fee_invoice_line_id"):
                invoice = upgrade.fee_invoice_line_id.move_id
                self.assertLessEqual(upgrade.commencement_date, invoice.invoice_date)
                earlier = invoices.filtered(
                    lambda m, u=upgrade, i=invoice: (
                        u.commencement_date <= m.invoice_date < i.invoice_date
                    )
                )
                self.assertFalse(earlier, "on the first invoice after commencement")
        history = Move.search(
            [("company_id", "=", company.id), ("move_type", "=", "out_invoice")]
        )
        self.assertTrue(
            history.filtered(lambda m: not m.subscription_id),
            "hours without an agreement are invoiced too",
        )
        self.assertEqual(set(history.mapped("state")), {"posted"})
        # Sent as the monthly run sends them: put in Odoo's sending queue, for
        # the running server's sending job to render and send (nothing is
        # rendered while the demo installs: no seller, no style). The portal
        # makes a queued invoice's PDF when the customer opens it first, so
        # none reads pro forma (test_customer_documents.py).
        unsent = history.filtered(lambda m: not m.is_move_sent)
        self.assertTrue(all(unsent.mapped("is_being_sent")), "sent or queued")
        self.assertFalse(
            history.filtered("is_being_sent").invoice_pdf_report_id,
            "no invoice PDF rendered at install",
        )
        self.assertTrue(all(history.mapped("access_token")), "portal links made")
        self.assertLessEqual(max(history.mapped("invoice_date")), today)
        by_number = history.sorted("sequence_number")
        dates = by_number.mapped("invoice_date")
        for year in {d.year for d in dates}:
            of_year = [d for d in dates if d.year == year]
            self.assertEqual(of_year, sorted(of_year), "numbers follow the dates")
        usage = self.env["support.usage"].search([("company_id", "=", company.id)])
        self.assertLessEqual(max(usage.mapped("date")), today)
        timesheets = self.env["account.analytic.line"].search(
            [("helpdesk_ticket_id.company_id", "=", company.id)]
        )
        self.assertLessEqual(max(timesheets.mapped("date")), today)
        payments = self.env["account.payment"].search([("company_id", "=", company.id)])
        self.assertTrue(payments)
        self.assertGreater(len(set(payments.mapped("date"))), 1, "not all today")
        for payment in payments:
            self.assertLessEqual(payment.date, today)
            for invoice in payment.reconciled_invoice_ids:
                self.assertGreaterEqual(payment.date, invoice.invoice_date)
