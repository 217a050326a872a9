import werkzeug

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.portal.controllers.portal import CustomerPortal


class SupportHelpdeskTicketController(HelpdeskTicketController):
    """helpdesk_mgmt's ticket routes with the customer's scope, and closed to
    other customers' tickets."""

    @http.route("/ticket/close", type="http", auth="user", methods=["POST"])
    def support_ticket_close(self, **kw):
        # helpdesk_mgmt looks the ticket up with sudo() and checks nothing:
        # check that the user may read it first, as every portal route does.
        # POST only, so Odoo checks the form's CSRF token: a link or an image
        # on another site cannot close a customer's ticket.
        try:
            ticket_id = int(kw.get("ticket_id") or 0)
            CustomerPortal()._document_check_access("helpdesk.ticket", ticket_id)
        except (AccessError, MissingError, ValueError):
            return request.redirect("/my")
        return super().support_ticket_close(**kw)

    def _support_scope_categories(self):
        """Every category a customer may choose: helpdesk_mgmt's own, active,
        shown in the portal, of this company or shared."""
        company = request.env.company
        return (
            request.env["helpdesk.ticket.category"]
            .sudo()
            .search(
                [
                    ("show_in_portal", "=", True),
                    ("company_id", "in", (company.id, False)),
                ]
            )
        )

    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        partner = request.env.user.partner_id.commercial_partner_id
        Ticket = request.env["helpdesk.ticket"]
        agreement = (
            request.env["sale.subscription"].sudo()._support_covering_agreement(partner)
        )
        rate = Ticket._support_hourly_rate(partner=partner)
        values.update(
            {
                "scope_categories": self._support_scope_categories(),
                "scope_agreement": agreement,
                "scope_hourly_rate": rate,
                "scope_currency": request.env.company.currency_id,
            }
        )
        return values

    def _prepare_submit_ticket_vals(self, **kw):
        # helpdesk_mgmt takes any category id it is given: ours are checked.
        category_param = kw.pop("category", None)
        vals = super()._prepare_submit_ticket_vals(**kw)
        try:
            category_id = int(category_param or 0)
        except ValueError:
            category_id = 0
        # Only a category the form offers: a forged id sets nothing.
        category = self._support_scope_categories().filtered(
            lambda c: c.id == category_id
        )
        vals["category_id"] = category.id or False
        return vals


class SupportHelpdeskPortal(CustomerPortal):
    @http.route(
        ["/my/ticket/<int:ticket_id>/billable/<string:answer>"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_ticket_billable_answer(self, ticket_id, answer, **kw):
        """The customer approves or declines billable work on a ticket."""
        try:
            ticket_sudo = self._document_check_access("helpdesk.ticket", ticket_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if answer not in ("approve", "approve_logged", "decline"):
            raise werkzeug.exceptions.NotFound()
        # Only the customer's own contacts answer for it: a follower of
        # another company (helpdesk_mgmt subscribes every To/Cc of incoming
        # mail) reads the ticket but decides nothing.
        partner = request.env.user.partner_id
        if partner.commercial_partner_id != ticket_sudo.commercial_partner_id:
            return request.redirect("/my")
        if (
            ticket_sudo.approval_state == "pending"
            or ticket_sudo.logged_hours_state == "asked"
        ):
            ticket_sudo._support_answer_approval(
                answer != "decline",
                request.env.user.partner_id,
                logged=answer == "approve_logged",
            )
        return request.redirect(f"/my/ticket/{ticket_id}")
