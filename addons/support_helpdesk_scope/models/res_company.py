from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    support_timesheet_project_id = fields.Many2one(
        comodel_name="project.project",
        string="Support timesheet project",
        help="The project that timesheets on helpdesk tickets are booked on.",
    )
