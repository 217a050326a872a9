from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _wkhtml

STATEMENT_REPORT = "support_billing.action_report_support_statement"
PATCH_ROUND_PLACEHOLDER = "placeholder_support_patch_round_"


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
        # The month's patch rounds: their maintenance reports, rendered as
        # the email is sent (see _generate_dynamic_reports).
        for round_ in move._support_patch_rounds_to_send():
            attachments.append(
                {
                    "id": f"{PATCH_ROUND_PLACEHOLDER}{round_.id}",
                    "name": round_._support_report_filename(),
                    "mimetype": "application/pdf",
                    "placeholder": True,
                }
            )
        return attachments

    @api.model
    def _generate_dynamic_reports(self, moves_data):
        """Render the maintenance reports the invoices' emails carry, and
        record each round as sent with its invoice (a report goes out with
        one invoice only)."""
        res = super()._generate_dynamic_reports(moves_data)
        for move, move_data in moves_data.items():
            widget = move_data.get("mail_attachments_widget") or []
            wanted = {
                int(item["id"].removeprefix(PATCH_ROUND_PLACEHOLDER))
                for item in widget
                if isinstance(item.get("id"), str)
                and item["id"].startswith(PATCH_ROUND_PLACEHOLDER)
                and not item.get("skip")
            }
            rounds = move._support_patch_rounds_to_send().filtered(
                lambda r, wanted=wanted: r.id in wanted
            )
            for round_ in rounds:
                attachment = (
                    self.env["ir.attachment"]
                    .sudo()
                    .create(
                        {
                            "raw": round_._support_render_report(),
                            "name": round_._support_report_filename(),
                            "mimetype": "application/pdf",
                            "res_model": move._name,
                            "res_id": move.id,
                        }
                    )
                )
                widget.append(
                    {
                        "id": attachment.id,
                        "name": attachment.name,
                        "mimetype": "application/pdf",
                        "placeholder": False,
                        "protect_from_deletion": True,
                    }
                )
            rounds.support_invoice_id = move
            move_data["mail_attachments_widget"] = widget
        return res

    @api.model
    def _hook_if_success(self, moves_data, from_cron=False):
        """An agreement's invoice that Odoo's sending could not email (its
        customer has no email address: Odoo's own "no recipient" rule) gets a
        note and a to-do for whoever sent it, instead of passing as sent."""
        res = super()._hook_if_success(moves_data, from_cron=from_cron)
        for move, move_data in moves_data.items():
            agreement = move.subscription_id
            if (
                agreement.support_kind
                and "email" in move_data["sending_methods"]
                and not self._is_applicable_to_move("email", move, **move_data)
            ):
                user = self.env["res.users"].browse(move_data.get("author_user_id"))
                agreement._support_report_missing_email(
                    move,
                    move.with_context(lang=user.lang or self.env.lang).env._(
                        "invoice %(invoice)s", invoice=move.name
                    ),
                    user.exists() or move.invoice_user_id or agreement.user_id,
                )
        return res

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
