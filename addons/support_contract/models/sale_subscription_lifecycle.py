"""What may happen to an agreement once it is signed: deleting and pausing it."""

from odoo import api, models
from odoo.exceptions import UserError


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    def _support_has_invoices(self):
        """The agreement has invoices (of its own or of its sale order)."""
        self.ensure_one()
        agreement = self.sudo()
        invoices = agreement.invoice_ids | agreement.sale_order_id.invoice_ids
        return bool(invoices.filtered(lambda move: move.state != "cancel"))

    def _support_started(self):
        """The agreement is (or was) in force: it is no longer a draft."""
        self.ensure_one()
        return self.stage_id.type in ("in_progress", "post")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started_agreement(self):
        """Only a draft agreement without invoices can be deleted: the
        invoices of a signed one point at it, and it binds the customer for
        its minimum term."""
        for agreement in self.filtered("support_kind"):
            if not (agreement._support_has_invoices() or agreement._support_started()):
                continue
            message = self.env._(
                "%(agreement)s cannot be deleted: it has been signed or invoiced, "
                "and its invoices and history must stay. Close it instead (the "
                "Close subscription button).",
                agreement=agreement.display_name,
            )
            notice = agreement._support_close_notice()
            if notice:
                message = f"{message}\n\n{notice}"
            raise UserError(message)

    # ------------------------------------------------------------------
    # Pausing
    # ------------------------------------------------------------------

    def _support_pause_notice(self):
        """What pausing the agreement today does, for the user to read first."""
        self.ensure_one()
        if not self._support_within_minimum_term():
            return False
        return self.env._(
            "%(agreement)s has a minimum term until %(end)s and is billed every "
            "month until then. Only a Support Manager can pause it before that "
            "date, with a reason: no invoice is made while it is paused.",
            agreement=self.display_name,
            end=self._support_format_date(self.support_minimum_term_end),
        )

    def _support_check_may_pause(self, reason):
        """The one rule of pausing: inside the minimum term only a Support
        Manager pauses, with a reason. Returns whether it is inside."""
        self.ensure_one()
        inside = self._support_within_minimum_term()
        if inside:
            if not self.env.su and not self.env.user.has_group(
                "support_contract.group_support_manager"
            ):
                raise UserError(
                    self.env._(
                        "%(agreement)s cannot be paused: its minimum term runs "
                        "until %(end)s and it is billed every month until then. "
                        "Ask a Support Manager if it must be paused anyway.",
                        agreement=self.display_name,
                        end=self._support_format_date(self.support_minimum_term_end),
                    )
                )
            if not reason:
                raise UserError(
                    self.env._(
                        "%(agreement)s is in its minimum term until %(end)s: give "
                        "the reason for pausing it (no invoice is made while it is "
                        "paused).",
                        agreement=self.display_name,
                        end=self._support_format_date(self.support_minimum_term_end),
                    )
                )
        return inside

    def action_open_pause_wizard(self):
        action = super().action_open_pause_wizard()
        # The dialog's title in the user's language (subscription_oca ships no
        # Swedish).
        action["name"] = self.env._("Pause subscription")
        return action

    def action_pause(self, paused_until=None):
        """Pausing stops the monthly invoices: inside the minimum term that
        gives months away, a Support Manager's decision with a reason (given
        in the pause wizard, kept in the chatter)."""
        self.ensure_one()
        reason = (self.env.context.get("support_pause_reason") or "").strip()
        inside = self._support_check_may_pause(reason)
        res = super(
            SaleSubscription, self.with_context(support_pausing=True)
        ).action_pause(paused_until=paused_until)
        if inside:
            self.message_post(
                body=self.env._(
                    "Paused inside the minimum term (until %(end)s) by %(user)s: "
                    "%(reason)s. No invoice is made while it is paused.",
                    end=self._support_format_date(self.support_minimum_term_end),
                    user=self.env.user.name,
                    reason=reason,
                )
            )
        return res
