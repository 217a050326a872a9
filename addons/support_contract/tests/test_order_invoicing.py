"""An order that made a support agreement is invoiced by the agreement.

The agreement invoices every month; the order that made it (a code-line
Maintenance and Support agreement or an Operations agreement) offers no
*Create Invoice* for a down payment, and the wizard behind that button
refuses it, as the Support Manager and the Support User open it. An order
without support products still takes its down payment.
"""

from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_selling_roles import SellingCommon


@tagged("post_install", "-at_install")
class TestNoDownPaymentOnAnAgreementOrder(SellingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {"street": "Storgatan 1", "zip": "111 22", "city": "Stockholm"}
        )

    def confirmed_order(self, user, lines):
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": qty})
                        for product, qty in lines
                    ],
                }
            )
        )
        order.with_user(user).action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    def wizard(self, user, order, method="percentage"):
        """The wizard as *Create Invoice* opens it (the action's context)."""
        return Form(
            self.env["sale.advance.payment.inv"]
            .with_user(user)
            .with_context(
                lang=user.lang,  # as the web client sends it
                active_model="sale.order",
                active_ids=order.ids,
                active_id=order.id,
                default_advance_payment_method=method,
            )
        )

    def invoices_of(self, order):
        return self.env["account.move"].search(
            [("line_ids.sale_line_ids.order_id", "=", order.id)]
        )

    def check_refused(self, user, order):
        agreement = order.subscription_ids
        self.assertEqual(len(agreement), 1)
        self.assertTrue(agreement.support_kind)
        self.assertTrue(order.support_agreement_order)
        self.assertEqual(order.invoice_status, "no")
        with self.assertRaises(UserError) as refusal:
            self.wizard(user, order)
        message = str(refusal.exception)
        self.assertIn(order.name, message)
        self.assertIn(agreement.name, message)
        self.assertIn("every month", message)
        # A call that skips the form (JSON-RPC) is refused the same way.
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_user(user)
            .create(
                {
                    "sale_order_ids": [(6, 0, order.ids)],
                    "advance_payment_method": "percentage",
                    "amount": 10,
                }
            )
        )
        with self.assertRaises(UserError):
            wizard.create_invoices()
        self.assertFalse(self.invoices_of(order))
        # The agreement's own invoice is the one invoice of the month.
        agreement.with_user(self.accountant).manual_invoice()
        invoice = self.env["account.move"].search(
            [("subscription_id", "=", agreement.id)]
        )
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.amount_untaxed, order.amount_untaxed)

    def test_the_manager_gets_no_down_payment_on_an_operations_order(self):
        order = self.confirmed_order(self.support_manager, [(self.ops_product, 1)])
        self.assertEqual(order.subscription_ids.support_kind, "operations")
        self.check_refused(self.support_manager, order)

    def test_the_consultant_gets_no_down_payment_on_a_code_line_order(self):
        order = self.confirmed_order(self.support_user, [(self.code_product, 13)])
        self.assertEqual(order.subscription_ids.support_kind, "maintenance")
        self.assertEqual(order.amount_untaxed, 1242.15)  # 13 × 95.55
        self.check_refused(self.support_user, order)

    def test_the_manager_gets_no_down_payment_on_a_code_line_order(self):
        order = self.confirmed_order(self.support_user, [(self.code_product, 13)])
        self.check_refused(self.support_manager, order)

    def test_the_refusal_is_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("sv_SE")
        self.support_manager.lang = "sv_SE"
        order = self.confirmed_order(self.support_manager, [(self.ops_product, 1)])
        with self.assertRaises(UserError) as refusal:
            self.wizard(self.support_manager, order)
        message = str(refusal.exception)
        self.assertIn("varje månad", message)
        self.assertIn(order.subscription_ids.name, message)

    def test_the_button_is_hidden_on_an_agreement_order(self):
        arch = (
            self.env["sale.order"]
            .with_user(self.support_manager)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertRegex(
            arch,
            r'id="create_invoice_percentage"[^>]*invisible="[^"]*'
            r"support_agreement_order",
        )

    def test_other_lines_are_invoiced_but_take_no_down_payment(self):
        order = self.confirmed_order(
            self.support_manager, [(self.ops_product, 1), (self.monthly_product, 2)]
        )
        self.assertEqual(order.invoice_status, "to invoice")
        with self.assertRaises(UserError):
            self.wizard(self.support_manager, order).save().create_invoices()
        form = self.wizard(self.support_manager, order, method="delivered")
        form.save().create_invoices()
        invoice = self.invoices_of(order)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.invoice_line_ids.product_id, self.monthly_product)
        self.assertEqual(invoice.amount_untaxed, 9800.0)

    def test_an_order_without_support_products_gets_its_down_payment(self):
        order = self.confirmed_order(self.support_manager, [(self.monthly_product, 2)])
        self.assertFalse(order.support_agreement_order)
        form = self.wizard(self.support_manager, order)
        form.amount = 10
        form.save().create_invoices()
        invoice = self.invoices_of(order)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.amount_untaxed, 980.0)  # 10 % of 9,800.00
        self.assertTrue(invoice.invoice_line_ids.sale_line_ids.is_downpayment)


@tagged("post_install", "-at_install")
class TestHoursSoldWithTheAgreement(SellingCommon):
    """Hours sold on the order that makes the agreement get its discount:
    on the quotation already, and on the invoice the accountant posts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {"street": "Storgatan 1", "zip": "111 22", "city": "Stockholm"}
        )

    confirmed_order = TestNoDownPaymentOnAnAgreementOrder.confirmed_order
    wizard = TestNoDownPaymentOnAnAgreementOrder.wizard
    invoices_of = TestNoDownPaymentOnAnAgreementOrder.invoices_of

    def invoice_hours(self, order):
        form = self.wizard(self.support_manager, order, method="delivered")
        form.save().create_invoices()
        invoice = self.invoices_of(order)
        self.assertEqual(len(invoice), 1)
        invoice.with_user(self.accountant).action_post()
        self.assertEqual(invoice.state, "posted")
        return invoice

    def test_hours_on_an_operations_order_get_its_discount(self):
        self.assertFalse(self.customer._support_hourly_discount())
        order = self.confirmed_order(
            self.support_manager, [(self.ops_product, 1), (self.hour_product, 2)]
        )
        hours = order.order_line.filtered(
            lambda line: line.product_id == self.hour_product
        )
        self.assertEqual(hours.discount, 10.0)
        self.assertEqual(hours.price_subtotal, 2250.0)
        invoice = self.invoice_hours(order)
        self.assertEqual(invoice.invoice_line_ids.product_id, self.hour_product)
        self.assertEqual(invoice.invoice_line_ids.discount, 10.0)
        self.assertEqual(invoice.amount_untaxed, 2250.0)  # 2 × 1,250 × 0.9

    def test_hours_added_before_the_agreement_product_get_its_discount(self):
        order = (
            self.env["sale.order"]
            .with_user(self.support_manager)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {"product_id": self.hour_product.id, "product_uom_qty": 2},
                        )
                    ],
                }
            )
        )
        self.assertEqual(order.order_line.discount, 0.0)
        order.with_user(self.support_manager).write(
            {"order_line": [(0, 0, {"product_id": self.ops_product.id})]}
        )
        hours = order.order_line.filtered(
            lambda line: line.product_id == self.hour_product
        )
        self.assertEqual(hours.discount, 10.0)
        self.assertEqual(order.amount_untaxed, 4900.0 + 2250.0)

    def test_the_best_discount_of_a_running_and_a_sold_agreement(self):
        self.start_agreement(
            self.template_msa,
            self.customer,
            date(2026, 1, 1),
            product=self.monthly_product,
        )
        self.assertEqual(self.customer._support_hourly_discount(), 15.0)
        order = self.confirmed_order(
            self.support_manager, [(self.ops_product, 1), (self.hour_product, 2)]
        )
        invoice = self.invoice_hours(order)
        self.assertEqual(invoice.amount_untaxed, 2125.0)  # 2 × 1,250 × 0.85

    def test_a_typed_discount_is_kept(self):
        order = (
            self.env["sale.order"]
            .with_user(self.support_manager)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        (0, 0, {"product_id": self.ops_product.id}),
                        (
                            0,
                            0,
                            {
                                "product_id": self.hour_product.id,
                                "product_uom_qty": 2,
                                "discount": 5.0,
                            },
                        ),
                    ],
                }
            )
        )
        hours = order.order_line.filtered(
            lambda line: line.product_id == self.hour_product
        )
        self.assertEqual(hours.discount, 5.0)
