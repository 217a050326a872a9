"""The daily work on tickets, done as the people who do it."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SupportHelpdeskCommon


@tagged("post_install", "-at_install")
class TestTicketRoles(SupportHelpdeskCommon):
    def log_as(self, user, ticket, hours, name="Work"):
        """Log time as ``user`` through the ticket's Time and scope tab."""
        with Form(ticket.with_user(user)) as form:
            with form.timesheet_ids.new() as line:
                line.name = name
                line.unit_amount = hours
        return ticket.timesheet_ids.filtered(lambda t: t.name == name)

    def test_every_role_logs_time_on_a_ticket_and_sees_all_of_its_time(self):
        ticket = self.new_ticket("how_to")
        for user in (self.desk, self.manager, self.agent):
            with self.subTest(user=user.login):
                line = self.log_as(user, ticket, 1, name=f"Work of {user.login}")
                self.assertEqual(line.user_id, user)
                self.assertEqual(line.project_id, self.project)
        self.assertEqual(ticket.hours_spent, 3)
        for user in (self.desk, self.manager, self.agent):
            with self.subTest(reader=user.login):
                mine = ticket.with_user(user)
                mine.invalidate_recordset()
                self.assertEqual(len(mine.timesheet_ids), 3)

    def test_support_manager_corrects_a_colleagues_time_others_their_own(self):
        ticket = self.new_ticket("how_to")
        line = self.log_as(self.desk, ticket, 1, name="Desk work")
        line.with_user(self.manager).unit_amount = 0.5
        self.assertEqual(line.unit_amount, 0.5)
        with self.assertRaises(AccessError):
            line.with_user(self.agent).unit_amount = 2
        line.with_user(self.desk).unit_amount = 0.75
        self.assertEqual(ticket.hours_spent, 0.75)

    def test_support_hours_report_shows_every_hour_to_support_staff(self):
        included = self.new_ticket("how_to")
        billable = self.new_ticket("import_export")
        self.log_time(included, 2)
        self.log_time(billable, 1.5)
        domain = [("helpdesk_ticket_id", "in", (included | billable).ids)]
        for user in (self.desk, self.manager):
            with self.subTest(user=user.login):
                groups = (
                    self.env["account.analytic.line"]
                    .with_user(user)
                    ._read_group(domain, ["support_hours_state"], ["unit_amount:sum"])
                )
                self.assertEqual(dict(groups), {"included": 2.0, "billable": 1.5})

    def test_staff_without_an_employee_are_told_what_to_do(self):
        nobody = self.role_user(
            "scope_no_employee",
            "base.group_user,support_contract.group_support_user",
            employee=False,
        )
        ticket = self.new_ticket("how_to")
        with self.assertRaisesRegex(UserError, "has no employee.*Ask an administrator"):
            self.log_as(nobody, ticket, 1)

    def test_helpdesk_agent_opens_reclassifies_and_confirms_reproduction(self):
        ticket = self.new_ticket("program_error")
        form = Form(ticket.with_user(self.agent))
        self.assertEqual(form.scope, "to_review")
        ticket.with_user(self.agent).action_confirm_reproduced()
        self.assertEqual(ticket.scope, "included")
        action = ticket.with_user(self.agent).action_open_reclassify()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.agent)
            .with_context(**action["context"])
        )
        wizard.scope = "billable"
        wizard.reason = "A new report is new functionality"
        wizard.save().action_confirm()
        self.assertEqual(ticket.scope, "billable")
        self.assertEqual(ticket.scope_reason, "A new report is new functionality")

    def test_support_user_reclassifies_through_the_wizard(self):
        ticket = self.new_ticket("end_user")
        action = ticket.with_user(self.desk).action_open_reclassify()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.desk)
            .with_context(**action["context"])
        )
        wizard.scope = "billable"
        wizard.reason = "Configuration for a new warehouse"
        wizard.save().action_confirm()
        self.assertEqual(ticket.scope, "billable")

    def test_only_support_managers_edit_categories(self):
        category = self.cat["training"]
        with self.assertRaises(AccessError):
            category.with_user(self.desk).support_coverage = "included"
        with self.assertRaises(AccessError):
            category.with_user(self.agent).support_coverage = "included"
        category.with_user(self.manager).support_description = "Changed"
        self.assertEqual(category.support_description, "Changed")


@tagged("post_install", "-at_install")
class TestOneCategory(SupportHelpdeskCommon):
    def test_the_shipped_categories_are_helpdesk_categories_with_their_scope(self):
        self.assertEqual(self.cat["how_to"]._name, "helpdesk.ticket.category")
        self.assertEqual(self.cat["how_to"].support_coverage, "included")
        self.assertTrue(self.cat["program_error"].support_requires_reproduction)
        self.assertEqual(self.cat["import_export"].support_coverage, "billable")
        self.assertTrue(self.cat["import_export"].support_description)
        self.assertNotIn("support.scope.category", self.env)
        self.assertNotIn("scope_category_id", self.env["helpdesk.ticket"]._fields)

    def test_staff_set_the_category_on_the_ticket_form(self):
        form = Form(self.env["helpdesk.ticket"].with_user(self.desk))
        form.name = "Import our price list"
        form.description = "Please"
        form.partner_id = self.contact
        form.category_id = self.cat["import_export"]
        ticket = form.save()
        self.assertEqual(ticket.scope, "billable")
        self.assertEqual(ticket.support_coverage, "billable")

    def test_editing_a_category_does_not_reclassify_existing_tickets(self):
        billable = self.new_ticket("import_export")
        included = self.new_ticket("how_to")
        self.cat["import_export"].with_user(self.manager).support_coverage = "included"
        self.cat["how_to"].with_user(self.manager).write(
            {"support_coverage": "billable"}
        )
        self.env.flush_all()
        billable.invalidate_recordset()
        included.invalidate_recordset()
        self.assertEqual(billable.scope, "billable")
        self.assertEqual(included.scope, "included")
        self.assertFalse(
            included.message_ids.filtered(
                lambda m: "not covered by your agreement" in (m.body or "")
            ),
            "the customer was told nothing changed",
        )
        # Tickets categorised afterwards follow the new rule...
        self.assertEqual(self.new_ticket("import_export").scope, "included")
        self.assertEqual(self.new_ticket("how_to").scope, "billable")
        # ... and existing tickets change by reclassification only.
        billable.with_user(self.desk)._support_reclassify(
            "included", "The category is now included"
        )
        self.assertEqual(billable.scope, "included")


@tagged("post_install", "-at_install")
class TestApprovalFromTheStart(SupportHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.support_billable_approval = True
        cls.contact.lang = "en_US"

    def notices(self, ticket):
        return ticket.message_ids.filtered(
            lambda m: (
                "not covered by your agreement" in (m.body or "")
                or "inte täckt" in (m.body or "")
            )
        )

    def test_ticket_billable_from_the_start_waits_and_the_customer_is_told(self):
        form = Form(self.env["helpdesk.ticket"].with_user(self.desk))
        form.name = "Import 4,000 products"
        form.description = "Please"
        form.partner_id = self.contact
        form.category_id = self.cat["import_export"]
        ticket = form.save()
        self.assertEqual(ticket.scope, "billable")
        self.assertEqual(ticket.approval_state, "pending")
        notice = self.notices(ticket)
        self.assertTrue(notice)
        self.assertIn("approve it on the ticket's page", notice.body)
        self.assertIn(self.contact, notice.partner_ids)
        with self.assertRaisesRegex(ValidationError, "not yet approved"):
            self.log_time(ticket, 1)
        ticket._support_answer_approval(False, self.contact)
        with self.assertRaisesRegex(ValidationError, "declined"):
            self.log_time(ticket, 1)

    def test_included_ticket_asks_nothing(self):
        ticket = self.new_ticket("how_to")
        self.assertEqual(ticket.approval_state, "none")
        self.assertFalse(self.notices(ticket))

    def test_pending_and_declined_tickets_show_no_billable_hours(self):
        ticket = self.new_ticket("end_user")
        self.log_time(ticket, 2)
        self.assertEqual(ticket.included_hours, 2)
        ticket.with_user(self.desk)._support_reclassify("billable", "New function")
        self.assertEqual(ticket.approval_state, "pending")
        self.assertEqual(ticket.billable_hours, 0)
        self.assertEqual(ticket.timesheet_ids.support_hours_state, "pending")
        ticket._support_answer_approval(False, self.contact)
        self.assertEqual(ticket.billable_hours, 0)
        self.assertEqual(ticket.timesheet_ids.support_hours_state, "declined")
        billed = self.env["helpdesk.ticket"].search(
            [("id", "=", ticket.id), *ticket._support_billable_ticket_domain()]
        )
        self.assertFalse(billed, "the billed tickets and the hours shown agree")

    def test_approved_ticket_shows_its_hours_as_billable(self):
        ticket = self.new_ticket("import_export")
        ticket._support_answer_approval(True, self.contact)
        self.log_time(ticket, 1.25)
        self.assertEqual(ticket.billable_hours, 1.25)
        self.assertEqual(ticket.timesheet_ids.support_hours_state, "billable")


@tagged("post_install", "-at_install")
class TestCustomerLanguage(SupportHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("sv_SE")
        cls.env["ir.module.module"]._load_module_terms(
            ["support_helpdesk_scope"], ["sv_SE"], overwrite=True
        )
        cls.contact.lang = "sv_SE"
        cls.desk.lang = "en_US"

    def test_billable_notice_is_written_in_the_customers_language(self):
        ticket = self.new_ticket("end_user")
        ticket.with_user(self.desk)._support_reclassify("billable", "Ny funktion")
        notice = ticket.message_ids.filtered(
            lambda m: "Ny funktion" in (m.body or "") and m.message_type == "comment"
        )
        self.assertTrue(notice)
        self.assertNotIn("not covered by your agreement", notice.body)
        self.assertIn("850,00", notice.body)  # Swedish decimal comma

    def test_approval_messages_are_in_the_customers_language(self):
        self.agreement.support_billable_approval = True
        ticket = self.new_ticket("import_export")
        notice = ticket.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertIn("debiteras separat", notice.body)
        self.assertNotIn("We start the billable work", notice.body)
        ticket._support_answer_approval(True, self.contact)
        self.assertTrue(
            ticket.message_ids.filtered(
                lambda m: "godkände det debiterbara arbetet" in (m.body or "")
            )
        )


@tagged("post_install", "-at_install")
class TestCompanySettings(SupportHelpdeskCommon):
    def test_no_hourly_product_is_said_never_a_zero_rate(self):
        self.company.support_hourly_product_id = False
        ticket = self.new_ticket("import_export")
        self.assertFalse(ticket.hourly_rate_set)
        self.assertTrue(
            ticket.message_ids.filtered(
                lambda m: "rate we confirm before billing" in (m.body or "")
            )
        )
        with self.assertRaisesRegex(ValidationError, "no hourly product.*Settings"):
            self.log_as_desk(ticket)

    def log_as_desk(self, ticket):
        with Form(ticket.with_user(self.desk)) as form:
            with form.timesheet_ids.new() as line:
                line.name = "Work"
                line.unit_amount = 1

    def test_no_support_project_is_said_when_logging_time(self):
        self.company.support_timesheet_project_id = False
        ticket = self.new_ticket("how_to")
        with self.assertRaisesRegex(UserError, "No support project.*Settings"):
            self.log_as_desk(ticket)

    def test_administrator_sets_product_and_project_per_company_in_settings(self):
        admin = self.role_user(
            "scope_admin",
            "base.group_system,support_contract.group_support_manager",
            employee=False,
        )
        other = self.env["res.company"].create({"name": "Ny Partner AB"})
        shipped = self.env.ref("support_helpdesk_scope.product_support_hour")
        self.assertEqual(other.support_hourly_product_id, shipped)
        admin.company_ids |= other
        project = self.env["project.project"].create(
            {"name": "Support Ny", "company_id": other.id, "allow_timesheets": True}
        )
        settings = Form(
            self.env["res.config.settings"]
            .with_user(admin)
            .with_company(other)
            .with_context(allowed_company_ids=[other.id])
        )
        settings.support_hourly_product_id = self.hour_product
        settings.support_timesheet_project_id = project
        settings.save().execute()
        self.assertEqual(other.support_hourly_product_id, self.hour_product)
        self.assertEqual(other.support_timesheet_project_id, project)
        self.assertEqual(self.company.support_timesheet_project_id, self.project)

    def test_support_users_cannot_change_the_settings(self):
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.desk).create({}).execute()


@tagged("post_install", "-at_install")
class TestRoleMenus(SupportHelpdeskCommon):
    def visible(self, user, xmlid):
        """Shown to ``user``: the menu and every menu above it."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        menu = self.env.ref(xmlid)
        path = menu
        while menu.parent_id:
            menu = menu.parent_id
            path |= menu
        return set(path.ids) <= set(visible)

    def test_each_role_sees_the_menus_of_its_work(self):
        hours = "support_helpdesk_scope.account_analytic_line_support_menu"
        categories = "support_helpdesk_scope.helpdesk_ticket_category_menu"
        tickets = "helpdesk_mgmt.helpdesk_ticket_main_menu"
        self.assertTrue(self.visible(self.desk, hours))
        self.assertTrue(self.visible(self.manager, hours))
        self.assertFalse(self.visible(self.agent, hours))
        self.assertTrue(self.visible(self.manager, categories))
        self.assertFalse(self.visible(self.desk, categories))
        for user in (self.desk, self.manager, self.agent):
            with self.subTest(user=user.login):
                self.assertTrue(self.visible(user, tickets))
