from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.fields import Domain

TERM_NOTICE_DAYS = 90


def _boolean_domain(domain, values):
    """``domain`` for a search of True, its negation for False, all for both
    (Odoo 19 hands boolean searches over as ``in`` a set of values)."""
    values = {bool(v) for v in values}
    if values == {True}:
        return Domain(domain)
    if values == {False}:
        return ~Domain(domain)
    return Domain.TRUE if values else Domain.FALSE


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    support_term_ends_soon = fields.Boolean(
        string="Minimum term ends within 90 days",
        compute="_compute_support_term_ends_soon",
        search="_search_support_term_ends_soon",
    )
    support_upgrade_unused = fields.Boolean(
        string="Upgrade entitlement unused",
        compute="_compute_support_upgrade_unused",
        search="_search_support_upgrade_unused",
        help="A Maintenance and Support agreement in progress whose current "
        "contract year still has an upgrade to commence.",
    )

    def _support_term_window(self):
        today = fields.Date.context_today(self)
        return today, today + relativedelta(days=TERM_NOTICE_DAYS)

    def _compute_support_term_ends_soon(self):
        start, end = self._support_term_window()
        for agreement in self:
            agreement.support_term_ends_soon = bool(
                agreement.support_kind
                and agreement.stage_id.type == "in_progress"
                and agreement.support_minimum_term_end
                and start <= agreement.support_minimum_term_end <= end
            )

    def _search_support_term_ends_soon(self, operator, value):
        if operator != "in":
            return NotImplemented
        start, end = self._support_term_window()
        domain = [
            ("support_kind", "!=", False),
            ("stage_id.type", "=", "in_progress"),
            ("support_minimum_term_end", ">=", start),
            ("support_minimum_term_end", "<=", end),
        ]
        return _boolean_domain(domain, value)

    def _compute_support_upgrade_unused(self):
        for agreement in self:
            agreement.support_upgrade_unused = bool(
                agreement.support_kind == "maintenance"
                and agreement.stage_id.type == "in_progress"
                and agreement.support_upgrades_left > 0
            )

    def _search_support_upgrade_unused(self, operator, value):
        if operator != "in":
            return NotImplemented
        # Running Maintenance and Support agreements with upgrades per year;
        # only those with an upgrade commenced within the last year may have
        # used this contract year's: their contract year is checked.
        running = self.search(
            [
                ("support_kind", "=", "maintenance"),
                ("stage_id.type", "=", "in_progress"),
                ("template_id.support_upgrades_per_year", ">", 0),
            ]
        )
        year_ago = fields.Date.context_today(self) - relativedelta(years=1)
        recent = self.env["support.upgrade"]._read_group(
            [
                ("agreement_id", "in", running.ids),
                ("state", "in", ("in_progress", "done")),
                ("outside_entitlement", "=", False),
                ("commencement_date", ">=", year_ago),
            ],
            ["agreement_id"],
        )
        checked = self.browse([agreement.id for (agreement,) in recent])
        used = checked.filtered(lambda a: not a.support_upgrade_unused)
        return _boolean_domain([("id", "in", (running - used).ids)], value)
