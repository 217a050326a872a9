from odoo import fields, models


class SupportScopeCategory(models.Model):
    _name = "support.scope.category"
    _description = "Support scope category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    coverage = fields.Selection(
        selection=[
            ("included", "Included in a valid agreement"),
            ("billable", "Always charged separately"),
        ],
        required=True,
        default="billable",
    )
    requires_reproduction = fields.Boolean(
        help="Included only once staff confirm the problem was reproduced on a "
        "standard test instance with standard test data.",
    )
    description = fields.Text(
        translate=True, help="What the category covers, written for customers."
    )

    _code_unique = models.Constraint(
        "UNIQUE(code)", "Another scope category has this code."
    )
