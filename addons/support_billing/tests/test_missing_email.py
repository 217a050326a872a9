"""A customer company without an email address: its invoices go to its
contact with one, and an invoice nobody could be emailed is flagged to the
accountant instead of passing as sent."""

from datetime import date

from freezegun import freeze_time

from odoo import api
from odoo.tests import tagged

from .common import SupportBillingCommon


@tagged("post_install", "-at_install")
class TestCustomerWithoutEmail(SupportBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_msa.invoicing_mode = "invoice_send"
        cls.testvik = cls.env["res.partner"].create(
            {
                "name": "Testvik Verkstad AB",
                "is_company": True,
                "street": "Verkstadsvägen 3",
                "zip": "931 30",
                "city": "Skellefteå",
            }
        )

    def invoice_as_accountant(self, agreement):
        with freeze_time("2026-10-15"):
            action = agreement.with_user(self.accountant).manual_invoice()
            invoice = self.env["account.move"].browse(action["res_id"])
            if invoice.state == "draft":
                invoice.with_user(self.accountant).action_post()
        return invoice

    def send_queue(self, invoice):
        if not invoice.sending_data:
            invoice.with_user(self.accountant)._support_queue_sending()
        self.env["account.move"].search(
            [("sending_data", "!=", False), ("id", "!=", invoice.id)]
        ).sending_data = False
        self.env.flush_all()
        with (
            self.enter_registry_test_mode(),
            self.allow_pdf_render(),
            self.registry.cursor() as cr,
        ):
            env = api.Environment(cr, self.env.uid, {"force_report_rendering": True})
            env["account.move"]._cron_account_move_send()
        self.env.invalidate_all()

    def test_order_and_agreement_invoice_the_contact_with_an_email(self):
        anna = self.env["res.partner"].create(
            {
                "name": "Anna Testvik",
                "parent_id": self.testvik.id,
                "email": "anna@testvik.example",
            }
        )
        order = self.env["sale.order"].create({"partner_id": self.testvik.id})
        self.assertEqual(order.partner_invoice_id, anna)
        agreement = self.start_agreement(
            self.template_msa, self.testvik, date(2026, 1, 1)
        )
        agreement.recurring_next_date = date(2026, 10, 1)
        self.assertEqual(agreement.partner_invoice_id, anna)
        invoice = self.invoice_as_accountant(agreement)
        self.assertEqual(invoice.partner_id, anna)
        self.assertEqual(invoice.commercial_partner_id, self.testvik)

    def test_an_invoice_nobody_can_be_emailed_is_flagged_to_the_accountant(self):
        agreement = self.start_agreement(
            self.template_msa, self.testvik, date(2026, 1, 1)
        )
        agreement.write({"recurring_next_date": date(2026, 10, 1)})
        invoice = self.invoice_as_accountant(agreement)
        self.send_queue(invoice)
        self.assertFalse(invoice.is_being_sent)
        emails = invoice.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertFalse(emails.partner_ids, "nobody to email")
        for record in (invoice, agreement):
            notes = record.message_ids.filtered(
                lambda m: "has no email address" in (m.body or "")
            )
            self.assertEqual(len(notes), 1, record.display_name)
            self.assertIn("Testvik Verkstad AB", notes.body)
        activity = invoice.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.accountant)
        self.assertEqual(activity.summary, "Customer has no email address")
