from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common import SupportContractCommon


@tagged("post_install", "-at_install")
class TestHourlyDiscount(SupportContractCommon):
    def order_line(self, partner, product=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": (product or self.hour_product).id})
                ],
            }
        )
        return order.order_line

    def invoice_line(self, partner, product=None, invoice_date=None):
        form = Form(
            self.env["account.move"].with_context(default_move_type="out_invoice")
        )
        form.partner_id = partner
        if invoice_date:
            form.invoice_date = invoice_date
        with form.invoice_line_ids.new() as line:
            line.product_id = product or self.hour_product
        return form.save().invoice_line_ids

    def test_customer_without_agreement_gets_no_discount(self):
        self.assertEqual(self.order_line(self.customer).discount, 0)
        self.assertEqual(self.invoice_line(self.customer).discount, 0)

    def test_running_agreement_discounts_hourly_lines_for_all_contacts(self):
        with freeze_time("2026-06-01"):
            self.start_agreement(self.template_ops, self.customer, date(2026, 1, 1))
            self.assertEqual(self.order_line(self.customer).discount, 10)
            self.assertEqual(self.order_line(self.contact).discount, 10)
            self.assertEqual(self.invoice_line(self.contact).discount, 10)
            self.assertEqual(self.order_line(self.other_customer).discount, 0)

    def test_invoices_made_in_code_get_the_discount_too(self):
        self.start_agreement(self.template_ops, self.customer, date(2026, 1, 1))
        invoice = (
            self.env["account.move"]
            .with_context(default_move_type="out_invoice")
            .create(
                {
                    "partner_id": self.contact.id,
                    "invoice_date": date(2026, 6, 1),
                    "invoice_line_ids": [
                        Command.create({"product_id": self.hour_product.id}),
                        Command.create({"product_id": self.monthly_product.id}),
                    ],
                }
            )
        )
        self.assertEqual(invoice.invoice_line_ids.mapped("discount"), [10, 0])

    def test_other_products_keep_their_price(self):
        with freeze_time("2026-06-01"):
            self.start_agreement(self.template_ops, self.customer, date(2026, 1, 1))
            self.assertEqual(
                self.order_line(self.customer, self.monthly_product).discount, 0
            )
            self.assertEqual(
                self.invoice_line(self.customer, self.monthly_product).discount, 0
            )

    def test_highest_discount_of_two_running_agreements_applies(self):
        with freeze_time("2026-06-01"):
            self.start_agreement(self.template_ops, self.customer, date(2026, 1, 1))
            self.start_agreement(self.template_msa, self.customer, date(2026, 2, 1))
            self.assertEqual(self.order_line(self.contact).discount, 15)

    def test_discount_disappears_when_the_agreement_has_ended(self):
        with freeze_time("2025-06-01"):
            agreement = self.start_agreement(
                self.template_ops, self.customer, date(2024, 1, 1)
            )
            self.assertEqual(self.order_line(self.customer).discount, 10)
            agreement.close_subscription()
        with freeze_time("2025-06-02"):
            self.assertEqual(self.order_line(self.customer).discount, 0)
            self.assertEqual(self.invoice_line(self.customer).discount, 0)
            # An invoice dated while the agreement ran keeps the discount.
            self.assertEqual(
                self.invoice_line(
                    self.customer, invoice_date=date(2025, 5, 31)
                ).discount,
                10,
            )

    def test_not_yet_started_agreement_gives_no_discount(self):
        with freeze_time("2026-06-01"):
            self.start_agreement(self.template_ops, self.customer, date(2026, 7, 1))
            self.assertEqual(self.order_line(self.customer).discount, 0)

    def test_changing_the_customer_updates_the_discount(self):
        with freeze_time("2026-06-01"):
            self.start_agreement(self.template_ops, self.customer, date(2026, 1, 1))
            line = self.order_line(self.customer)
            self.assertEqual(line.discount, 10)
            # The order form shows line discounts with this option only.
            self.env.user.group_ids += self.env.ref("sale.group_discount_per_so_line")
            form = Form(line.order_id)
            form.partner_id = self.other_customer
            self.assertEqual(form.save().order_line.discount, 0)

    def test_discount_typed_on_an_invoice_survives_posting(self):
        """An accountant's 40 % stays 40 % when the invoice is posted
        without an invoice date (posting fills the date)."""
        self.start_agreement(self.template_msa, self.customer, date(2026, 1, 1))
        self.hour_product.taxes_id = False
        form = Form(
            self.env["account.move"]
            .with_user(self.accountant)
            .with_context(default_move_type="out_invoice")
        )
        form.partner_id = self.customer
        with form.invoice_line_ids.new() as line:
            line.product_id = self.hour_product
            self.assertEqual(
                line.discount, 15, "the agreement's discount is the default"
            )
            line.discount = 40
        invoice = form.save()
        self.assertFalse(invoice.invoice_date)
        invoice.action_post()
        self.assertTrue(invoice.invoice_date)
        self.assertEqual(invoice.invoice_line_ids.discount, 40)
        self.assertEqual(invoice.amount_total, 750.0)  # 1,250 kr less 40 %

    def test_discount_typed_on_a_sale_order_survives_confirmation(self):
        self.start_agreement(self.template_ops, self.customer, date(2026, 1, 1))
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.monthly_product.id,
                            "price_unit": 100.0,
                            "discount": 2.0,
                        }
                    ),
                    Command.create(
                        {"product_id": self.hour_product.id, "discount": 33.0}
                    ),
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.order_line.mapped("discount"), [2.0, 33.0])

    def test_hourly_price_is_in_the_agreements_company_whoever_asks(self):
        """A portal visitor's environment is in another company: the price of
        an hour must not be converted from that company's currency."""
        sek = self.env.ref("base.SEK")
        sek.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": sek.id, "rate": 10.3, "name": date(2026, 1, 1)}
        )
        swedish = self.env["res.company"].create(
            {"name": "Svenska Partner AB", "currency_id": sek.id}
        )
        self.assertNotEqual(self.env.company.currency_id, sek)
        pricelist = self.env["product.pricelist"].create(
            {"name": "SEK", "currency_id": sek.id, "company_id": swedish.id}
        )
        hour = self.hour_product.with_company(swedish)
        hour.list_price = 1250
        swedish.support_hourly_product_id = hour
        agreement = self.start_agreement(
            self.template_msa, self.customer, date(2026, 1, 1)
        )
        agreement.write({"company_id": swedish.id, "pricelist_id": pricelist.id})
        price = self.env["sale.subscription"]._support_hourly_price(
            self.contact, swedish, date(2026, 6, 1)
        )
        # 1,250 kr less the agreement's 15 %: no conversion from USD.
        self.assertEqual(price, (1250.0, 15.0, 1062.5))
