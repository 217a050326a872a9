from odoo import api, models

STATEMENT_REPORT = "support_billing.action_report_support_statement"


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_placeholder_mail_template_dynamic_attachments_data(
        self, move, mail_template, pdf_report=None
    ):
        """An agreement's invoice is sent with its support statement."""
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
