from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.web import Home


class SupportHome(Home):
    """Customers read the portal in their own language from the first page.

    Odoo chooses a portal page's language from the ``frontend_lang`` cookie
    before the user's own: the login page, seen as a visitor, sets it to the
    site's default. A successful login sets it to the user's language.
    """

    @http.route()
    def web_login(self, redirect=None, **kw):
        response = super().web_login(redirect=redirect, **kw)
        if request.params.get("login_success") and request.session.uid:
            lang = request.env["res.users"].sudo().browse(request.session.uid).lang
            if lang and hasattr(response, "set_cookie"):
                response.set_cookie("frontend_lang", lang)
        return response
