from odoo import api, fields, models


class SaleSubscription(models.Model):
    """Patch rounds on the agreement: whether an instance fell behind."""

    _inherit = "sale.subscription"

    support_patch_attention = fields.Boolean(
        string="Patch round late or behind",
        compute="_compute_support_patch_attention",
        store=True,
        help="An instance of the agreement has had no closed patch round for more "
        "than a month, or runs a release older than its series' target.",
    )
    support_patch_round_ids = fields.One2many(
        "support.patch.round", "agreement_id", string="Patch rounds"
    )

    @api.depends("support_instance_ids.patch_late", "support_instance_ids.patch_behind")
    def _compute_support_patch_attention(self):
        for agreement in self:
            agreement.support_patch_attention = any(
                i.patch_late or i.patch_behind for i in agreement.support_instance_ids
            )

    def action_view_patch_rounds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_contract.support_patch_round_action"
        )
        action["domain"] = [("agreement_id", "=", self.id)]
        return action
