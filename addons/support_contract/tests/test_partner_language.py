"""A new customer speaks the language of the company that sells to him."""

from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestNewPartnerLanguage(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("sv_SE")
        # The database's own default language for partners stays English,
        # as Odoo sets it when a database is created in English.
        cls.env["ir.default"].set("res.partner", "lang", "en_US")
        cls.company = cls.env["res.company"].create({"name": "Svensk Partner AB"})
        cls.company.partner_id.lang = "sv_SE"
        cls.consultant = new_test_user(
            cls.env,
            login="konsult_sv",
            groups="base.group_user,support_contract.group_support_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            lang="sv_SE",
        )

    def create_in_form(self, user, **values):
        """A partner created on the contact form by ``user``."""
        form = Form(self.env["res.partner"].with_user(user))
        form.name = "Ny Kund AB"
        form.company_type = "company"
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def test_a_customer_created_by_swedish_staff_speaks_swedish(self):
        partner = self.create_in_form(self.consultant)
        self.assertEqual(partner.lang, "sv_SE")
        # His contact too, created from the company's form.
        contact = (
            self.env["res.partner"]
            .with_user(self.consultant)
            .create({"name": "Nils Kund", "parent_id": partner.id})
        )
        self.assertEqual(contact.lang, "sv_SE")

    def test_the_company_language_comes_before_the_users(self):
        self.consultant.lang = "en_US"
        self.assertEqual(self.create_in_form(self.consultant).lang, "sv_SE")

    def test_the_users_language_when_the_company_has_none(self):
        self.company.partner_id.lang = False
        self.assertEqual(self.create_in_form(self.consultant).lang, "sv_SE")

    def test_a_language_chosen_explicitly_is_kept(self):
        partner = self.create_in_form(self.consultant, lang="en_US")
        self.assertEqual(partner.lang, "en_US")
        Partner = self.env["res.partner"].with_user(self.consultant)
        self.assertEqual(
            Partner.create({"name": "English Ltd", "lang": "en_US"}).lang, "en_US"
        )
        self.assertEqual(
            Partner.with_context(default_lang="en_US")
            .create({"name": "English Two Ltd"})
            .lang,
            "en_US",
        )

    def test_a_portal_signup_gets_the_company_language(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2c"
        )
        Users = self.env["res.users"].sudo().with_company(self.company)
        login = Users.signup({"login": "ny@kund.example", "name": "Ny Kund"})[0]
        user = Users.search([("login", "=", login)])
        self.assertEqual(user.partner_id.lang, "sv_SE")
        # A language chosen on the signup page is kept.
        login = Users.signup(
            {"login": "new@customer.example", "name": "New", "lang": "en_US"}
        )[0]
        self.assertEqual(Users.search([("login", "=", login)]).lang, "en_US")
