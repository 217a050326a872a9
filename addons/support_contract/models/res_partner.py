from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _support_hourly_discount(self, on_date=None, company=None):
        """The hourly-rate discount (percent) of the partner on ``on_date``.

        The highest discount among the running agreements of the partner's
        commercial partner (of ``company`` when given); 0 when none is running.
        """
        self.ensure_one()
        agreements = (
            self.env["sale.subscription"]
            .sudo()
            ._support_running_for_partner(self, on_date or fields.Date.today())
        )
        if company:
            agreements = agreements.filtered(lambda a: a.company_id == company)
        return max(agreements.mapped("support_hourly_discount") or [0.0])
