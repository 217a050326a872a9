from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def default_get(self, fields_list):
        # A new customer speaks the language of the company that sells to
        # him (a Swedish partner's customers are Swedish), not the database's
        # first language: the company's own language, else the language of
        # the user creating him. A language given explicitly (in the values
        # or as a context default) is kept.
        values = super().default_get(fields_list)
        if "lang" in fields_list and "default_lang" not in self.env.context:
            lang = self._support_default_lang()
            if lang:
                values["lang"] = lang
        # His time zone likewise (the portal shows his tickets' and
        # approvals' times in it): the company's, else the creating user's.
        if "tz" in fields_list and "default_tz" not in self.env.context:
            tz = self.env.company.partner_id.sudo().tz or self.env.user.sudo().tz
            if tz:
                values["tz"] = tz
        return values

    @api.model
    def _support_default_lang(self):
        """The language of a new partner: the current company's, else the
        current user's; an installed language or None."""
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        for lang in (
            self.env.company.partner_id.sudo().lang,
            self.env.user.sudo().lang,
        ):
            if lang in installed:
                return lang
        return None

    def _support_invoice_address(self):
        """Where a customer's documents go: Odoo's invoice address of the
        partner (``address_get``); when that address has no email (a company
        record without one), its first invoice or individual contact that has
        an email, so an invoice and its notices reach a person. The partner
        itself when none has an email."""
        self.ensure_one()
        address = self.browse(self.address_get(["invoice"])["invoice"])
        if address.email:
            return address
        company = self.commercial_partner_id
        contacts = company.child_ids.filtered(
            lambda c: c.email and not c.is_company and c.type in ("invoice", "contact")
        ).sorted(lambda c: (c.type != "invoice", c.id))
        return contacts[:1] or address

    def _support_hourly_discount(self, on_date=None, company=None, templates=None):
        """The hourly-rate discount (percent) of the partner on ``on_date``.

        The highest discount among the running agreements of the partner's
        commercial partner (of ``company`` when given) and the agreement
        ``templates`` it is getting (those an order sells); 0 when none.
        """
        self.ensure_one()
        agreements = (
            self.env["sale.subscription"]
            .sudo()
            ._support_running_for_partner(self, on_date or fields.Date.today())
        )
        if company:
            agreements = agreements.filtered(lambda a: a.company_id == company)
        discounts = agreements.mapped("support_hourly_discount")
        if templates:
            discounts += templates.sudo().mapped("support_hourly_discount")
        return max(discounts or [0.0])
