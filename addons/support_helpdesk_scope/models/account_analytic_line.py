from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    helpdesk_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Ticket",
        index="btree_not_null",
    )
    support_scope = fields.Selection(
        related="helpdesk_ticket_id.scope", store=True, string="Ticket scope"
    )
    support_partner_id = fields.Many2one(
        related="helpdesk_ticket_id.commercial_partner_id",
        store=True,
        string="Ticket customer",
    )

    @api.model_create_multi
    def create(self, vals_list):
        Ticket = self.env["helpdesk.ticket"]
        for vals in vals_list:
            if vals.get("helpdesk_ticket_id") and not vals.get("project_id"):
                ticket = Ticket.browse(vals["helpdesk_ticket_id"])
                project = ticket.company_id.support_timesheet_project_id
                if project:
                    vals["project_id"] = project.id
        return super().create(vals_list)

    @api.constrains("helpdesk_ticket_id", "unit_amount")
    def _check_ticket_approval(self):
        for line in self:
            ticket = line.helpdesk_ticket_id
            if ticket.scope == "billable" and ticket.approval_state in (
                "pending",
                "declined",
            ):
                raise ValidationError(
                    self.env._(
                        "No billable time can be logged on %(ticket)s: the customer "
                        "has %(state)s the billable work.",
                        ticket=ticket.display_name,
                        state=(
                            self.env._("not yet approved")
                            if ticket.approval_state == "pending"
                            else self.env._("declined")
                        ),
                    )
                )
