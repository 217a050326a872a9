from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _create_user_from_template(self, values):
        # A portal signup copies the portal template user, whose language
        # would otherwise be the new customer's: without a language chosen
        # on the signup page (or the invited partner's own), he gets the
        # language of the company, as a partner created in the backend.
        if not values.get("lang"):
            partner = self.env["res.partner"].browse(values.get("partner_id"))
            lang = partner.lang or self.env["res.partner"]._support_default_lang()
            if lang:
                values = dict(values, lang=lang)
        return super()._create_user_from_template(values)
