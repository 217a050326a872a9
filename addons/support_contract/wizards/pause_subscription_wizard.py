from odoo import api, fields, models


class PauseSubscriptionWizard(models.TransientModel):
    _inherit = "sale.subscription.pause.wizard"

    support_notice = fields.Text(
        string="Minimum term",
        compute="_compute_support_notice",
        help="What pausing does to an agreement still in its minimum term.",
    )
    support_reason = fields.Text(
        string="Reason",
        help="Why an agreement in its minimum term is paused; kept in its chatter.",
    )

    @api.depends_context("active_id")
    def _compute_support_notice(self):
        agreement = self.env["sale.subscription"]
        if self.env.context.get("active_id"):
            agreement = agreement.browse(self.env.context["active_id"]).exists()
        notice = agreement._support_pause_notice() if agreement else False
        for wizard in self:
            wizard.support_notice = notice

    def button_confirm(self):
        return super(
            PauseSubscriptionWizard,
            self.with_context(support_pause_reason=self.support_reason or ""),
        ).button_confirm()
