from odoo import fields, models

from ..models.helpdesk_ticket import SCOPES


class SupportTicketReclassify(models.TransientModel):
    _name = "support.ticket.reclassify"
    _description = "Reclassify a ticket's scope"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True)
    scope = fields.Selection(selection=SCOPES, required=True)
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._support_reclassify(self.scope, self.reason)
        return {"type": "ir.actions.act_window_close"}
