"""A new customer lives in the time zone of the company that sells to him."""

from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestNewPartnerTimezone(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Svensk Partner AB"})
        cls.company.partner_id.tz = "Europe/Stockholm"
        cls.consultant = new_test_user(
            cls.env,
            login="konsult_tz",
            groups="base.group_user,support_contract.group_support_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            tz="Europe/Helsinki",
        )

    def create_in_form(self, user, **values):
        """A partner created on the contact form by ``user`` (no time zone
        in the request: the portal's and the crons' case)."""
        form = Form(self.env["res.partner"].with_user(user).with_context(tz=False))
        form.name = "Ny Kund AB"
        form.company_type = "company"
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def test_a_new_customer_and_his_contact_get_the_companys_time_zone(self):
        partner = self.create_in_form(self.consultant)
        self.assertEqual(partner.tz, "Europe/Stockholm")
        contact = (
            self.env["res.partner"]
            .with_user(self.consultant)
            .with_context(tz=False)
            .create({"name": "Nils Kund", "parent_id": partner.id})
        )
        self.assertEqual(contact.tz, "Europe/Stockholm")

    def test_the_users_time_zone_when_the_company_has_none(self):
        self.company.partner_id.tz = False
        self.assertEqual(self.create_in_form(self.consultant).tz, "Europe/Helsinki")

    def test_a_time_zone_chosen_explicitly_is_kept(self):
        Partner = self.env["res.partner"].with_user(self.consultant)
        self.assertEqual(
            Partner.with_context(default_tz="Europe/London")
            .create({"name": "London Ltd"})
            .tz,
            "Europe/London",
        )
        self.assertEqual(
            Partner.create({"name": "London Ltd", "tz": "Europe/London"}).tz,
            "Europe/London",
        )
