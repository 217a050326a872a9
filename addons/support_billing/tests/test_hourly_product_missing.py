from datetime import date

from odoo.tests import tagged

from .common import SupportBillingCommon


@tagged("post_install", "-at_install")
class TestHourlyProductMissing(SupportBillingCommon):
    def test_time_is_never_billed_at_zero_without_an_hourly_product(self):
        ticket = self.new_ticket("import_export", ticket_date=date(2026, 10, 3))
        self.log_time(ticket, 2).date = date(2026, 10, 5)
        self.company.support_hourly_product_id = False
        self.env.flush_all()
        # Time is billed in arrears: October's hours on November's invoice.
        self.run_invoicing(date(2026, 11, 15))
        self.assertFalse(
            self.invoices().invoice_line_ids.filtered(
                lambda line: line.support_kind == "time"
            ),
            "no hour billed at 0 kr",
        )
        self.assertIn("no hourly product", self.agreement.activity_ids.note)
        self.assertIn("Settings", self.agreement.activity_ids.note)
