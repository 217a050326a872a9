from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _wkhtml

STATEMENT_REPORT = "support_billing.action_report_support_statement"


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_placeholder_mail_template_dynamic_attachments_data(
        self, move, mail_template, pdf_report=None
    ):
        """An agreement's invoice, and the monthly invoice of hours without an
        agreement, are sent with their support statement."""
        attachments = super()._get_placeholder_mail_template_dynamic_attachments_data(
            move, mail_template, pdf_report=pdf_report
        )
        report = self.env.ref(STATEMENT_REPORT, raise_if_not_found=False)
        if (
            report
            and move._support_has_statement()
            and not any(
                a.get("dynamic_report") == report.report_name for a in attachments
            )
        ):
            name = f"{move._support_statement_filename()}.pdf"
            attachments.append(
                {
                    "id": f"placeholder_support_statement_{move.id}",
                    "name": name,
                    "mimetype": "application/pdf",
                    "placeholder": True,
                    "dynamic_report": report.report_name,
                }
            )
        return attachments

    @api.model
    def _prepare_invoice_pdf_report(self, invoices_data):
        """One invoice PDF at a time with a wkhtmltopdf of unpatched Qt
        (Debian's, which the set-up installs): it cannot render several
        documents in one go, and Odoo's sending (the monthly run's, the
        cron's batches of ten) would fail for all of them."""
        if len(invoices_data) > 1 and not _wkhtml().is_patched_qt:
            for invoice, invoice_data in invoices_data.items():
                super()._prepare_invoice_pdf_report({invoice: invoice_data})
            return
        return super()._prepare_invoice_pdf_report(invoices_data)
