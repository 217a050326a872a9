from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

AGREEMENTS_PER_PAGE = 20


class SupportAgreementPortal(CustomerPortal):
    """The customer's agreements: /my/agreements and /my/agreements/<id>.

    Records are searched and checked as the portal user, so the record rules
    decide what a customer sees; only the display goes through sudo.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "support_agreement_count" in counters:
            Agreement = request.env["sale.subscription"]
            values["support_agreement_count"] = (
                Agreement.search_count(self._support_agreement_domain())
                if Agreement.has_access("read")
                else 0
            )
        return values

    def _support_agreement_domain(self):
        return [("support_kind", "!=", False)]

    @http.route(
        ["/my/agreements", "/my/agreements/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_agreements(self, page=1, **kw):
        Agreement = request.env["sale.subscription"]
        if not Agreement.has_access("read"):
            return request.redirect("/my")
        domain = self._support_agreement_domain()
        values = self._prepare_portal_layout_values()
        count = Agreement.search_count(domain)
        pager = portal_pager(
            url="/my/agreements",
            total=count,
            page=page,
            step=AGREEMENTS_PER_PAGE,
        )
        agreements = Agreement.search(
            domain,
            order="date_start desc, id desc",
            limit=AGREEMENTS_PER_PAGE,
            offset=pager["offset"],
        )
        values.update(
            {
                "agreements": agreements.sudo(),
                "page_name": "support_agreement",
                "pager": pager,
                "default_url": "/my/agreements",
            }
        )
        return request.render("support_contract.portal_my_agreements", values)

    @http.route(
        ["/my/agreements/<int:agreement_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_agreement(self, agreement_id, **kw):
        try:
            agreement_sudo = self._document_check_access(
                "sale.subscription", agreement_id
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not agreement_sudo.support_kind:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "agreement": agreement_sudo,
                "instances": agreement_sudo.support_instance_ids.filtered("active"),
                "upgrades": agreement_sudo.support_upgrade_ids,
                "page_name": "support_agreement",
            }
        )
        return request.render("support_contract.portal_my_agreement", values)
