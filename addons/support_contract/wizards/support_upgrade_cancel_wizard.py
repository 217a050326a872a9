from odoo import fields, models


class SupportUpgradeCancelWizard(models.TransientModel):
    _name = "support.upgrade.cancel.wizard"
    _description = "Cancel a commenced upgrade"

    upgrade_ids = fields.Many2many("support.upgrade", string="Upgrades")
    reason = fields.Text(
        required=True,
        help="Why the fee is waived and the contract year's upgrade given back; "
        "kept in the upgrade's chatter.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.upgrade_ids._support_cancel_commenced(self.reason)
        return {"type": "ir.actions.act_window_close"}
