"""What an agreement has due: its periods to invoice by a day."""

from collections import defaultdict

from odoo import api, models

from ..tools import periods


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    # ------------------------------------------------------------------
    # What is due
    # ------------------------------------------------------------------

    @api.model
    def _support_due_domain(self, today):
        """Agreements with a period to invoice by ``today``: their next period
        has started, or a period of theirs was freed by a full credit note."""
        return [
            ("support_kind", "!=", False),
            ("stage_id.type", "=", "in_progress"),
            ("is_paused", "=", False),
            "|",
            "&",
            ("recurring_next_date", "!=", False),
            ("recurring_next_date", "<=", today),
            ("id", "in", list(self._support_freed_periods(today))),
        ]

    def _support_freed_periods(self, today):
        """{agreement id: [(start, end)]} of the periods started by ``today``
        whose invoice was reversed in full and not invoiced again; of these
        agreements, or of all when called on none."""
        Move = self.env["account.move"].sudo()
        domain = [
            ("support_reversed", "=", True),
            ("support_period_start", "<=", today),
            ("move_type", "=", "out_invoice"),
        ]
        if self:
            domain.append(("subscription_id", "in", self.ids))
        reversed_moves = Move.search(domain)
        if not reversed_moves:
            return {}
        live = {
            (subscription.id, start)
            for subscription, start in Move._read_group(
                [
                    ("subscription_id", "in", reversed_moves.subscription_id.ids),
                    (
                        "support_period_start",
                        "in",
                        reversed_moves.mapped("support_period_start"),
                    ),
                    ("state", "!=", "cancel"),
                    ("support_reversed", "=", False),
                ],
                ["subscription_id", "support_period_start:day"],
            )
        }
        freed = defaultdict(set)
        for move in reversed_moves:
            key = (move.subscription_id.id, move.support_period_start)
            if key not in live:
                freed[key[0]].add((move.support_period_start, move.support_period_end))
        return {agreement: sorted(found) for agreement, found in freed.items()}

    def _support_due_periods(self, today, freed=None):
        """The periods of this agreement due by ``today``, oldest first.

        Periods freed by a full credit note come first (``freed``: those of
        ``_support_freed_periods``, read once for a batch). Billing goes on
        to the agreement's end date: for an agreement closed during its
        minimum term, that is the minimum-term end.
        """
        self.ensure_one()
        if freed is None:
            freed = self._support_freed_periods(today)
        freed = freed.get(self.id, [])
        if not self.recurring_next_date or self.recurring_next_date > today:
            return freed
        starts = {start for start, _end in freed}
        return freed + [
            period
            for period in periods.due_periods(
                self.date_start or self.recurring_next_date,
                self.recurring_next_date,
                today,
                self.date or None,
            )
            if period[0] not in starts
        ]

    def _support_period_of(self, day):
        """(start, end) of this agreement's billing period holding ``day``."""
        self.ensure_one()
        return periods.period_of(self.date_start or day, day)
