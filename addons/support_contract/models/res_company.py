from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    support_hourly_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Support hourly product",
        domain="[('support_hourly_service', '=', True)]",
        help="The hourly service whose price, with the customer's agreement "
        "discount, is the rate of billable ticket time.",
    )
