from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.usage_file import same_text


class SupportUsageProvider(models.Model):
    _name = "support.usage.provider"
    _description = "Provider of usage statements"
    _order = "name"

    name = fields.Char(required=True, help="As statements name it, e.g. InExchange.")
    active = fields.Boolean(default=True)

    _name_unique = models.UniqueIndex(
        "(lower(name))", "A provider with this name already exists."
    )

    @api.constrains("name")
    def _check_name_unique(self):
        names = {
            same_text(p.name): p
            for p in self.with_context(active_test=False).search([])
        }
        for provider in self:
            other = names.get(same_text(provider.name))
            if other and other != provider:
                raise ValidationError(
                    self.env._(
                        "A provider named %(name)s already exists.", name=other.name
                    )
                )

    @api.model
    def _support_by_name(self):
        """{comparable name: provider} of the active providers."""
        return {same_text(provider.name): provider for provider in self.search([])}
