from odoo import fields, models


class TimberGrade(models.Model):
    _name = "solberga.timber.grade"
    _description = "Timber grade"

    name = fields.Char(required=True)
    code = fields.Char(help="Nordic grading code, e.g. A, B or C.")
    moisture_max = fields.Float(string="Max moisture (%)")
    price_factor = fields.Float(default=1.0)
