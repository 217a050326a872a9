from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.sale.controllers.portal import CustomerPortal as SaleCustomerPortal

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
        repositories = agreement_sudo.support_repository_ids.filtered("active")
        databases = agreement_sudo._support_counted_instances()
        history = (
            (repositories.snapshot_ids | databases.snapshot_ids)
            .filtered(lambda s: s.state == "applied")
            .sorted("date")
        )
        values.update(
            {
                "agreement": agreement_sudo,
                "instances": agreement_sudo.support_instance_ids.filtered("active"),
                "upgrades": agreement_sudo.support_upgrade_ids,
                "repositories": repositories,
                "count_sources": [
                    {
                        "name": source.name
                        if source._name == "support.repository"
                        else source._support_customer_label(),
                        "kind": source._name,
                        "latest": source.snapshot_ids.filtered(
                            lambda s: s.state == "applied"
                        )[:1],
                    }
                    for source in list(repositories) + list(databases)
                ],
                "count_history": history.sorted("date", reverse=True),
                "code_line_chart": self._support_code_line_chart(history),
                "code_line_line": agreement_sudo._support_code_line_line(),
                "page_name": "support_agreement",
            }
        )
        return request.render("support_contract.portal_my_agreement", values)

    def _support_code_line_chart(self, snapshots, width=600, height=160):
        """Points of a small SVG line chart: the agreement's charged code lines
        after each count, oldest first (every source at its latest count).
        """
        current, totals = {}, []
        for snapshot in snapshots.sorted(lambda s: (s.date, s.id)):
            current[snapshot._source()] = snapshot.billable_code_lines
            totals.append((snapshot.date.date(), sum(current.values())))
        if not totals:
            return {}
        peak = max(value for _day, value in totals) or 1
        step = width / max(len(totals) - 1, 1)
        points = [
            {
                "x": round(index * step if len(totals) > 1 else width / 2, 1),
                "y": round(height - height * value / peak, 1),
                "label": day,
                "value": value,
            }
            for index, (day, value) in enumerate(totals)
        ]
        return {
            "width": width,
            "height": height,
            "points": points,
            "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        }


class SupportQuotePortal(SaleCustomerPortal):
    """A quotation priced from a count that is too old is not signed: the
    customer is told why, and the price is counted again first."""

    @http.route()
    def portal_quote_accept(
        self, order_id, access_token=None, name=None, signature=None
    ):
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            order_sudo = None
        if order_sudo and order_sudo.support_quote_stale:
            return {"error": order_sudo._support_stale_message()}
        return super().portal_quote_accept(
            order_id, access_token=access_token, name=name, signature=signature
        )
