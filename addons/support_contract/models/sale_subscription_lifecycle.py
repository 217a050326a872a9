"""What may happen to an agreement once it is signed: deleting it."""

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
