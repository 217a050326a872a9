from odoo import api, fields, models

from ..models.helpdesk_ticket import SCOPES


class SupportTicketReclassify(models.TransientModel):
    _name = "support.ticket.reclassify"
    _description = "Reclassify a ticket's scope"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True)
    scope = fields.Selection(selection=SCOPES, required=True)
    reason = fields.Char(required=True)
    currency_id = fields.Many2one(related="ticket_id.currency_id")
    logged_hours = fields.Float(
        string="Hours already logged",
        compute="_compute_logged",
        help="Time logged on the ticket so far that is not billable now.",
    )
    logged_amount = fields.Monetary(
        string="Their amount",
        compute="_compute_logged",
        help="Those hours at the customer's hourly rate.",
    )
    ask_logged_hours = fields.Boolean(
        string="Ask the customer to approve the hours already logged",
        help="The customer is told these hours and their amount and approves "
        "or declines them on the portal; they are billed only if approved. "
        "Unticked, only time logged from now on is billable.",
    )
    gives_work_away = fields.Boolean(compute="_compute_gives_work_away")

    @api.depends("ticket_id", "scope")
    def _compute_logged(self):
        for wizard in self:
            ticket = wizard.ticket_id
            hours = (
                sum(ticket.timesheet_ids.mapped("unit_amount")) - ticket.billable_hours
                if ticket.scope != "billable"
                else 0.0
            )
            wizard.logged_hours = hours
            wizard.logged_amount = ticket.currency_id.round(hours * ticket.hourly_rate)

    @api.depends("ticket_id", "scope")
    def _compute_gives_work_away(self):
        for wizard in self:
            ticket = wizard.ticket_id
            wizard.gives_work_away = (
                wizard.scope != "billable"
                and ticket.scope == "billable"
                and (not ticket.agreement_id or bool(ticket.billable_hours))
            )

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._support_reclassify(
            self.scope,
            self.reason,
            ask_logged_hours=self.ask_logged_hours and bool(self.logged_hours),
        )
        return {"type": "ir.actions.act_window_close"}
