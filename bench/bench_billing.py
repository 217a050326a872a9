"""Benchmark: the suite's monthly invoicing against plain subscription_oca.

In a throwaway database with the suite installed (made by `make bench`):
1,000 one-line plain subscriptions invoiced by subscription_oca's own cron,
then 1,000 due agreements, each with a billable ticket (two timesheet lines)
and two usage records, invoiced by the suite's scheduled run. Both leave
draft invoices. Printed: invoices per second of each, their ratio, and SQL
queries per invoice of each; for the suite also those of a run with 100 due
made before (they should not grow with the number of agreements).
"""

import os
import sys
import time
from datetime import date

from _common import open_bench_database
from dateutil.relativedelta import relativedelta

COUNT = int(os.environ.get("BENCH_AGREEMENTS", "1000"))
TODAY = date.today()
# Agreements started last month, due for this month's period on its first
# day: its fixed fee in advance, last month's hours and usage in arrears.
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = THIS_MONTH - relativedelta(months=1)
NEXT_MONTH = THIS_MONTH + relativedelta(months=1)


def setup(env):
    company = env.ref("base.main_company")
    income = env["account.account"].search(
        [("account_type", "=", "income"), ("company_ids", "in", company.ids)], limit=1
    )

    def product(name, **values):
        return env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": 100,
                "property_account_income_id": income.id,
                **values,
            }
        )

    fee = product("Bench monthly fee")
    hour = product("Bench hour", support_hourly_service=True, list_price=1000)
    ocr = product("Bench OCR", support_usage_service=True, support_usage_code="BOCR")
    company.support_hourly_product_id = hour
    pricelist = env["product.pricelist"].create(
        {"name": "Bench", "currency_id": company.currency_id.id}
    )
    plain = env["sale.subscription.template"].create(
        {"name": "Bench plain", "invoicing_mode": "draft"}
    )
    support = env["sale.subscription.template"].create(
        {
            "name": "Bench support",
            "invoicing_mode": "draft",
            "support_kind": "operations",
            "support_hourly_discount": 10,
        }
    )
    return company, fee, hour, ocr, pricelist, plain, support


def partners(env, prefix, count=COUNT):
    return env["res.partner"].create(
        [
            {
                "name": f"{prefix} {i}",
                "street": "Gatan 1",
                "city": "Lund",
                "is_company": True,
            }
            for i in range(count)
        ]
    )


def subscriptions(env, customers, template, fee, pricelist, company):
    stage = env.ref("subscription_oca.subscription_stage_in_progress")
    return env["sale.subscription"].create(
        [
            {
                "partner_id": partner.id,
                "template_id": template.id,
                "pricelist_id": pricelist.id,
                "company_id": company.id,
                "stage_id": stage.id,
                "in_progress": True,
                "date_start": LAST_MONTH,
                "sale_subscription_line_ids": [
                    (0, 0, {"product_id": fee.id, "product_uom_qty": 1})
                ],
            }
            for partner in customers
        ]
    )


def measure(cr, run):
    queries = cr.sql_log_count
    started = time.perf_counter()
    invoices = run()
    return time.perf_counter() - started, cr.sql_log_count - queries, invoices


def main():
    from odoo import api  # noqa: PLC0415

    registry = open_bench_database()
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        company, fee, hour, ocr, pricelist, plain, support = setup(env)
        plain_subs = subscriptions(
            env, partners(env, "Plain"), plain, fee, pricelist, company
        )
        plain_subs.write({"recurring_next_date": TODAY})
        cr.commit()

        Move = env["account.move"]

        def run_plain():
            before = Move.search_count([])
            env["sale.subscription"].cron_subscription_management()
            cr.commit()
            return Move.search_count([]) - before

        plain_time, plain_queries, plain_invoices = measure(cr, run_plain)

        customers = partners(env, "Support", COUNT + COUNT // 10)
        every = subscriptions(env, customers, support, fee, pricelist, company)
        # A first run with a tenth as many due (the 1,000 not due yet), then
        # the measured run with the 1,000 due: queries per invoice should be
        # the same in both.
        agreements, small = every[:COUNT], every[COUNT:]
        small.write({"recurring_next_date": THIS_MONTH})
        agreements.write({"recurring_next_date": NEXT_MONTH})
        employee = env["hr.employee"].create({"name": "Bench consultant"})
        project = env["project.project"].create(
            {"name": "Bench tickets", "allow_timesheets": True}
        )
        company.support_timesheet_project_id = project
        billable = env.ref("support_helpdesk_scope.scope_import_export")
        tickets = env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Bench ticket {i}",
                    "description": "Bench",
                    "partner_id": partner.id,
                    "category_id": billable.id,
                    "ticket_date": LAST_MONTH,
                }
                for i, partner in enumerate(customers)
            ]
        )
        env["account.analytic.line"].create(
            [
                {
                    "name": "Work",
                    "helpdesk_ticket_id": ticket.id,
                    "employee_id": employee.id,
                    "unit_amount": hours,
                    "date": LAST_MONTH,
                }
                for ticket in tickets
                for hours in (1.0, 0.5)
            ]
        )
        Provider = env["support.usage.provider"]
        bench_provider = Provider.search([("name", "=", "Bench")]) or Provider.create(
            {"name": "Bench"}
        )
        env["support.usage"].create(
            [
                {
                    "partner_id": partner.id,
                    "product_id": ocr.id,
                    "date": LAST_MONTH,
                    "quantity": 10,
                    "price_unit": 0.85,
                    "provider_id": bench_provider.id,
                    "provider_reference": f"B-{partner.id}-{n}",
                }
                for partner in customers
                for n in (1, 2)
            ]
        )
        cr.commit()

        def run_suite():
            return env["sale.subscription"]._support_invoice_due_agreements(TODAY)

        small_run = measure(cr, run_suite)
        agreements.write({"recurring_next_date": THIS_MONTH})
        cr.commit()
        suite_time, suite_queries, suite_invoices = measure(cr, run_suite)
        lines = Move.search(
            [("subscription_id", "in", agreements.ids)]
        ).invoice_line_ids

    plain_rate = plain_invoices / plain_time
    suite_rate = suite_invoices / suite_time
    plain_per = plain_queries / max(plain_invoices, 1)
    suite_per = suite_queries / max(suite_invoices, 1)
    lines_per = len(lines) / max(suite_invoices, 1)
    print(
        f"plain subscription_oca cron: {plain_invoices} invoices in "
        f"{plain_time:.1f} s, {plain_rate:.1f} invoices/s, {plain_per:.0f} SQL "
        "queries per invoice (one transaction)"
    )
    print(
        f"suite invoicing: {suite_invoices} invoices in {suite_time:.1f} s, "
        f"{suite_rate:.1f} invoices/s, {suite_per:.0f} SQL queries per invoice "
        f"({lines_per:.0f} lines each, committed in batches)"
    )
    small_time, small_queries, small_invoices = small_run
    print(
        f"  (a run with {small_invoices} due before it: "
        f"{small_invoices / small_time:.1f} invoices/s, "
        f"{small_queries / max(small_invoices, 1):.1f} SQL queries per invoice; "
        f"this run: {suite_queries / max(suite_invoices, 1):.1f})"
    )
    print(f"ratio suite / plain: {suite_rate / plain_rate:.2f}x (goal >= 2x)")
    return 0 if suite_invoices == COUNT else 1


if __name__ == "__main__":
    sys.exit(main())
