from odoo import api, fields, models


class SaleSubscriptionTemplate(models.Model):
    _inherit = "sale.subscription.template"

    # Customers read it (quotation, portal, invoices): in their language.
    name = fields.Char(translate=True)
    support_kind = fields.Selection(
        selection=[
            ("operations", "Operations Agreement"),
            ("maintenance", "Maintenance and Support Agreement"),
        ],
        string="Agreement kind",
        help="Operations Agreement: a fixed monthly fee that keeps the customer's "
        "instance patched and up to date.\n"
        "Maintenance and Support Agreement: a monthly fee from the code-line "
        "count, version upgrades included.\n"
        "Leave empty for a plain subscription that is not a support agreement.",
    )
    support_minimum_term_months = fields.Integer(
        string="Minimum term (months)",
        default=12,
        help="The agreement is charged monthly for at least this many months. "
        "Closing it earlier schedules its end at the end of the minimum term.",
    )
    support_upgrades_per_year = fields.Integer(
        string="Upgrades per contract year",
        default=1,
        help="Version upgrades the customer is entitled to commence in each "
        "12-month contract year. Only Maintenance and Support agreements "
        "include upgrades.",
    )
    support_upgrade_fee_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Upgrade fee",
        domain=[("sale_ok", "=", True)],
        help="One-time charge due when an upgrade commences: administration "
        "and provisioning of test, development and database instances.",
    )
    support_code_line_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Code-line product",
        domain=[("sale_ok", "=", True)],
        help="The product of the monthly fee from the code-line count; its "
        "unit is a block of code lines, priced by the agreement's pricelist.",
    )
    support_code_line_block = fields.Integer(
        string="Lines per block",
        default=100,
        help="The code-line product is charged per block of this many lines, "
        "rounded up.",
    )
    support_hourly_discount = fields.Float(
        string="Hourly-rate discount (%)",
        digits="Discount",
        help="Discount on products marked as hourly services, for customers "
        "with a running agreement of this template.",
    )

    _support_minimum_term_positive = models.Constraint(
        "CHECK(support_minimum_term_months >= 0)",
        "The minimum term cannot be negative.",
    )
    _support_upgrades_positive = models.Constraint(
        "CHECK(support_upgrades_per_year >= 0)",
        "The number of upgrades per contract year cannot be negative.",
    )
    _support_block_positive = models.Constraint(
        "CHECK(support_code_line_block > 0)",
        "A block of code lines must hold at least one line.",
    )
    _support_discount_range = models.Constraint(
        "CHECK(support_hourly_discount >= 0 AND support_hourly_discount <= 100)",
        "The hourly-rate discount must be between 0 and 100 percent.",
    )

    @api.onchange("support_kind")
    def _onchange_support_kind(self):
        if self.support_kind:
            self.recurring_rule_type = "months"
            self.recurring_interval = 1
