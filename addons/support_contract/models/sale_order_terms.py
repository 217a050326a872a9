from markupsafe import Markup, escape

from odoo import models
from odoo.tools.misc import formatLang


class SaleOrder(models.Model):
    """What the customer reads before signing a quotation of an agreement:
    the sentence signed on the portal and the hourly discount."""

    _inherit = "sale.order"

    def _support_signing_sentence(self):
        """The sentence the customer signs on the portal for a quotation of
        an agreement, in this environment's language: the monthly amount
        excluding VAT, the minimum term and the total over it. Empty for an
        order that sells no agreement (Odoo's sentence is kept)."""
        self.ensure_one()
        template = self.sudo()._support_agreement_templates()[:1]
        if not template:
            return ""
        monthly = self._support_quote_monthly_amount(template)
        months = template.support_minimum_term_months

        def bold(value):
            return Markup("<b>%s</b>") % value

        def money(amount):
            return bold(formatLang(self.env, amount, currency_obj=self.currency_id))

        values = {
            "customer": bold(self.partner_id.commercial_partner_id.name),
            "agreement": bold(template.name),
            "monthly": money(monthly),
        }
        if months:
            values.update(months=bold(months), total=money(monthly * months))
            sentence = self.env._(
                "By signing, you confirm on behalf of %(customer)s the order of "
                "the agreement %(agreement)s for %(monthly)s per month, excluding "
                "VAT, for a minimum term of %(months)s months: %(total)s in total "
                "over the minimum term, excluding VAT."
            )
        else:
            sentence = self.env._(
                "By signing, you confirm on behalf of %(customer)s the order "
                "of the agreement %(agreement)s for %(monthly)s per month, "
                "excluding VAT."
            )
        # The translated text is escaped; only the values are bold.
        return Markup(escape(sentence)) % values

    def _support_sold_hourly_discount(self):
        """The best hourly-rate discount of the agreements this order sells
        (0 when it sells none)."""
        self.ensure_one()
        templates = self.sudo()._support_agreement_templates()
        return max(templates.mapped("support_hourly_discount") or [0.0])

    def _support_hourly_discount_sentence(self):
        """The discount on the standard hourly rates that the agreements the
        order sells give (the best of them), in this environment's language
        (empty without one)."""
        self.ensure_one()
        discount = self._support_sold_hourly_discount()
        if not discount:
            return ""
        return self.env._(
            "With this agreement, work charged by the hour gets a discount of "
            "%(discount)s on our standard hourly rates.",
            discount=f"{discount:g} %",
        )

    def _find_mail_template(self):
        # A quotation of an agreement is sent with the suite's email: the
        # monthly amount per month excluding VAT, as the customer signs it.
        template = super()._find_mail_template()
        if (
            self.state != "sale"
            and not self.env.context.get("proforma")
            and self._support_sells_agreement()
        ):
            return (
                self.env.ref(
                    "support_contract.mail_template_support_quotation",
                    raise_if_not_found=False,
                )
                or template
            )
        return template
