from datetime import date

from odoo import api

from odoo.addons.support_helpdesk_scope.tests.common import SupportHelpdeskCommon


class SupportBillingCommon(SupportHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        income = cls.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", cls.company.ids)],
            limit=1,
        )
        cls.vat25 = cls.env["account.tax"].create(
            {
                "name": "Moms 25 % (test)",
                "amount": 25,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.ocr = cls.env["product.product"].create(
            {
                "name": "OCR (test)",
                "type": "service",
                "support_usage_service": True,
                "support_usage_code": "OCR",
            }
        )
        cls.usage_provider = cls.env["support.usage.provider"].create(
            {"name": "InExchange (test)"}
        )
        for product in (
            cls.monthly_product,
            cls.hour_product,
            cls.fee_product,
            cls.ocr,
        ):
            product.property_account_income_id = income
            product.taxes_id = cls.vat25
        cls.customer.write(
            {
                "street": "Storgatan 1",
                "city": "Umeå",
                "zip": "903 25",
                "vat": "SE556000111101",
            }
        )
        cls.agreement.write(
            {"recurring_next_date": date(2026, 10, 1), "user_id": cls.env.user.id}
        )
        cls.agreement.sale_subscription_line_ids.tax_ids = cls.vat25

    def october_upgrade_and_usage(self, agreement=None):
        """The agreement's upgrade from 18.0 to 19.0 commenced on 10 October
        2026 (its one-time fee due) and the customer's OCR usage of October:
        100 transactions on the 2nd and 100 on the 9th, at 0.85."""
        agreement = agreement or self.agreement
        upgrade = self.env["support.upgrade"].create(
            {
                "agreement_id": agreement.id,
                "from_version": "18.0",
                "to_version": "19.0",
                "commencement_date": date(2026, 10, 10),
            }
        )
        upgrade.action_start()
        usage = self.env["support.usage"].create(
            [
                {
                    "partner_id": agreement.partner_id.id,
                    "product_id": self.ocr.id,
                    "date": date(2026, 10, day),
                    "quantity": 100,
                    "price_unit": 0.85,
                    "provider_id": self.usage_provider.id,
                    "provider_reference": f"R{day}",
                }
                for day in (2, 9)
            ]
        )
        return upgrade, usage

    def run_invoicing(self, today):
        """The batch as the cron runs it: in its own cursor, committing."""
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = api.Environment(cr, self.env.uid, {})
            created = env["sale.subscription"]._support_invoice_due_agreements(today)
        self.env.invalidate_all()
        return created

    def invoices(self, agreement=None):
        return self.env["account.move"].search(
            [("subscription_id", "=", (agreement or self.agreement).id)],
            order="support_period_start",
        )
