from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    support_hourly_service = fields.Boolean(
        string="Hourly service",
        help="Time sold by the hour. Customers with a running support agreement "
        "get the agreement's hourly-rate discount on it.",
    )
