from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    support_usage_service = fields.Boolean(
        string="Pay-per-transaction service",
        help="Used and paid per transaction (OCR, e-invoicing, AI...): usage "
        "statements imported for it are invoiced monthly.",
    )
    support_usage_code = fields.Char(
        string="Usage service code",
        help="The service name or code providers' statements use for it.",
    )
