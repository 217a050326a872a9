from odoo import api, fields, models


class SupportSettings(models.TransientModel):
    _inherit = "support.settings"

    timesheet_project_id = fields.Many2one(
        "project.project",
        string="Support project",
        domain="[('allow_timesheets', '=', True), "
        "('company_id', 'in', [company_id, False])]",
        help="The project that time logged on helpdesk tickets is booked on.",
    )
    helpdesk_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Helpdesk team for customers",
        domain="[('company_id', 'in', [company_id, False])]",
        help="The team that customers' tickets land in when their agreement "
        "names none.",
    )

    @api.model
    def _support_company_fields(self):
        return {
            **super()._support_company_fields(),
            "timesheet_project_id": "support_timesheet_project_id",
            "helpdesk_team_id": "support_helpdesk_team_id",
        }
