from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .helpdesk_ticket import HOURS_STATES

# Hours logged before a ticket became billable, by the customer's answer.
LOGGED_BEFORE_STATE = {
    "asked": "pending",
    "not_asked": "declined",
    "declined": "declined",
}


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    helpdesk_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Ticket",
        index="btree_not_null",
    )
    support_before_billable = fields.Boolean(
        string="Logged before billable",
        readonly=True,
        copy=False,
        help="Logged before the ticket became billable: billed only if the "
        "customer approved these hours by name.",
    )
    support_hours_state = fields.Selection(
        selection=HOURS_STATES,
        compute="_compute_support_hours_state",
        store=True,
        string="Ticket hours",
    )
    support_partner_id = fields.Many2one(
        related="helpdesk_ticket_id.commercial_partner_id",
        store=True,
        string="Ticket customer",
    )

    @api.depends(
        "helpdesk_ticket_id.support_hours_state",
        "helpdesk_ticket_id.logged_hours_state",
        "support_before_billable",
    )
    def _compute_support_hours_state(self):
        for line in self:
            ticket = line.helpdesk_ticket_id
            state = ticket.support_hours_state
            if state == "billable" and line.support_before_billable:
                state = LOGGED_BEFORE_STATE.get(ticket.logged_hours_state, state)
            line.support_hours_state = state

    @api.model_create_multi
    def create(self, vals_list):
        Ticket = self.env["helpdesk.ticket"]
        for vals in vals_list:
            if not vals.get("helpdesk_ticket_id"):
                continue
            ticket = Ticket.browse(vals["helpdesk_ticket_id"]).sudo()
            # Time on a ticket is booked on the company's support project,
            # whatever project the timesheet form defaults to.
            company = ticket.company_id or self.env.company
            vals["project_id"] = company._support_timesheet_project().id
            self._support_check_employee(vals, ticket)
        return super().create(vals_list)

    def _support_check_employee(self, vals, ticket):
        """Say what to do instead of hr_timesheet's "Timesheets must be
        created with an active employee" when the user has no employee."""
        if vals.get("employee_id") or self.env.context.get("default_employee_id"):
            return
        user = self.env["res.users"].browse(vals.get("user_id") or self.env.uid)
        project = self.env["project.project"].sudo().browse(vals["project_id"])
        company = project.company_id or ticket.company_id or self.env.company
        employee = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [("user_id", "=", user.id), ("company_id", "=", company.id)], limit=1
            )
        )
        if not employee:
            raise UserError(
                self.env._(
                    "%(user)s has no employee in %(company)s, and time on a "
                    "ticket is logged by an employee. Ask an administrator to "
                    "create one (Employees > New, with %(user)s as its related "
                    "user in %(company)s), then log the time again.",
                    user=user.name,
                    company=company.name,
                )
            )

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

    @api.constrains("helpdesk_ticket_id", "unit_amount")
    def _check_ticket_hourly_product(self):
        for line in self:
            ticket = line.helpdesk_ticket_id
            if (
                ticket.scope == "billable"
                and not (ticket.company_id or self.env.company)
                .sudo()
                .support_hourly_product_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(ticket)s is billable but %(company)s has no hourly "
                        "product, so its time would be billed at no price. An "
                        "administrator sets it in Settings > Support Contracts "
                        "> Hourly product.",
                        ticket=ticket.display_name,
                        company=(ticket.company_id or self.env.company).name,
                    )
                )
