from odoo import fields, models

COVERAGES = [
    ("included", "Included in a valid agreement"),
    ("billable", "Always charged separately"),
]


class HelpdeskTicketCategory(models.Model):
    """helpdesk_mgmt's ticket category is the scope category: what the
    agreement covers, told to the customer before they submit a ticket."""

    _inherit = "helpdesk.ticket.category"

    support_coverage = fields.Selection(
        selection=COVERAGES,
        string="Coverage",
        required=True,
        default="billable",
        help="Included: covered by a valid agreement, never billed. Always "
        "charged separately: billed at the customer's hourly rate. A change "
        "applies to tickets categorised afterwards; existing tickets change "
        "only when staff reclassify them.",
    )
    support_requires_reproduction = fields.Boolean(
        string="Must be reproduced",
        help="Included only once staff confirm the problem was reproduced on a "
        "standard test instance with standard test data.",
    )
    support_description = fields.Text(
        string="Description for customers",
        translate=True,
        help="What the category covers, shown on the portal's new-ticket form.",
    )
