from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SupportClocOverride(models.Model):
    _name = "support.cloc.override"
    _description = "Addon not charged"
    _order = "module_name"

    repository_id = fields.Many2one(
        "support.repository", index=True, ondelete="cascade"
    )
    instance_id = fields.Many2one(
        "support.instance",
        string="Database",
        index=True,
        ondelete="cascade",
        help="For a database count: the module (or odoo/studio) not charged.",
    )
    agreement_id = fields.Many2one(
        "sale.subscription", compute="_compute_source_links", store=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", compute="_compute_source_links", store=True
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_source_links", store=True
    )
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
    _instance_module_unique = models.Constraint(
        "UNIQUE(instance_id, module_name)",
        "This module already has an override in this database.",
    )
    _one_source = models.Constraint(
        "CHECK((repository_id IS NULL) != (instance_id IS NULL))",
        "An override belongs to a repository or to a database.",
    )

    @api.depends("repository_id.agreement_id", "instance_id.agreement_id")
    def _compute_source_links(self):
        for override in self:
            source = override._source()
            override.agreement_id = source.agreement_id
            override.partner_id = source.partner_id
            override.company_id = source.company_id

    def _source(self):
        self.ensure_one()
        return self.instance_id or self.repository_id

    @api.constrains("module_name", "repository_id", "instance_id")
    def _check_module_name(self):
        for override in self:
            source = override._source()
            names = set(
                source._support_latest_snapshot().line_ids.mapped("module_name")
            )
            if names and override.module_name not in names:
                raise ValidationError(
                    self.env._(
                        "%(addon)s is not an addon of the last count of "
                        "%(repository)s. Choose one of: %(names)s.",
                        addon=override.module_name,
                        repository=source.display_name,
                        names=", ".join(sorted(names)),
                    )
                )

    def _reprice(self):
        """An override changes the price at once, from the applied count."""
        self._reprice_sources(list(self.repository_id) + list(self.instance_id))

    @api.model_create_multi
    def create(self, vals_list):
        overrides = super().create(vals_list)
        overrides._reprice()
        for override in overrides:
            override._source().message_post(
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
                override._source().message_post(
                    body=self.env._(
                        "Override of %(addon)s changed: %(reason)s",
                        addon=override.module_name,
                        reason=override.reason,
                    )
                )
        self._reprice()
        return res

    def unlink(self):
        sources = [override._source() for override in self]
        for override in self:
            override._source().message_post(
                body=self.env._(
                    "%(addon)s is charged again (override removed).",
                    addon=override.module_name,
                )
            )
        res = super().unlink()
        self._reprice_sources(sources)
        return res

    @api.model
    def _reprice_sources(self, sources):
        """Reprice repositories and databases from their applied counts."""
        for source in sources:
            applied = source._support_latest_snapshot("applied")
            if applied:
                applied._reapply_overrides()
