import json
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import file_open

from odoo.addons.support_billing.tests.common import SupportBillingCommon

OCT, NOV, SEP = date(2026, 10, 1), date(2026, 11, 1), date(2026, 9, 1)
COST = 612.35  # the company's cost of a support hour

# Hand-computed from the data set below (company currency, to the öre).
# Nordkust-like A, Maintenance and Support from January: 4,900 fee, code
# lines 95 a block (60 blocks in October: the count of 15 September, 65 in
# November: the count of 20 October); in October 2.5 billable hours at
# 1,000 less 15 % (2,125.00, billed on November's invoice as October's),
# 200 transactions at 0.85 (170.00), the upgrade fee 12,500 and 4 included
# hours (4 x 612.35 = 2,449.40); in November 1.5 included hours
# (918.525, rounded 918.53). Code lines maintained: the counts in force at
# the month's end (5,950 in September, 6,420 from 20 October).
# B, Operations from October: 2,900 a month, 2 included hours in October
# (1,224.70); November's invoice credited in full (so November's MRR is
# nothing: lost).
# MRR is contracted: every month here is invoiced, so it equals MRR
# invoiced, which is its own measure.
EXPECTED = {
    ("A", SEP): {
        "code_lines": 5950,
    },
    ("A", OCT): {
        "mrr_fee": 4900.00,
        "mrr_code_lines": 5700.00,
        "mrr": 10600.00,
        "mrr_invoiced": 10600.00,
        "mrr_new": 10600.00,
        "paying_agreements": 1,
        "time_revenue": 2125.00,
        "usage_revenue": 170.00,
        "upgrade_revenue": 12500.00,
        "revenue": 25395.00,
        "billable_hours": 2.5,
        "included_hours": 4.0,
        "included_cost": 2449.40,
        "margin": 8150.60,
        "code_lines": 6420,
    },
    ("A", NOV): {
        "mrr_fee": 4900.00,
        "mrr_code_lines": 6175.00,
        "mrr": 11075.00,
        "mrr_invoiced": 11075.00,
        "mrr_changed": 475.00,
        "paying_agreements": 1,
        "revenue": 11075.00,
        "included_hours": 1.5,
        "included_cost": 918.53,
        "margin": 10156.47,
        "code_lines": 6420,
    },
    ("B", OCT): {
        "mrr_fee": 2900.00,
        "mrr": 2900.00,
        "mrr_invoiced": 2900.00,
        "mrr_new": 2900.00,
        "paying_agreements": 1,
        "revenue": 2900.00,
        "included_hours": 2.0,
        "included_cost": 1224.70,
        "margin": 1675.30,
    },
    ("B", NOV): {
        "mrr_lost": -2900.00,
    },
}
MEASURES = [
    "mrr_fee",
    "mrr_code_lines",
    "mrr",
    "mrr_invoiced",
    "mrr_new",
    "mrr_changed",
    "mrr_lost",
    "paying_agreements",
    "time_revenue",
    "usage_revenue",
    "upgrade_revenue",
    "revenue",
    "billable_hours",
    "included_hours",
    "included_cost",
    "margin",
    "code_lines",
]


@tagged("post_install", "-at_install")
class TestCockpit(SupportBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.support_hour_cost = COST
        income = cls.monthly_product.property_account_income_id
        cls.code_product = cls.env["product.product"].create(
            {"name": "Code lines (test)", "type": "service", "list_price": 95}
        )
        cls.ops_product = cls.env["product.product"].create(
            {"name": "Operations fee (test)", "type": "service", "list_price": 2900}
        )
        for product in (cls.code_product, cls.ops_product):
            product.property_account_income_id = income
            product.taxes_id = cls.vat25
        cls.template_msa.support_code_line_product_id = cls.code_product
        # A: the common agreement (fee 4,900) with a code-line line.
        cls.agreement_a = cls.agreement
        cls.agreement_a.sale_subscription_line_ids = [
            (0, 0, {"product_id": cls.code_product.id, "product_uom_qty": 1})
        ]
        cls.agreement_a.sale_subscription_line_ids.tax_ids = cls.vat25
        repository = cls.env["support.repository"].create(
            {
                "agreement_id": cls.agreement_a.id,
                "url": "https://git.example.com/kund-ett/addons.git",
            }
        )
        for day, lines in (
            (datetime(2026, 9, 15, 3), 5950),
            (datetime(2026, 10, 20, 3), 6420),
        ):
            cls.env["support.cloc.snapshot"].create(
                {
                    "repository_id": repository.id,
                    "commit": f"{lines:040d}",
                    "date": day,
                    "state": "applied",
                    "line_ids": [
                        (0, 0, {"module_name": "kund_sale", "code_lines": lines - 950}),
                        (0, 0, {"module_name": "kund_stock", "code_lines": 950}),
                        (
                            0,
                            0,
                            {
                                "module_name": "vendored_theme",
                                "code_lines": 4000,
                                "excluded": True,
                            },
                        ),
                    ],
                }
            )
        # B: an Operations agreement of another customer from October.
        cls.other_customer.write(
            {"street": "Hamngatan 2", "city": "Luleå", "zip": "972 31"}
        )
        cls.agreement_b = cls.start_agreement(
            cls.template_ops, cls.other_customer, OCT, product=cls.ops_product
        )
        cls.agreement_b.write({"recurring_next_date": OCT, "user_id": cls.env.user.id})
        cls.agreement_b.sale_subscription_line_ids.tax_ids = cls.vat25
        # A customer without an agreement, whose time is billable.
        cls.third_customer = cls.env["res.partner"].create(
            {"name": "Kund Tre AB", "is_company": True}
        )

    def setUp(self):
        super().setUp()
        a, b = self.agreement_a, self.agreement_b
        billable = self.new_ticket("import_export", ticket_date=date(2026, 10, 3))
        self.log_time(billable, 2.5).date = date(2026, 10, 5)
        included = self.new_ticket("how_to", ticket_date=date(2026, 10, 3))
        self.log_time(included, 4).date = date(2026, 10, 6)
        self.log_time(included, 1.5).date = date(2026, 11, 3)
        included_b = self.new_ticket(
            "how_to", partner=self.other_customer, ticket_date=date(2026, 10, 2)
        )
        self.assertEqual(included_b.agreement_id, b)
        self.log_time(included_b, 2).date = date(2026, 10, 7)
        loose = self.new_ticket(
            "how_to", partner=self.third_customer, ticket_date=date(2026, 10, 2)
        )
        self.assertEqual(loose.scope, "billable")
        self.log_time(loose, 3).date = date(2026, 10, 8)
        self.october_upgrade_and_usage(a)
        self.run_invoicing(date(2026, 11, 15))
        invoices = self.invoices(a) | self.invoices(b)
        self.assertEqual(len(invoices), 4)
        # A draft invoice is invoiced nothing until it is posted; its
        # recurring lines are the month's contracted MRR meanwhile.
        draft_nov_b = self.invoices(b).filtered(lambda m: m.support_period_start == NOV)
        drafts = self.figures(self.support_manager)
        self.assertFalse(any(row["mrr_invoiced"] for row in drafts.values()))
        self.assertFalse(any(row["revenue"] for row in drafts.values()))
        for key, mrr in ((("A", OCT), 10600), (("A", NOV), 11075), (("B", NOV), 2900)):
            self.assertAlmostEqual(drafts[key]["mrr"], mrr, places=2, msg=key)
        invoices.with_user(self.accountant).action_post()
        self.credit_in_full(draft_nov_b)

    def credit_in_full(self, invoice):
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {"reason": "Agreement cancelled", "journal_id": invoice.journal_id.id}
            )
        )
        wizard.refund_moves()
        wizard.new_move_ids.with_user(self.accountant).action_post()
        self.env.invalidate_all()
        self.assertEqual(invoice.payment_state, "reversed")

    def figures(self, user):
        """{(A|B, month): {measure: value}} read as ``user`` through the
        pivot's own read_group."""
        self.env.flush_all()
        names = {self.agreement_a.id: "A", self.agreement_b.id: "B"}
        Report = self.env["support.cockpit.report"].with_user(user)
        groups = Report.formatted_read_group(
            [
                ("agreement_id", "in", list(names)),
                ("month", ">=", SEP),
                ("month", "<", date(2026, 12, 1)),
            ],
            ["agreement_id", "month:month"],
            [f"{m}:sum" for m in MEASURES],
        )
        figures = {}
        for group in groups:
            month = fields.Date.to_date(group["month:month"][0])
            figures[(names[group["agreement_id"][0]], month)] = {
                m: group[f"{m}:sum"] for m in MEASURES
            }
        return figures

    def test_every_measure_to_the_ore_as_manager_and_accountant(self):
        for user in (self.support_manager, self.accountant):
            with self.subTest(user=user.login):
                figures = self.figures(user)
                self.assertEqual(
                    set(figures),
                    {(n, m) for n in "AB" for m in (SEP, OCT, NOV)} - {("B", SEP)},
                )
                for key, row in figures.items():
                    expected = EXPECTED.get(key, {})
                    for measure in MEASURES:
                        self.assertAlmostEqual(
                            row[measure],
                            expected.get(measure, 0),
                            places=2,
                            msg=f"{key[0]} {key[1]:%Y-%m} {measure}",
                        )

    def test_the_support_manager_sets_the_cost_of_an_hour(self):
        Settings = self.env["support.settings"]
        with self.assertRaises(AccessError):
            Settings.with_user(self.support_user).create({})
        settings = Settings.with_user(self.support_manager).create({})
        self.assertAlmostEqual(settings.hour_cost, COST, places=2)
        settings.hour_cost = 2 * COST
        settings.action_save()
        self.assertAlmostEqual(self.company.support_hour_cost, 2 * COST, places=2)
        # The 4 included hours of A in October now cost twice as much.
        row = self.figures(self.support_manager)[("A", OCT)]
        self.assertAlmostEqual(row["included_cost"], 2 * 2449.40, places=2)

    def test_totals_per_month_and_kind_move_as_new_changed_and_lost(self):
        Report = self.env["support.cockpit.report"].with_user(self.support_manager)
        groups = Report._read_group(
            [
                ("agreement_id", "in", (self.agreement_a | self.agreement_b).ids),
                ("month", "in", (OCT, NOV)),
            ],
            ["month:month", "support_kind"],
            ["mrr:sum", "mrr_new:sum", "mrr_changed:sum", "mrr_lost:sum"],
        )
        by_key = {
            (fields.Date.to_date(month), kind): values
            for month, kind, *values in groups
        }
        self.assertEqual(by_key[(OCT, "maintenance")], [10600.0, 10600.0, 0.0, 0.0])
        self.assertEqual(by_key[(OCT, "operations")], [2900.0, 2900.0, 0.0, 0.0])
        self.assertEqual(by_key[(NOV, "maintenance")], [11075.0, 0.0, 475.0, 0.0])
        self.assertEqual(by_key[(NOV, "operations")], [0.0, 0.0, 0.0, -2900.0])
        # Last month's MRR plus new, changed and lost is this month's.
        october = sum(by_key[(OCT, k)][0] for k in ("maintenance", "operations"))
        november = sum(by_key[(NOV, k)][0] for k in ("maintenance", "operations"))
        moves = sum(sum(by_key[(NOV, k)][1:]) for k in ("maintenance", "operations"))
        self.assertAlmostEqual(october + moves, november, places=2)

    def test_time_without_agreement_is_counted_per_customer(self):
        rows = (
            self.env["support.cockpit.report"]
            .with_user(self.accountant)
            .search([("partner_id", "=", self.third_customer.id)])
        )
        self.assertEqual(len(rows), 1)
        self.assertFalse(rows.agreement_id)
        self.assertEqual(rows.month, OCT)
        self.assertEqual(rows.billable_hours, 3.0)
        self.assertEqual(rows.company_id, self.company)

    def test_support_user_is_refused_the_cockpit_and_its_margin(self):
        Report = self.env["support.cockpit.report"].with_user(self.support_user)
        with self.assertRaises(AccessError):
            Report.search([])
        with self.assertRaises(AccessError):
            Report.formatted_read_group([], ["month:month"], ["margin:sum"])
        # The margin and the cost are fields of the two roles only.
        for field_name in ("margin", "included_cost"):
            field = Report._fields[field_name]
            self.assertFalse(Report._has_field_access(field, "read"))
            for user in (self.support_manager, self.accountant):
                self.assertTrue(Report.with_user(user)._has_field_access(field, "read"))
        Dashboard = self.env["spreadsheet.dashboard"]
        cockpit = self.env.ref("support_cockpit.dashboard_support_cockpit")
        self.assertNotIn(cockpit, Dashboard.with_user(self.support_user).search([]))
        for user in (self.support_manager, self.accountant):
            self.assertIn(cockpit, Dashboard.with_user(user).search([]))

    def test_company_rules_hold(self):
        other = self.env["res.company"].create({"name": "Annat Bolag AB"})
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Other company",
                "currency_id": self.currency.id,
                "company_id": other.id,
            }
        )
        agreement = (
            self.env["sale.subscription"]
            .with_company(other)
            .create(
                {
                    "partner_id": self.third_customer.id,
                    "template_id": self.template_msa.id,
                    "pricelist_id": pricelist.id,
                    "company_id": other.id,
                    "stage_id": self.stage_in_progress.id,
                    "in_progress": True,
                    "date_start": OCT,
                }
            )
        )
        # Its code lines are maintained from October on.
        repository = self.env["support.repository"].create(
            {
                "agreement_id": agreement.id,
                "url": "https://git.example.com/kund-tre/addons.git",
            }
        )
        self.env["support.cloc.snapshot"].create(
            {
                "repository_id": repository.id,
                "commit": "1" * 40,
                "date": datetime(2026, 10, 2, 3),
                "state": "applied",
                "line_ids": [(0, 0, {"module_name": "tre", "code_lines": 1234})],
            }
        )
        self.env.flush_all()
        Report = self.env["support.cockpit.report"]
        self.assertTrue(Report.search([("agreement_id", "=", agreement.id)]))
        for user in (self.support_manager, self.accountant):
            self.assertFalse(
                Report.with_user(user).search([("agreement_id", "=", agreement.id)])
            )
        self.support_manager.company_ids = [(4, other.id)]
        self.assertTrue(
            Report.with_user(self.support_manager)
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .search([("agreement_id", "=", agreement.id)])
        )

    def test_lists_of_terms_ending_and_unused_upgrades(self):
        today = fields.Date.context_today(self.env["sale.subscription"])
        ending = self.start_agreement(
            self.template_msa, self.third_customer, today - relativedelta(months=11)
        )
        later = self.start_agreement(self.template_msa, self.third_customer, today)
        Agreement = self.env["sale.subscription"].with_user(self.accountant)
        soon = Agreement.search([("support_term_ends_soon", "=", True)])
        self.assertIn(ending, soon)
        self.assertNotIn(later, soon)
        self.assertIn(later, Agreement.search([("support_term_ends_soon", "=", False)]))
        unused = Agreement.search([("support_upgrade_unused", "=", True)])
        # A and B: A used this contract year's upgrade, B is Operations.
        self.assertTrue({ending.id, later.id} <= set(unused.ids))
        self.assertNotIn(self.agreement_b, unused)
        if self.agreement_a.support_contract_year_start <= date(2026, 10, 10):
            self.assertNotIn(self.agreement_a, unused)
        self.assertIn(
            self.agreement_b,
            Agreement.search([("support_upgrade_unused", "=", False)]),
        )

    def test_the_dashboard_reads_only_fields_that_exist(self):
        cockpit = self.env.ref("support_cockpit.dashboard_support_cockpit")
        with file_open(
            "support_cockpit/data/files/support_cockpit_dashboard.json"
        ) as source:
            data = json.load(source)
        self.assertEqual(
            json.loads(cockpit.with_user(self.support_manager).spreadsheet_data),
            data,
        )
        for pivot in data["pivots"].values():
            model = self.env[pivot["model"]]
            names = [m["fieldName"] for m in pivot["measures"]]
            names += [r["fieldName"] for r in pivot["rows"] + pivot["columns"]]
            names += [m["chain"] for m in pivot["fieldMatching"].values() if m]
            for name in names:
                self.assertIn(name, model._fields, pivot["name"])
        for sheet_list in data["lists"].values():
            model = self.env[sheet_list["model"]].with_user(self.accountant)
            for name in sheet_list["columns"]:
                self.assertIn(name, model._fields, sheet_list["name"])
            # Each list's search works for an accountant.
            model.search(sheet_list["domain"])
        for figure in data["sheets"][0]["figures"]:
            meta = figure["data"].get("metaData")
            if meta:
                model = self.env[meta["resModel"]]
                self.assertIn(meta["measure"], model._fields)
        served = json.loads(
            cockpit.with_user(self.accountant)._get_serialized_readonly_dashboard()
        )
        self.assertEqual(served["snapshot"]["pivots"], data["pivots"])

    def report_groups(self, user, domain, groupby, measures):
        self.env.flush_all()
        Report = self.env["support.cockpit.report"].with_user(user)
        return Report.formatted_read_group(
            domain, groupby, [f"{m}:sum" for m in measures]
        )

    def test_this_months_mrr_counts_agreements_not_invoiced_yet(self):
        """An Operations agreement due on the 15th is in this month's MRR
        before its invoice is made; MRR invoiced shows what is billed."""
        this_month = fields.Date.context_today(self.env.user).replace(day=1)
        start = this_month - relativedelta(months=1) + relativedelta(days=14)
        customer = self.env["res.partner"].create(
            {"name": "Kund Fyra AB", "is_company": True, "city": "Umeå"}
        )
        agreement = self.start_agreement(
            self.template_ops, customer, start, product=self.ops_product
        )
        agreement.write({"recurring_next_date": start})
        agreement.sale_subscription_line_ids.tax_ids = self.vat25
        self.run_invoicing(start)
        self.invoices(agreement).with_user(self.accountant).action_post()
        self.assertEqual(agreement.recurring_next_date, start + relativedelta(months=1))
        for user in (self.support_manager, self.accountant):
            groups = self.report_groups(
                user,
                [("agreement_id", "=", agreement.id)],
                ["month:month"],
                [
                    "mrr",
                    "mrr_invoiced",
                    "mrr_new",
                    "mrr_changed",
                    "mrr_lost",
                    "paying_agreements",
                    "margin",
                ],
            )
            rows = {fields.Date.to_date(g["month:month"][0]): g for g in groups}
            self.assertEqual(set(rows), {start.replace(day=1), this_month})
            last, now = rows[start.replace(day=1)], rows[this_month]
            self.assertAlmostEqual(last["mrr:sum"], 2900.00, places=2)
            self.assertAlmostEqual(last["mrr_invoiced:sum"], 2900.00, places=2)
            self.assertAlmostEqual(last["mrr_new:sum"], 2900.00, places=2)
            # Not invoiced yet this month, still in force: contracted.
            self.assertAlmostEqual(now["mrr:sum"], 2900.00, places=2)
            self.assertAlmostEqual(now["mrr_invoiced:sum"], 0.00, places=2)
            self.assertAlmostEqual(now["mrr_new:sum"], 0.00, places=2)
            self.assertAlmostEqual(now["mrr_changed:sum"], 0.00, places=2)
            self.assertAlmostEqual(now["mrr_lost:sum"], 0.00, places=2)
            self.assertEqual(now["paying_agreements:sum"], 1)
            self.assertAlmostEqual(now["margin:sum"], 2900.00, places=2)

    def test_mrr_is_never_summed_over_months(self):
        """The pivot's Total, a quarter or a customer over months read MRR
        as of the last month; flows (invoiced, revenue, hours) add up."""
        domain = [
            ("agreement_id", "in", (self.agreement_a | self.agreement_b).ids),
            ("month", ">=", SEP),
            ("month", "<", date(2026, 12, 1)),
        ]
        measures = [
            "mrr",
            "mrr_fee",
            "mrr_code_lines",
            "mrr_invoiced",
            "paying_agreements",
            "code_lines",
            "revenue",
            "included_hours",
            "mrr_new",
            "mrr_changed",
            "mrr_lost",
        ]
        for user in (self.support_manager, self.accountant):
            [total] = self.report_groups(user, domain, [], measures)
            # November: A 11,075.00 (4,900.00 + 6,175.00), B nothing.
            self.assertAlmostEqual(total["mrr:sum"], 11075.00, places=2)
            self.assertAlmostEqual(total["mrr_fee:sum"], 4900.00, places=2)
            self.assertAlmostEqual(total["mrr_code_lines:sum"], 6175.00, places=2)
            self.assertEqual(total["paying_agreements:sum"], 1)
            self.assertEqual(total["code_lines:sum"], 6420)
            # Flows are summed: 10,600 + 11,075 + 2,900 invoiced.
            self.assertAlmostEqual(total["mrr_invoiced:sum"], 24575.00, places=2)
            self.assertAlmostEqual(total["revenue:sum"], 39370.00, places=2)
            self.assertAlmostEqual(total["included_hours:sum"], 7.5, places=2)
            # What moved over the period: new 13,500, changed 475, lost -2,900.
            self.assertAlmostEqual(total["mrr_new:sum"], 13500.00, places=2)
            self.assertAlmostEqual(total["mrr_changed:sum"], 475.00, places=2)
            self.assertAlmostEqual(total["mrr_lost:sum"], -2900.00, places=2)
            quarters = {
                g["month:quarter"][0]: g
                for g in self.report_groups(user, domain, ["month:quarter"], measures)
            }
            self.assertEqual(len(quarters), 2)
            q3, q4 = (quarters[k] for k in sorted(quarters))
            self.assertAlmostEqual(q3["mrr:sum"], 0.00, places=2)
            self.assertEqual(q3["code_lines:sum"], 5950)
            self.assertAlmostEqual(q4["mrr:sum"], 11075.00, places=2)
            self.assertEqual(q4["code_lines:sum"], 6420)
            customers = {
                g["partner_id"][0]: g
                for g in self.report_groups(user, domain, ["partner_id"], measures)
            }
            self.assertAlmostEqual(customers[self.customer.id]["mrr:sum"], 11075.00, 2)
            # B billed October and lost November: nothing at the period's end.
            self.assertAlmostEqual(
                customers[self.other_customer.id]["mrr:sum"], 0.00, places=2
            )
            self.assertAlmostEqual(
                customers[self.other_customer.id]["mrr_invoiced:sum"], 2900.00, 2
            )
        # The pivot reads its headers and its Total in one call (grouping
        # sets): the Total row is November's, each month row its own.
        Report = self.env["support.cockpit.report"].with_user(self.support_manager)
        by_month, overall = Report._read_grouping_sets(
            domain, [["month:month"], []], ["mrr:sum"]
        )
        self.assertEqual(
            [(fields.Date.to_date(m), v) for m, v in by_month],
            [(SEP, 0.0), (OCT, 13500.0), (NOV, 11075.0)],
        )
        self.assertEqual(overall, [(11075.0,)])

    def test_read_group_without_groupby_reads_mrr_as_of_the_last_month(self):
        """read_group and _read_group with no groupby (as JSON-RPC and the
        dashboard's totals call them) give the last month's MRR, not a
        server error."""
        domain = [
            ("agreement_id", "in", (self.agreement_a | self.agreement_b).ids),
            ("month", ">=", SEP),
            ("month", "<", date(2026, 12, 1)),
        ]
        Report = self.env["support.cockpit.report"].with_user(self.support_manager)
        [total] = Report.read_group(domain, ["mrr:sum", "revenue:sum"], [])
        self.assertAlmostEqual(total["mrr"], 11075.00, places=2)
        self.assertAlmostEqual(total["revenue"], 39370.00, places=2)
        [row] = Report._read_group(
            domain, {}.values(), {"mrr": "mrr:sum", "revenue": "revenue:sum"}.values()
        )
        self.assertAlmostEqual(row[0], 11075.00, places=2)
        self.assertAlmostEqual(row[1], 39370.00, places=2)
        [all_rows] = Report.read_group([], ["mrr:sum"], [])
        self.assertIn("mrr", all_rows)

    def test_no_month_after_this_one_without_data(self):
        """This month's invoices never make an empty row for next month."""
        today = fields.Date.context_today(self.env.user)
        self.run_invoicing(today)
        self.invoices(self.agreement_a).filtered(
            lambda m: m.state == "draft"
        ).with_user(self.accountant).action_post()
        this_month = today.replace(day=1)
        self.env.flush_all()
        Report = self.env["support.cockpit.report"].with_user(self.accountant)
        self.assertFalse(Report.search([("month", ">", this_month)]))
        [row] = Report.search(
            [("agreement_id", "=", self.agreement_a.id), ("month", "=", this_month)]
        )
        self.assertTrue(row.mrr_invoiced)
        self.assertAlmostEqual(row.mrr, row.mrr_invoiced, places=2)
