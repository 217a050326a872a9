"""The month's invoice email carries the maintenance report of the month's
patch round, through Odoo's sending (account.move.send), in the customer's
language; a report goes out with one invoice only."""

from datetime import date

from odoo.tests import tagged

from odoo.addons.support_contract.tests.pdf_tools import pdf_text

from .common import SupportBillingCommon

NOV = date(2026, 11, 1)


@tagged("post_install", "-at_install")
class TestPatchRoundReportOnTheInvoice(SupportBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("sv_SE")
        cls.other_customer.write(
            {
                "street": "Hamngatan 2",
                "city": "Luleå",
                "zip": "972 31",
                "lang": "sv_SE",
                "email": "it@kund-tva.example",
            }
        )
        ops_product = cls.env["product.product"].create(
            {
                "name": "Operations fee (test)",
                "type": "service",
                "list_price": 2900,
                "property_account_income_id": (
                    cls.monthly_product.property_account_income_id.id
                ),
                "taxes_id": [(6, 0, cls.vat25.ids)],
            }
        )
        cls.ops = cls.start_agreement(
            cls.template_ops, cls.other_customer, date(2026, 10, 1), product=ops_product
        )
        cls.ops.write({"recurring_next_date": date(2026, 10, 1)})
        cls.ops.sale_subscription_line_ids.tax_ids = cls.vat25
        cls.instance = cls.env["support.instance"].create(
            {
                "name": "Kund Två produktion",
                "partner_id": cls.other_customer.id,
                "agreement_id": cls.ops.id,
                "environment": "production",
                "odoo_version": "18.0",
            }
        )

    def closed_round(self, period, release):
        """A round as *Close round* leaves it (prepared by the superuser:
        closing reads the instance over the network)."""
        return self.env["support.patch.round"].create(
            {
                "instance_id": self.instance.id,
                "agreement_id": self.ops.id,
                "period": period,
                "planned_date": period.replace(day=1),
                "state": "done",
                "date_done": period.replace(day=3),
                "user_id": self.support_user.id,
                "version_before": "18.0-20261001",
                "version_after": release,
                "odoo_release": release,
                "security_fixes": "ODOO-SA-2026-11-01",
                "downtime_minutes": 12,
                "customer_note": "Allt gick bra.",
            }
        )

    def send(self, invoice):
        """The accountant sends the invoice by email with Odoo's wizard."""
        with self.allow_pdf_render():
            wizard = (
                self.env["account.move.send.wizard"]
                .with_user(self.accountant)
                .with_context(
                    active_model="account.move",
                    active_ids=invoice.ids,
                    force_report_rendering=True,
                )
                .create({})
            )
            wizard.action_send_and_print()
        self.env.invalidate_all()
        return invoice.message_ids.filtered(lambda m: m.message_type == "comment")[:1]

    def test_the_months_invoice_carries_the_maintenance_report_in_swedish(self):
        october_round = self.closed_round(date(2026, 10, 1), "18.0-20261020")
        november_round = self.closed_round(NOV, "18.0-20261115")
        self.run_invoicing(date(2026, 11, 15))
        october, november = self.invoices(self.ops)
        (october | november).with_user(self.accountant).action_post()

        sent = self.send(november)
        self.assertIn(self.other_customer, sent.partner_ids)
        names = sent.attachment_ids.mapped("name")
        # October's invoice was not sent: November's carries both months.
        for round_, month in ((october_round, "2026-10"), (november_round, "2026-11")):
            name = f"Underhållsrapport Kund Två produktion {month}.pdf"
            self.assertIn(name, names)
            report = sent.attachment_ids.filtered(lambda a, n=name: a.name == n)
            self.assertTrue(report.raw.startswith(b"%PDF"))
            self.assertEqual(round_.support_invoice_id, november)
        text = pdf_text(sent.attachment_ids.filtered(lambda a: "2026-11" in a.name).raw)
        self.assertIn("Månatlig underhållsrapport", text)
        self.assertIn("november 2026", text)
        self.assertIn("18.0-20261115", text)
        self.assertNotIn("Monthly maintenance report", text)
        # The invoice and the statement are still there.
        self.assertEqual(len(sent.attachment_ids), 4, names)

        # Sent with November's invoice, the reports are not sent again.
        sent_again = self.send(october)
        self.assertFalse(
            [n for n in sent_again.attachment_ids.mapped("name") if "Underhåll" in n]
        )

    def test_an_invoice_without_a_closed_round_carries_no_report(self):
        planned = self.closed_round(NOV, "18.0-20261115")
        planned.state = "planned"
        self.run_invoicing(date(2026, 11, 15))
        november = self.invoices(self.ops)[-1]
        november.with_user(self.accountant).action_post()
        sent = self.send(november)
        self.assertTrue(sent)
        self.assertFalse(
            [n for n in sent.attachment_ids.mapped("name") if "Underhåll" in n]
        )
        self.assertFalse(planned.support_invoice_id)
