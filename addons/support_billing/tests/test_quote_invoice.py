"""A quotation priced from the prospect's code, signed on the portal: the
agreement it makes bills exactly the quoted monthly amount."""

from odoo.tests import HttpCase, tagged

from odoo.addons.support_contract.tests.quote_common import (
    SIGNATURE,
    SupportQuoteCommon,
)


@tagged("post_install", "-at_install")
class TestQuoteFirstInvoice(SupportQuoteCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prospect.write(
            {"street": "Storgatan 18", "city": "Skellefteå", "zip": "931 30"}
        )

    def test_first_invoice_of_a_signed_quote_equals_the_quote(self):
        # A Support User quotes from the prospect's repository ...
        order = self.quote()
        order.with_user(self.support_user).action_quotation_sent()
        order._portal_ensure_token()
        quoted_total = order.amount_total
        self.assertEqual(quoted_total, 2165.19)
        # ... the prospect signs on the portal ...
        self.authenticate(self.prospect_user.login, self.prospect_user.login)
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {
                "access_token": order.access_token,
                "name": "Per Prospekt",
                "signature": SIGNATURE,
            },
        )
        self.assertNotIn("error", result)
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        agreement = order.subscription_ids
        self.assertEqual(len(agreement), 1)
        # ... and the accountant's Create Invoice bills the first month.
        action = agreement.with_user(self.accountant).manual_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.subscription_id, agreement)
        self.assertEqual(invoice.support_period_start, agreement.date_start)
        self.assertEqual(invoice.amount_untaxed, order.amount_untaxed)
        self.assertEqual(invoice.amount_tax, order.amount_tax)
        self.assertEqual(invoice.amount_total, quoted_total)
        code = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.code_product
        )
        self.assertEqual(code.quantity, 13)
        self.assertEqual(code.price_unit, 95.55)
        self.assertEqual(code.price_subtotal, 1242.15)
