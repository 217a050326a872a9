from odoo import api, fields, models


class SupportPatchRoundModule(models.Model):
    """One installed module of an instance, before and after a patch round,
    as the instance reported it."""

    _name = "support.patch.round.module"
    _description = "Module of a patch round"
    _order = "round_id, name"

    round_id = fields.Many2one(
        "support.patch.round", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="round_id.company_id", store=True)
    name = fields.Char(string="Module", required=True, readonly=True)
    version_before = fields.Char(readonly=True)
    version_after = fields.Char(readonly=True)
    change = fields.Selection(
        selection=[
            ("updated", "Updated"),
            ("installed", "Installed"),
            ("removed", "Removed"),
            ("unchanged", "Unchanged"),
        ],
        compute="_compute_change",
        store=True,
    )

    @api.depends("version_before", "version_after")
    def _compute_change(self):
        for line in self:
            if line.version_before == line.version_after:
                line.change = "unchanged"
            elif not line.version_before:
                line.change = "installed"
            elif not line.version_after:
                line.change = "removed"
            else:
                line.change = "updated"
