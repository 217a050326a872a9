from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request

from odoo.addons.account.controllers.portal import PortalAccount

from ..models.account_move_send import STATEMENT_REPORT


class SupportStatementPortal(PortalAccount):
    @http.route()
    def portal_my_invoice_detail(
        self, invoice_id, access_token=None, report_type=None, download=False, **kw
    ):
        """An invoice waiting in Odoo's sending queue is shown and downloaded
        as the invoice it is, never as a pro forma: its PDF is made now, as
        the sending job would make it (which then sends that PDF)."""
        if report_type in ("html", "pdf"):
            try:
                invoice_sudo = self._document_check_access(
                    "account.move", invoice_id, access_token
                )
            except (AccessError, MissingError):
                invoice_sudo = None
            if invoice_sudo:
                invoice_sudo._support_make_queued_documents()
        return super().portal_my_invoice_detail(
            invoice_id,
            access_token=access_token,
            report_type=report_type,
            download=download,
            **kw,
        )

    @http.route(
        "/my/invoices/<int:invoice_id>/support-statement",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_my_invoice_support_statement(
        self, invoice_id, access_token=None, download=False, **kw
    ):
        """The support statement of an agreement's invoice, for whoever may
        read the invoice on the portal (its contact, or its access token)."""
        try:
            invoice_sudo = self._document_check_access(
                "account.move", invoice_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not invoice_sudo._support_has_statement():
            return request.redirect(invoice_sudo.get_portal_url())
        report = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(invoice_sudo.company_id)
            ._render_qweb_pdf(STATEMENT_REPORT, invoice_sudo.ids)[0]
        )
        filename = f"{invoice_sudo._support_statement_filename()}.pdf"
        return request.make_response(
            report,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(report)),
                (
                    "Content-Disposition",
                    content_disposition(
                        filename,
                        disposition_type="attachment" if download else "inline",
                    ),
                ),
            ],
        )
