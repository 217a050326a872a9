from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import patch_round


class SupportPatchTarget(models.Model):
    """The release a partner wants every instance of one Odoo series to run
    at least: an instance on an older release of that series is behind."""

    _name = "support.patch.target"
    _description = "Patch target per Odoo series"
    _order = "series desc"

    series = fields.Char(
        required=True,
        help="The Odoo series, such as 17.0 or 18.0.",
    )
    minimum_release = fields.Char(
        string="Minimum release",
        required=True,
        help="The oldest release an instance of this series may run, as the "
        "instance reports it: 18.0 followed by the nightly date, such as "
        "18.0-20261101, or a micro version, such as 18.0.3.",
    )
    note = fields.Char(help="Why this target, such as the security fix it brings.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)

    _series_unique = models.Constraint(
        "UNIQUE(company_id, series)", "A series has one target per company."
    )

    @api.depends("series", "minimum_release")
    def _compute_display_name(self):
        for target in self:
            target.display_name = f"{target.series}: {target.minimum_release}"

    @api.constrains("series", "minimum_release")
    def _check_release(self):
        for target in self:
            key = patch_round.release_key(target.minimum_release)
            if patch_round.series_of(target.series) != (target.series or "").strip():
                raise ValidationError(
                    self.env._(
                        "“%(series)s” is not an Odoo series: write it as 17.0 or 18.0.",
                        series=target.series,
                    )
                )
            if not key or key[0] != target.series.strip():
                raise ValidationError(
                    self.env._(
                        "The minimum release %(release)s does not belong to series "
                        "%(series)s: write it as %(series)s-20261101 or "
                        "%(series)s.3.",
                        release=target.minimum_release,
                        series=target.series,
                    )
                )

    @api.model
    def _target_for(self, company, series):
        return self.search(
            [("company_id", "=", company.id), ("series", "=", series)], limit=1
        )

    def _instances_to_flag(self):
        return self.env["support.instance"].search(
            [
                ("company_id", "in", self.company_id.ids),
                ("patch_round_required", "=", True),
            ]
        )

    @api.model_create_multi
    def create(self, vals_list):
        targets = super().create(vals_list)
        targets._instances_to_flag()._update_patch_flags()
        return targets

    def write(self, vals):
        result = super().write(vals)
        self._instances_to_flag()._update_patch_flags()
        return result
