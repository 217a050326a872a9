from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    support_period_start = fields.Date(
        string="Billed period from", readonly=True, copy=False, index=True
    )
    support_period_end = fields.Date(
        string="Billed period to", readonly=True, copy=False
    )

    # One invoice per agreement and period, whatever runs at the same time: a
    # cancelled invoice frees its period, a deleted one takes it along.
    _support_one_invoice_per_period = models.UniqueIndex(
        "(subscription_id, support_period_start) WHERE "
        "(support_period_start IS NOT NULL AND state != 'cancel')",
        "This agreement already has an invoice for this period.",
    )

    def _get_mail_template(self):
        """Invoices of agreements are sent with their template's email."""
        templates = self.subscription_id.template_id.invoice_mail_template_id
        if len(templates) == 1 and all(
            move.move_type == "out_invoice"
            and move.subscription_id.support_kind
            and move.subscription_id.template_id.invoice_mail_template_id
            for move in self
        ):
            return templates
        return super()._get_mail_template()
