from odoo import api, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    support_timesheet_project_id = fields.Many2one(
        comodel_name="project.project",
        string="Support timesheet project",
        help="The project that timesheets on helpdesk tickets are booked on.",
    )
    support_helpdesk_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Helpdesk team for customers",
        help="The team that customers' tickets land in when their agreement "
        "names none.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A new company bills support hours with the shipped hourly product
        (shared by all companies) until a Support Manager picks another one
        in the Settings; its project is chosen there too."""
        product = (
            self.env.ref(
                "support_helpdesk_scope.product_support_hour", raise_if_not_found=False
            )
            or self.env["product.product"]
        ).sudo()
        if product.active and not product.company_id:
            for vals in vals_list:
                vals.setdefault("support_hourly_product_id", product.id)
        return super().create(vals_list)

    def _support_timesheet_project(self):
        """The support project, or a UserError saying where to set it."""
        self.ensure_one()
        project = self.sudo().support_timesheet_project_id
        if not project:
            raise UserError(
                self.env._(
                    "No support project is set for %(company)s, so time on "
                    "tickets cannot be booked. An administrator sets it in "
                    "Settings > Support Contracts > Support project.",
                    company=self.name,
                )
            )
        return project
