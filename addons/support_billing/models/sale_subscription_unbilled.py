"""What is not billed yet: one rule per kind of charge, and the pending
charges of agreements found by those rules."""

from collections import defaultdict

from odoo import api, models


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    # ------------------------------------------------------------------
    # What is not billed yet: one rule per kind of charge
    # ------------------------------------------------------------------

    @api.model
    def _support_not_billed_domain(self, field_name):
        """A record billed on ``field_name`` (an invoice line) is not billed
        while it has none, or its invoice is cancelled or reversed in full
        by a posted credit note. A partial credit note frees nothing."""
        return [
            "|",
            "|",
            (field_name, "=", False),
            (f"{field_name}.parent_state", "=", "cancel"),
            (f"{field_name}.move_id.support_reversed", "=", True),
        ]

    @api.model
    def _support_unbilled_time_domain(self):
        """Timesheets to bill: billable time (helpdesk's one rule: a billable
        ticket, approved where approval is asked, logged from the decision on
        unless the customer approved the hours before by name), not billed
        yet."""
        return [
            *self.env["helpdesk.ticket"]._support_billable_time_domain(),
            *self._support_not_billed_domain("support_invoice_line_id"),
        ]

    @api.model
    def _support_unbilled_upgrade_domain(self):
        """Upgrades whose fee is due and not billed yet."""
        return [
            ("fee_due", "=", True),
            *self._support_not_billed_domain("fee_invoice_line_id"),
        ]

    @api.model
    def _support_unbilled_usage_domain(self):
        """Usage not billed yet."""
        return self._support_not_billed_domain("invoice_line_id")

    def _support_pending_charges(self, until):
        """What these agreements have to bill up to ``until``, not billed yet.

        {agreement id: {"time" | "upgrade" | "usage": records}}, found with
        one search per kind for all the agreements, each by its "not yet
        billed" rule. Read as superuser: what an invoice holds does not
        depend on who presses the button.
        """
        env = self.sudo().env
        found = {
            "time": env["account.analytic.line"].search(
                [
                    ("helpdesk_ticket_id.agreement_id", "in", self.ids),
                    ("date", "<=", until),
                    *self._support_unbilled_time_domain(),
                ],
                order="date, id",
            ),
            "upgrade": env["support.upgrade"].search(
                [
                    ("agreement_id", "in", self.ids),
                    ("commencement_date", "<=", until),
                    *self._support_unbilled_upgrade_domain(),
                ],
                order="commencement_date, id",
            ),
            "usage": env["support.usage"].search(
                [
                    ("agreement_id", "in", self.ids),
                    ("date", "<=", until),
                    *self._support_unbilled_usage_domain(),
                ],
                order="date, id",
            ),
        }
        agreement_of = {
            "time": lambda r: r.helpdesk_ticket_id.agreement_id.id,
            "upgrade": lambda r: r.agreement_id.id,
            "usage": lambda r: r.agreement_id.id,
        }
        ids = {agreement_id: defaultdict(list) for agreement_id in self.ids}
        for kind, records in found.items():
            for record in records:
                ids[agreement_of[kind](record)][kind].append(record.id)
        return {
            agreement_id: {
                kind: records.browse(kinds.get(kind, []))
                for kind, records in found.items()
            }
            for agreement_id, kinds in ids.items()
        }

    @staticmethod
    def _support_take(pending, kind, keep):
        """The pending records of ``kind`` for which ``keep`` holds, taken out."""
        records = pending[kind]
        due = records.filtered(keep)
        pending[kind] = records - due
        return due

    def _support_by_period(self, records, date_name):
        """[((start, end), records)] of ``records`` by the period of their date."""
        grouped = defaultdict(list)
        for record in records:
            grouped[self._support_period_of(record[date_name])].append(record.id)
        return [
            (period, records.browse(ids)) for period, ids in sorted(grouped.items())
        ]
