from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    support_hourly_product_id = fields.Many2one(
        related="company_id.support_hourly_product_id", readonly=False
    )
    support_timesheet_project_id = fields.Many2one(
        related="company_id.support_timesheet_project_id", readonly=False
    )
