from odoo import api, fields, models


class CloseReasonWizard(models.TransientModel):
    _inherit = "close.reason.wizard"

    support_notice = fields.Text(
        string="Minimum term",
        compute="_compute_support_notice",
        help="What closing does to an agreement still in its minimum term.",
    )

    @api.depends_context("active_id", "active_model")
    def _compute_support_notice(self):
        agreement = self.env["sale.subscription"]
        if self.env.context.get("active_model", "sale.subscription") == (
            "sale.subscription"
        ) and self.env.context.get("active_id"):
            agreement = agreement.browse(self.env.context["active_id"]).exists()
        notice = agreement._support_close_notice() if agreement else False
        for wizard in self:
            wizard.support_notice = notice
