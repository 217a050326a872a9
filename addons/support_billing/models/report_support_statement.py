from odoo import api, models
from odoo.exceptions import UserError


class ReportSupportStatement(models.AbstractModel):
    """The support statement explains an invoice of a period. A credit note
    has none of its own (no period, its amounts are credits): the
    accountant prints the statement of the invoice it credits."""

    _name = "report.support_billing.report_support_statement"
    _description = "Support statement report"

    @api.model
    def _get_report_values(self, docids, data=None):
        moves = self.env["account.move"].browse(docids)
        credit_notes = moves.filtered(lambda m: m.move_type != "out_invoice")
        if credit_notes:
            raise UserError(
                self.env._(
                    "%(documents)s is a credit note and has no support "
                    "statement: a support statement explains an invoice. "
                    "Print the statement of the invoice it credits.",
                    documents=", ".join(credit_notes.mapped("display_name")),
                )
            )
        return {
            "doc_ids": docids,
            "doc_model": "account.move",
            "docs": moves,
            "data": data,
        }
