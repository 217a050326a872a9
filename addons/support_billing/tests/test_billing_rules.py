"""Money right in every path, proven as the accountant who invoices.

The accountant has Odoo's Invoicing rights only: they press Create Invoice,
post, and credit invoices with Odoo's reversal wizard. Amounts are checked
to the öre, VAT (25 %) included.
"""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SupportBillingCommon


@tagged("post_install", "-at_install")
class TestBillingRules(SupportBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env, "acc", groups="account.group_account_invoice"
        )
        # The monthly fee is 4,900 kr; an hour costs 1,000 kr less the
        # agreement's 15 %: 850 kr.

    # ------------------------------------------------------------------
    # As the accountant does it
    # ------------------------------------------------------------------

    def create_invoice(self, on, agreement=None):
        """Create Invoice pressed by the accountant on ``on``."""
        agreement = agreement or self.agreement
        with freeze_time(on):
            action = agreement.with_user(self.accountant).manual_invoice()
        self.env.invalidate_all()
        if action.get("res_id"):
            return self.env["account.move"].browse(action["res_id"])
        return self.env["account.move"].search(action["domain"])

    def post(self, invoices):
        invoices.with_user(self.accountant).action_post()

    def credit(self, invoice, post=True, change=None):
        """Odoo's Credit Note wizard on ``invoice``; the credit note posted."""
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "Wrong hours", "journal_id": invoice.journal_id.id})
        )
        wizard.refund_moves()
        credit_note = wizard.new_move_ids
        if change:
            change(credit_note.with_user(self.accountant))
        if post:
            credit_note.with_user(self.accountant).action_post()
        self.env.invalidate_all()
        return credit_note

    def time_line(self, invoice):
        return invoice.invoice_line_ids.filtered(lambda li: li.support_kind == "time")

    def assertAmounts(self, invoice, untaxed, total):
        self.assertEqual(
            invoice.currency_id.compare_amounts(invoice.amount_untaxed, untaxed),
            0,
            invoice.amount_untaxed,
        )
        self.assertEqual(
            invoice.currency_id.compare_amounts(invoice.amount_total, total),
            0,
            invoice.amount_total,
        )

    def billable_ticket_with_time(self, hours, day, approval=None):
        """``hours`` logged on ``day`` on a ticket then reclassified billable,
        the customer asked to approve those hours by name: answered when
        ``approval`` is given; approved at once when the agreement does not
        ask approval for the work itself."""
        ticket = self.new_ticket("how_to", ticket_date=date(2026, 10, 1))
        self.log_time(ticket, hours).date = day
        ticket._support_reclassify(
            "billable", "Not covered: new development", ask_logged_hours=True
        )
        if approval:
            ticket._support_answer_approval(
                approval == "approved", self.contact, logged=True
            )
        elif ticket.approval_state != "pending":
            ticket._support_answer_approval(True, self.contact, logged=True)
        return ticket

    # ------------------------------------------------------------------
    # Case 1: approval
    # ------------------------------------------------------------------

    def test_declined_hours_are_never_invoiced_pending_ones_once_approved(self):
        self.agreement.support_billable_approval = True
        declined = self.billable_ticket_with_time(2, date(2026, 10, 5), "declined")
        pending = self.billable_ticket_with_time(3, date(2026, 10, 6))
        self.assertEqual(declined.approval_state, "declined")
        self.assertEqual(pending.approval_state, "pending")
        october, november = self.create_invoice("2026-11-15").sorted(
            "support_period_start"
        )
        self.assertFalse(self.time_line(october) | self.time_line(november))
        self.assertAmounts(november, 4900, 6125)
        self.post(october | november)
        pending._support_answer_approval(True, self.contact, logged=True)
        december = self.create_invoice("2026-12-01")
        line = self.time_line(december)
        self.assertIn(pending.number, line.name)
        self.assertEqual(line.quantity, 3)
        # 4,900 + 3 h x 850 = 7,450 kr; with 25 % VAT 9,312.50 kr.
        self.assertAmounts(december, 7450, 9312.50)
        self.post(december)
        self.assertFalse(declined.timesheet_ids.support_invoice_line_id)
        self.assertEqual(pending.timesheet_ids.support_invoice_line_id, line)

    # ------------------------------------------------------------------
    # Case 4: credit notes
    # ------------------------------------------------------------------

    def test_full_credit_note_frees_the_period_and_its_time(self):
        ticket = self.billable_ticket_with_time(2, date(2026, 10, 5))
        usage = self.env["support.usage"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.ocr.id,
                "date": date(2026, 10, 9),
                "quantity": 120,
                "price_unit": 0.85,
                "provider_id": self.usage_provider.id,
                "provider_reference": "R-credit",
            }
        )
        october, november = self.create_invoice("2026-11-15").sorted(
            "support_period_start"
        )
        # November: 4,900 + 2 h x 850 + 120 x 0.85 = 6,702 kr; 8,377.50 kr.
        self.assertAmounts(november, 6702, 8377.50)
        self.post(october | november)
        credit_note = self.credit(november)
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(november.payment_state, "reversed")
        again = self.create_invoice("2026-11-20")
        self.assertEqual(again.support_period_start, date(2026, 11, 1))
        self.assertNotEqual(again, november)
        self.assertAmounts(again, 6702, 8377.50)
        self.assertEqual(ticket.timesheet_ids.support_invoice_line_id.move_id, again)
        self.assertEqual(usage.invoice_line_id.move_id, again)
        self.post(again)
        self.assertEqual(self.agreement.recurring_next_date, date(2026, 12, 1))
        # The scheduled run finds nothing more to bill in November.
        self.run_invoicing(date(2026, 11, 25))
        self.assertEqual(
            len(self.invoices().filtered(lambda m: m.move_type == "out_invoice")), 3
        )

    def test_reverse_and_create_invoice_moves_the_period_and_its_time(self):
        ticket = self.billable_ticket_with_time(2, date(2026, 10, 5))
        invoices = self.create_invoice("2026-11-15")
        self.post(invoices)
        november = invoices.filtered(lambda m: m.support_period_start.month == 11)
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=november.ids)
            .create({"reason": "Wrong address", "journal_id": november.journal_id.id})
        )
        wizard.modify_moves()
        self.env.invalidate_all()
        self.assertEqual(november.payment_state, "reversed")
        new = wizard.new_move_ids
        self.assertEqual(new.support_period_start, date(2026, 11, 1))
        self.assertEqual(ticket.timesheet_ids.support_invoice_line_id.move_id, new)
        self.assertAmounts(new, 6600, 8250)
        self.post(new)
        # Nothing is left for the period, nor billed twice by the next one.
        with self.assertRaisesRegex(UserError, "nothing to invoice yet"):
            self.create_invoice("2026-11-20")
        december = self.create_invoice("2026-12-01")
        self.assertFalse(self.time_line(december))
        self.assertAmounts(december, 4900, 6125)

    def test_partial_credit_note_frees_nothing(self):
        ticket = self.billable_ticket_with_time(2, date(2026, 10, 5))
        invoices = self.create_invoice("2026-11-15")
        self.post(invoices)
        november = invoices.filtered(lambda m: m.support_period_start.month == 11)

        def halve_the_hours(credit_note):
            line = credit_note.invoice_line_ids.filtered(
                lambda li: (
                    li.support_kind == "time" or li.product_id == self.hour_product
                )
            )
            credit_note.write(
                {"invoice_line_ids": [Command.update(line.id, {"quantity": 1})]}
            )

        self.credit(november, change=halve_the_hours)
        self.assertEqual(november.payment_state, "partial")
        with self.assertRaisesRegex(UserError, "nothing to invoice yet"):
            self.create_invoice("2026-11-20")
        self.assertEqual(ticket.timesheet_ids.support_invoice_line_id.move_id, november)

    # ------------------------------------------------------------------
    # Case 5: due dates
    # ------------------------------------------------------------------

    def test_due_dates_follow_the_payment_terms_from_the_invoice_date(self):
        october, november = self.create_invoice("2026-11-29").sorted(
            "support_period_start"
        )
        # No payment terms: due on the invoice date, not on the day of the run.
        self.assertEqual(october.invoice_date_due, date(2026, 10, 1))
        self.assertEqual(november.invoice_date_due, date(2026, 11, 1))
        self.customer.property_payment_term_id = self.env.ref(
            "account.account_payment_term_30days"
        )
        other = self.second_customer_agreement_on_terms()
        invoice = self.create_invoice("2026-11-29", other)
        self.assertEqual(invoice.invoice_date, date(2026, 11, 1))
        self.assertEqual(invoice.invoice_date_due, date(2026, 12, 1))
        self.post(october | november | invoice)
        self.assertEqual(november.invoice_date_due, date(2026, 11, 1))

    def second_customer_agreement_on_terms(self):
        self.other_customer.write(
            {
                "street": "Kungsgatan 2",
                "city": "Luleå",
                "property_payment_term_id": self.env.ref(
                    "account.account_payment_term_30days"
                ).id,
            }
        )
        other = self.start_agreement(
            self.template_ops, self.other_customer, date(2026, 1, 1)
        )
        other.recurring_next_date = date(2026, 11, 1)
        return other

    # ------------------------------------------------------------------
    # Case 9 and the timing rule
    # ------------------------------------------------------------------

    def test_create_invoice_refuses_a_period_that_has_not_started(self):
        self.agreement.recurring_next_date = date(2026, 12, 1)
        with self.assertRaisesRegex(UserError, "next period starts on 12/01/2026"):
            self.create_invoice("2026-11-28")
        self.assertFalse(self.invoices())
        self.assertEqual(self.agreement.recurring_next_date, date(2026, 12, 1))

    def test_create_invoice_over_an_invoiced_period_says_so(self):
        self.create_invoice("2026-10-15")
        self.agreement.recurring_next_date = date(2026, 10, 1)
        with self.assertRaisesRegex(
            UserError, "cannot invoice 10/01/2026 to 10/31/2026 again: the invoice"
        ):
            self.create_invoice("2026-10-15")
        self.assertEqual(len(self.invoices()), 1)

    def test_time_is_billed_in_arrears_labelled_with_its_own_period(self):
        self.agreement.recurring_next_date = date(2026, 11, 1)
        ticket = self.billable_ticket_with_time(1.5, date(2026, 11, 28))
        november = self.create_invoice("2026-11-28")
        self.assertFalse(self.time_line(november), "not before the period ends")
        self.assertTrue(
            all(
                "11/01/2026 to 11/30/2026" in n
                for n in november.invoice_line_ids.mapped("name")
            )
        )
        december = self.create_invoice("2026-12-01")
        line = self.time_line(december)
        self.assertIn(ticket.number, line.name)
        self.assertIn("11/01/2026 to 11/30/2026", line.name)
        self.assertNotIn("12/01/2026", line.name)
        self.assertEqual(
            (line.support_period_start, line.support_period_end),
            (date(2026, 11, 1), date(2026, 11, 30)),
        )
        recurring = december.invoice_line_ids.filtered(
            lambda li: li.support_kind == "recurring"
        )
        self.assertIn("12/01/2026 to 12/31/2026", recurring.name)
        # 4,900 + 1.5 h x 850 = 6,175 kr; with VAT 7,718.75 kr.
        self.assertAmounts(december, 6175, 7718.75)

    # ------------------------------------------------------------------
    # Case 10: periods keep their day
    # ------------------------------------------------------------------

    def test_periods_of_an_agreement_started_on_the_31st_keep_their_day(self):
        agreement = self.start_agreement(
            self.template_msa, self.customer, date(2026, 1, 31)
        )
        agreement.recurring_next_date = date(2026, 1, 31)
        invoices = self.create_invoice("2026-04-05", agreement).sorted(
            "support_period_start"
        )
        self.assertEqual(
            [(m.support_period_start, m.support_period_end) for m in invoices],
            [
                (date(2026, 1, 31), date(2026, 2, 27)),
                (date(2026, 2, 28), date(2026, 3, 30)),
                (date(2026, 3, 31), date(2026, 4, 29)),
            ],
        )
        self.assertEqual(agreement.recurring_next_date, date(2026, 4, 30))

    # ------------------------------------------------------------------
    # Case 11: one price rule, at the period's date
    # ------------------------------------------------------------------

    def test_hours_are_priced_by_the_pricelist_of_their_period(self):
        self.env["product.pricelist.item"].create(
            {
                "pricelist_id": self.pricelist.id,
                "applied_on": "0_product_variant",
                "product_id": self.hour_product.id,
                "compute_price": "fixed",
                "fixed_price": 1200,
                "date_start": "2026-11-01 00:00:00",
            }
        )
        self.agreement.recurring_next_date = date(2026, 11, 1)
        self.billable_ticket_with_time(1, date(2026, 10, 20))
        self.billable_ticket_with_time(2, date(2026, 11, 5))
        self.create_invoice("2026-11-02")  # November: October's hour
        december = self.create_invoice("2026-12-01")
        november = self.invoices().filtered(
            lambda m: m.support_period_start == date(2026, 11, 1)
        )
        self.assertEqual(self.time_line(november).price_unit, 1000)
        line = self.time_line(december)
        self.assertEqual((line.price_unit, line.discount), (1200, 15))
        # 4,900 + 2 h x 1,200 less 15 % (2,040) = 6,940 kr; 8,675 kr.
        self.assertAmounts(december, 6940, 8675)
        self.post(december)
        self.assertEqual(self.time_line(december).discount, 15)
        self.assertAmounts(december, 6940, 8675)

    # ------------------------------------------------------------------
    # Case 12: what the customer reads
    # ------------------------------------------------------------------

    def usage_in_october(self, quantities):
        return self.env["support.usage"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "product_id": product.id,
                    "date": date(2026, 10, 9),
                    "quantity": quantity,
                    "price_unit": 0.85,
                    "provider_id": self.usage_provider.id,
                    "provider_reference": f"R-{product.id}-{quantity}",
                }
                for product, quantity in quantities
            ]
        )

    def test_usage_labels_count_transactions_with_plurals(self):
        sms = self.env["product.product"].create(
            {
                "name": "SMS (test)",
                "type": "service",
                "support_usage_service": True,
                "support_usage_code": "SMS",
                "property_account_income_id": self.ocr.property_account_income_id.id,
                "taxes_id": self.vat25.ids,
            }
        )
        self.usage_in_october([(self.ocr, 100), (self.ocr, 20), (sms, 1)])
        self.agreement.recurring_next_date = date(2026, 11, 1)
        november = self.create_invoice("2026-11-02")
        names = november.invoice_line_ids.filtered(
            lambda li: li.support_kind == "usage"
        ).mapped("name")
        self.assertIn("OCR (test): 120 transactions (10/01/2026 to 10/31/2026)", names)
        self.assertIn("SMS (test): 1 transaction (10/01/2026 to 10/31/2026)", names)

    def test_invoice_labels_are_in_the_customers_language(self):
        if not self.env["res.lang"]._lang_get("sv_SE"):
            self.env["res.lang"]._activate_lang("sv_SE")
            self.env["ir.module.module"].search(
                [("name", "=", "support_billing")]
            )._load_module_terms(["support_billing"], ["sv_SE"], overwrite=True)
        # The customer and its people (the invoice goes to its contact).
        (self.customer | self.customer.child_ids).lang = "sv_SE"
        self.usage_in_october([(self.ocr, 120)])
        self.billable_ticket_with_time(1, date(2026, 10, 20))
        self.agreement.recurring_next_date = date(2026, 11, 1)
        november = self.create_invoice("2026-11-02")
        usage = november.invoice_line_ids.filtered(
            lambda li: li.support_kind == "usage"
        )
        self.assertIn("120 transaktioner", usage.name)
        self.assertIn("Ärende", self.time_line(november).name)

    def test_agreement_chatter_names_the_posted_invoice(self):
        self.agreement.recurring_next_date = date(2026, 11, 1)
        november = self.create_invoice("2026-11-02")
        self.assertEqual(november.state, "draft")
        self.post(november)
        notes = " ".join(
            str(m.body) for m in self.agreement.message_ids if "Invoiced" in str(m.body)
        )
        self.assertIn(november.name, notes)
        self.assertNotIn("Draft Invoice", notes)

    def test_statement_explains_every_line(self):
        self.agreement.recurring_next_date = date(2026, 11, 1)
        ticket = self.billable_ticket_with_time(2, date(2026, 10, 20))
        upgrade = self.env["support.upgrade"].create(
            {
                "agreement_id": self.agreement.id,
                "to_version": "19.0",
                "from_version": "18.0",
                # On the invoice's date: its fee is on that invoice (never
                # on one dated before the commencement).
                "commencement_date": date(2026, 11, 1),
            }
        )
        upgrade.action_start()
        self.usage_in_october([(self.ocr, 120)])
        november = self.create_invoice("2026-11-02")
        html = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html(
                "support_billing.report_support_statement", november.ids
            )[0]
            .decode()
        )
        for shown in (
            ticket.number,
            "Hourly rate",
            "15 %",
            "Upgrade fees",
            "Upgrade fee: ",
            "120 transactions",
            "Unit price",
        ):
            self.assertIn(shown, html)
