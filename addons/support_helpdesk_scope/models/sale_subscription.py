from odoo import fields, models


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    support_billable_approval = fields.Boolean(
        string="Approval before billable work",
        tracking=True,
        help="When a ticket covered by this agreement becomes billable, no "
        "billable time can be logged on it until the customer approves on "
        "the portal.",
    )
    support_helpdesk_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Helpdesk team",
        tracking=True,
        help="The team the customer's tickets land in. Empty: the team of the "
        "company's support settings.",
    )
