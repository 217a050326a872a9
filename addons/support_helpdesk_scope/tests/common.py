from datetime import date

from odoo.tests import new_test_user

from odoo.addons.support_contract.tests.common import SupportContractCommon


class SupportHelpdeskCommon(SupportContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Scope changes must be tracked: no tracking_disable here.
        context = dict(cls.env.context)
        context.pop("tracking_disable", None)
        cls.env = cls.env(context=context)
        cls.hour_product.list_price = 1000
        cls.company.support_hourly_product_id = cls.hour_product
        cls.project = cls.env["project.project"].create(
            {"name": "Support tickets (test)", "allow_timesheets": True}
        )
        cls.company.support_timesheet_project_id = cls.project
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Konsult (test)", "company_id": cls.company.id}
        )
        cls.cat = {
            code: cls.env.ref(f"support_helpdesk_scope.scope_{code}")
            for code in (
                "how_to",
                "program_error",
                "technical",
                "end_user",
                "import_export",
                "data_quality",
                "configuration",
                "implementation",
                "training",
                "infrastructure",
                "transactions",
            )
        }
        cls.contact.email = "karin@kund-ett.example"
        cls.agreement = cls.start_agreement(
            cls.template_msa, cls.customer, date(2026, 1, 1)
        )
        cls.helpdesk_user = new_test_user(
            cls.env,
            login="helpdesk_scope_user",
            groups="support_contract.group_support_user,helpdesk_mgmt.group_helpdesk_user,"
            "hr_timesheet.group_hr_timesheet_user",
        )
        # The roles, with exactly the groups of the README's table, and the
        # employees they log time as.
        cls.desk = cls.role_user(
            "scope_desk", "base.group_user,support_contract.group_support_user"
        )
        cls.manager = cls.role_user(
            "scope_manager", "base.group_user,support_contract.group_support_manager"
        )
        cls.agent = cls.role_user(
            "scope_agent", "base.group_user,helpdesk_mgmt.group_helpdesk_user"
        )

    @classmethod
    def role_user(cls, login, groups, employee=True):
        user = new_test_user(
            cls.env,
            login=login,
            password=login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        if employee:
            cls.env["hr.employee"].create(
                {"name": login, "user_id": user.id, "company_id": cls.company.id}
            )
        return user

    @classmethod
    def new_ticket(cls, category, partner=None, ticket_date=None, **values):
        return cls.env["helpdesk.ticket"].create(
            {
                "name": f"Ticket about {category}",
                "description": "Help",
                "partner_id": (partner or cls.contact).id,
                "category_id": cls.cat[category].id if category else False,
                "ticket_date": ticket_date or date(2026, 6, 1),
                **values,
            }
        )

    def log_time(self, ticket, hours):
        return self.env["account.analytic.line"].create(
            {
                "name": "Work",
                "helpdesk_ticket_id": ticket.id,
                "employee_id": self.employee.id,
                "unit_amount": hours,
            }
        )
