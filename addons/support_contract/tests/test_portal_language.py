import re
from datetime import date

from odoo.tests import HttpCase, tagged
from odoo.tests.common import HOST

from .common import SupportContractCommon


@tagged("post_install", "-at_install")
class TestPortalLanguage(SupportContractCommon, HttpCase):
    def test_customer_reads_the_portal_in_swedish_after_logging_in(self):
        self.env["res.lang"]._activate_lang("sv_SE")
        self.start_agreement(self.template_msa, self.customer, date(2026, 1, 1))
        user = self.portal_user("kund_svenska", self.contact)
        user.lang = "sv_SE"
        # A visitor's earlier pages left Odoo's frontend language cookie at
        # the site's default language (as a browser has it before logging in).
        self.opener.cookies.set("frontend_lang", "en_US", domain=HOST, path="/")
        page = self.url_open("/web/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            "/web/login",
            data={"login": user.login, "password": user.login, "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.opener.cookies.get("frontend_lang"), "sv_SE")
        agreements = self.url_open("/my/agreements").text
        self.assertIn("Avtal", agreements)
        self.assertNotIn(">Agreements<", agreements)
