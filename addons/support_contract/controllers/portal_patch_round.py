from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class SupportInstancePortal(CustomerPortal):
    """The customer's instance page, /my/instances/<id>: the instance and its
    closed patch rounds. The instance is checked as the portal user (the
    record rules decide); only the display goes through sudo."""

    @http.route(
        ["/my/instances/<int:instance_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_instance(self, instance_id, **kw):
        try:
            instance_sudo = self._document_check_access("support.instance", instance_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        rounds = instance_sudo.patch_round_ids.filtered(
            lambda r: r.state == "done"
        ).sorted("period", reverse=True)
        values.update(
            {
                "instance": instance_sudo,
                "agreement": instance_sudo.agreement_id,
                "patch_rounds": rounds,
                "page_name": "support_instance",
            }
        )
        return request.render("support_contract.portal_my_instance", values)
