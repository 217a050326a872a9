from odoo import api, fields, models


class SupportClocOverride(models.Model):
    _name = "support.cloc.override"
    _description = "Addon not charged"
    _order = "module_name"

    repository_id = fields.Many2one(
        "support.repository", required=True, index=True, ondelete="cascade"
    )
    agreement_id = fields.Many2one(related="repository_id.agreement_id", store=True)
    partner_id = fields.Many2one(related="repository_id.partner_id", store=True)
    company_id = fields.Many2one(related="repository_id.company_id", store=True)
    module_name = fields.Char(string="Addon", required=True)
    reason = fields.Char(
        required=True,
        help="Why the addon is not charged, e.g. a vendored third-party module. "
        "The customer sees it.",
    )

    _module_unique = models.Constraint(
        "UNIQUE(repository_id, module_name)",
        "This addon already has an override in this repository.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        overrides = super().create(vals_list)
        for override in overrides:
            override.repository_id.message_post(
                body=self.env._(
                    "%(addon)s is no longer charged: %(reason)s",
                    addon=override.module_name,
                    reason=override.reason,
                )
            )
        return overrides

    def write(self, vals):
        old = {o.id: (o.module_name, o.reason) for o in self}
        res = super().write(vals)
        for override in self:
            if old[override.id] != (override.module_name, override.reason):
                override.repository_id.message_post(
                    body=self.env._(
                        "Override of %(addon)s changed: %(reason)s",
                        addon=override.module_name,
                        reason=override.reason,
                    )
                )
        return res

    def unlink(self):
        for override in self:
            override.repository_id.message_post(
                body=self.env._(
                    "%(addon)s is charged again (override removed).",
                    addon=override.module_name,
                )
            )
        return super().unlink()
