"""A prospect, products and a git repository for Quote from repository."""

import base64

from odoo.tests import new_test_user

from .common import SupportContractCommon
from .git_fixtures import GitFixture

# A 1x1 PNG: what the portal's signature pad sends, in base64.
SIGNATURE = base64.b64encode(
    base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    )
).decode()


def addon(name, code_lines):
    body = "\n".join(f"V{i} = {i}" for i in range(code_lines)) + "\n"
    return {f"{name}/__manifest__.py": "{'name': 'x'}", f"{name}/models.py": body}


class SupportQuoteCommon(SupportContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "True"
        )
        cls.vat25_quote = cls.env["account.tax"].create(
            {
                "name": "Moms 25 % (quote test)",
                "amount": 25,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.code_product = cls.env["product.product"].create(
            {
                "name": "Code lines (quote test)",
                "type": "service",
                "list_price": 100,
                "taxes_id": [(6, 0, cls.vat25_quote.ids)],
                "subscribable": True,
                "subscription_template_id": cls.template_msa.id,
            }
        )
        cls.monitoring_product = cls.env["product.product"].create(
            {
                "name": "Monitoring (quote test)",
                "type": "service",
                "list_price": 490,
                "taxes_id": [(6, 0, cls.vat25_quote.ids)],
                "subscribable": True,
                "subscription_template_id": cls.template_msa.id,
            }
        )
        cls.template_msa.write(
            {
                "support_code_line_product_id": cls.code_product.id,
                "support_code_line_block": 100,
            }
        )
        Item = cls.env["product.pricelist.item"]
        for price, minimum in ((95.55, 0), (80.40, 20)):
            Item.create(
                {
                    "pricelist_id": cls.pricelist.id,
                    "applied_on": "0_product_variant",
                    "product_id": cls.code_product.id,
                    "compute_price": "fixed",
                    "fixed_price": price,
                    "min_quantity": minimum,
                }
            )
        cls.prospect = cls.env["res.partner"].create(
            {
                "name": "Prospekt Norr AB",
                "is_company": True,
                "country_id": cls.env.ref("base.se").id,
                "property_product_pricelist": cls.pricelist.id,
                "email": "info@prospekt.example",
            }
        )
        cls.prospect_contact = cls.env["res.partner"].create(
            {
                "name": "Per Prospekt",
                "parent_id": cls.prospect.id,
                "email": "per@prospekt.example",
            }
        )
        cls.prospect_user = new_test_user(
            cls.env,
            login="per_prospekt",
            password="per_prospekt",
            groups="base.group_portal",
            partner_id=cls.prospect_contact.id,
        )

    def setUp(self):
        super().setUp()
        # 1,234 code lines in two addons: 13 blocks of 100 lines.
        self.fixture = GitFixture(
            {**addon("prospekt_sales", 1000), **addon("prospekt_stock", 234)}
        )
        self.addCleanup(self.fixture.cleanup)

    def quote(self, user=None, order=None, url=None, **values):
        """Quote from repository as ``user`` (a Support User by default)."""
        user = user or self.support_user
        wizard = (
            self.env["support.quote.wizard"]
            .with_user(user)
            .with_context(default_order_id=order.id if order else False)
            .create(
                {
                    "partner_id": (order.partner_id if order else self.prospect).id,
                    "template_id": self.template_msa.id,
                    "url": url or self.fixture.url,
                    **values,
                }
            )
        )
        action = wizard.action_quote()
        return self.env["sale.order"].browse(action["res_id"])
