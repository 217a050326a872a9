from odoo import fields, models

PATCH_ROUND_REPORT = "support_contract.action_report_patch_round"


class SupportPatchRound(models.Model):
    _inherit = "support.patch.round"

    support_invoice_id = fields.Many2one(
        "account.move",
        string="Sent with invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The invoice whose email carried this round's maintenance report.",
    )
    # Its number, for the consultants who read the round without reading
    # invoices.
    support_invoice_name = fields.Char(
        related="support_invoice_id.name", string="Report sent with invoice"
    )

    def _support_report_filename(self):
        """The report's file name in the customer's language."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        return self.with_context(lang=lang).env._(
            "Maintenance report %(instance)s %(month)s.pdf",
            instance=self.instance_id.name,
            month=f"{self.period:%Y-%m}",
        )

    def _support_render_report(self):
        """The maintenance report's PDF, in the customer's language."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        content, _format = (
            self.env["ir.actions.report"]
            .sudo()
            .with_company(self.company_id)
            .with_context(lang=lang)
            ._render_qweb_pdf(PATCH_ROUND_REPORT, self.ids)
        )
        return content
