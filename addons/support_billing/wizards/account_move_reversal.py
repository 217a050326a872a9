from odoo import models

# The records an invoice line bills: {model: field pointing at the line}.
BILLED_ON = {
    "account.analytic.line": "support_invoice_line_id",
    "support.usage": "invoice_line_id",
    "support.upgrade": "fee_invoice_line_id",
}


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def _prepare_default_reversal(self, move):
        """A credit note of a support invoice (of a period) says which invoice
        it credits, in the customer's language ("Krediterar faktura INV/...");
        other credit notes keep Odoo's reference."""
        values = super()._prepare_default_reversal(move)
        if move.move_type == "out_invoice" and move.support_period_start:
            env = self.with_context(lang=move.partner_id.lang or self.env.lang).env
            if self.reason:
                values["ref"] = env._(
                    "Credits invoice %(invoice)s: %(reason)s",
                    invoice=move.name,
                    reason=self.reason,
                )
            else:
                values["ref"] = env._("Credits invoice %(invoice)s", invoice=move.name)
        return values

    def _modify_default_reverse_values(self, origin_move):
        """*Reverse and create invoice*: the new invoice takes over the
        period of the one credited in full."""
        values = super()._modify_default_reverse_values(origin_move)
        if origin_move.support_period_start:
            # Reversed in full just now: written before the new invoice is,
            # so the one-invoice-per-period index lets it in.
            origin_move.flush_recordset(["support_reversed"])
            values.update(
                {
                    "support_period_start": origin_move.support_period_start,
                    "support_period_end": origin_move.support_period_end,
                }
            )
        return values

    def reverse_moves(self, is_modify=False):
        """... and what the credited invoice billed is billed by the new one's
        lines (the copies of its lines), not again by the next invoice."""
        originals = self.move_ids.filtered("support_period_start")
        action = super().reverse_moves(is_modify=is_modify)
        if is_modify and originals:
            self._support_move_billed_records(originals, self.new_move_ids)
        return action

    def _support_move_billed_records(self, originals, new_moves):
        env = self.env(su=True)
        for original in originals:
            new_move = new_moves.filtered(
                lambda m, o=original: (
                    m.subscription_id == o.subscription_id
                    and m.support_period_start == o.support_period_start
                )
            )[:1]
            if not new_move:
                continue
            old_lines = original.invoice_line_ids.filtered(
                lambda li: li.display_type == "product"
            ).sorted(lambda li: (li.sequence, li.id))
            new_lines = new_move.invoice_line_ids.filtered(
                lambda li: li.display_type == "product"
            ).sorted(lambda li: (li.sequence, li.id))
            moved = dict(zip(old_lines.ids, new_lines.ids, strict=False))
            for model, field_name in BILLED_ON.items():
                for record in env[model].search([(field_name, "in", list(moved))]):
                    record[field_name] = moved[record[field_name].id]
