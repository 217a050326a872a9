"""Benchmark: opening the support cockpit against Odoo's own Invoicing dashboard.

In a throwaway database with the suite installed (made by `make bench`;
support_cockpit is installed here when it is not yet): first 100, then
1,000 Maintenance and Support agreements, each with two years of history:
a posted invoice a month (fixed fee, code-line charge, billable hours and
usage lines), a billable and an included timesheet line a month and a
code-line count a month. The first month's invoices and timesheets are made
by the suite itself (its invoicing run, its timesheet rules); the other 23
months are copies of them made in SQL, shifted a month at a time, so the
tables hold what two years of the suite's own records hold.

"Opening" a dashboard is reading every data source of its JSON as the web
client does: one grouped read per pivot and chart (with the dashboard's
default filters), one read of its first ten records per list, as a user
with the Support Manager and Invoicing groups (record rules in force).
The baseline is Odoo's Invoicing dashboard (spreadsheet_dashboard_account)
opened the same way on the same database in the same run. Printed: the
time of each (best of five, warm), their ratio, and the SQL queries of
opening the cockpit at 100 and at 1,000 agreements (they should not grow
with the number of agreements).
"""

import json
import os
import sys
import time
from datetime import date

from _common import open_bench_database
from dateutil.relativedelta import relativedelta

COUNT = int(os.environ.get("BENCH_AGREEMENTS", "1000"))
SMALL = COUNT // 10
MONTHS = 24
TODAY = date.today()
THIS_MONTH = TODAY.replace(day=1)
# The suite invoices the month before last (its fee, code lines) together
# with the hours and usage of the month before it; the SQL copies fill the
# 23 months before.
FIRST = THIS_MONTH - relativedelta(months=1)
WORK = FIRST - relativedelta(months=1)


def setup(env):
    company = env.ref("base.main_company")
    company.support_hour_cost = 650
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

    fee = product("Cockpit bench fee", list_price=2900)
    code = product("Cockpit bench code lines", list_price=95)
    hour = product("Cockpit bench hour", support_hourly_service=True, list_price=1000)
    ocr = product(
        "Cockpit bench OCR", support_usage_service=True, support_usage_code="CBOCR"
    )
    company.support_hourly_product_id = hour
    pricelist = env["product.pricelist"].create(
        {"name": "Cockpit bench", "currency_id": company.currency_id.id}
    )
    template = env["sale.subscription.template"].create(
        {
            "name": "Cockpit bench M&S",
            "invoicing_mode": "draft",
            "support_kind": "maintenance",
            "support_code_line_product_id": code.id,
            "support_hourly_discount": 10,
        }
    )
    employee = env["hr.employee"].create({"name": "Cockpit bench consultant"})
    project = env["project.project"].create(
        {"name": "Cockpit bench tickets", "allow_timesheets": True}
    )
    company.support_timesheet_project_id = project
    Provider = env["support.usage.provider"]
    provider = Provider.search([("name", "=", "Cockpit bench")]) or Provider.create(
        {"name": "Cockpit bench"}
    )
    user = env["res.users"].search([("login", "=", "cockpit_bench_manager")])
    user = user or env["res.users"].create(
        {
            "name": "Cockpit bench manager",
            "login": "cockpit_bench_manager",
            "company_id": company.id,
            "company_ids": [(6, 0, company.ids)],
            "group_ids": [
                (4, env.ref("support_contract.group_support_manager").id),
                (4, env.ref("account.group_account_invoice").id),
            ],
        }
    )
    return {
        "company": company,
        "fee": fee,
        "code": code,
        "ocr": ocr,
        "pricelist": pricelist,
        "template": template,
        "employee": employee,
        "provider": provider,
        "user": user,
    }


def make_history(env, ctx, count, prefix):
    """``count`` agreements with MONTHS months of posted invoices,
    timesheets and counts."""
    cr = env.cr
    env = env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            support_no_scope_notice=True,
        )
    )
    customers = env["res.partner"].create(
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
    stage = env.ref("subscription_oca.subscription_stage_in_progress")
    start = FIRST - relativedelta(months=MONTHS - 1)
    agreements = env["sale.subscription"].create(
        [
            {
                "partner_id": partner.id,
                "template_id": ctx["template"].id,
                "pricelist_id": ctx["pricelist"].id,
                "company_id": ctx["company"].id,
                "stage_id": stage.id,
                "in_progress": True,
                "date_start": start,
                "sale_subscription_line_ids": [
                    (0, 0, {"product_id": ctx["fee"].id, "product_uom_qty": 1}),
                    (0, 0, {"product_id": ctx["code"].id, "product_uom_qty": 40}),
                ],
            }
            for partner in customers
        ]
    )
    # Written after: subscription_oca makes an agreement created with a
    # next invoice date a draft.
    agreements.write({"recurring_next_date": FIRST})
    billable = env.ref("support_helpdesk_scope.scope_import_export")
    included = env.ref("support_helpdesk_scope.scope_how_to")
    tickets = env["helpdesk.ticket"].create(
        [
            {
                "name": f"{prefix} ticket {i} {category.name}",
                "description": "Bench",
                "partner_id": partner.id,
                "category_id": category.id,
                "ticket_date": WORK,
            }
            for i, partner in enumerate(customers)
            for category in (billable, included)
        ]
    )
    timesheets = env["account.analytic.line"].create(
        [
            {
                "name": "Work",
                "helpdesk_ticket_id": ticket.id,
                "employee_id": ctx["employee"].id,
                "unit_amount": 1.5,
                "date": WORK,
            }
            for ticket in tickets
        ]
    )
    env["support.usage"].create(
        [
            {
                "partner_id": partner.id,
                "product_id": ctx["ocr"].id,
                "date": WORK,
                "quantity": 10,
                "price_unit": 0.85,
                "provider_id": ctx["provider"].id,
                "provider_reference": f"{prefix}-{partner.id}",
            }
            for partner in customers
        ]
    )
    repositories = env["support.repository"].create(
        [
            {
                "agreement_id": agreement.id,
                "url": f"https://git.example.com/{prefix}/{i}.git",
            }
            for i, agreement in enumerate(agreements)
        ]
    )
    env.flush_all()
    # The suite's own run makes one invoice per agreement: FIRST's fee and
    # code lines, WORK's hours and usage.
    env["sale.subscription"].search(
        [("id", "not in", agreements.ids), ("support_kind", "!=", False)]
    ).write({"recurring_next_date": THIS_MONTH + relativedelta(months=2)})
    env["sale.subscription"]._support_invoice_due_agreements(FIRST)
    moves = env["account.move"].search([("subscription_id", "in", agreements.ids)])
    assert len(moves) == count, (len(moves), count)
    cr.execute(
        "UPDATE account_move SET state = 'posted', name = 'CB/' || id"
        " WHERE id = ANY(%s)",
        [moves.ids],
    )
    cr.execute(
        "UPDATE account_move_line SET parent_state = 'posted' WHERE move_id = ANY(%s)",
        [moves.ids],
    )
    # The 23 months before: copies shifted back a month at a time.
    move_columns = columns(cr, "account_move")
    line_columns = columns(cr, "account_move_line")
    timesheet_columns = columns(cr, "account_analytic_line")
    for back in range(1, MONTHS):
        shift = f"interval '{back} month'"
        cr.execute(
            "CREATE TEMP TABLE bench_moves ON COMMIT DROP AS "
            "SELECT id AS old_id, nextval('account_move_id_seq') AS new_id "
            "FROM account_move WHERE id = ANY(%s)",
            [moves.ids],
        )
        copied = [c for c in move_columns if c != "id"]
        cr.execute(
            f"""INSERT INTO account_move (id, {", ".join(copied)})
                SELECT m.new_id, {
                ", ".join(
                    "'CB/' || m.new_id" if c == "name" else shifted(c, "move", shift)
                    for c in copied
                )
            }
                  FROM account_move move JOIN bench_moves m ON m.old_id = move.id"""
        )
        copied = [c for c in line_columns if c != "id"]
        cr.execute(
            f"""INSERT INTO account_move_line ({", ".join(copied)})
                SELECT {
                ", ".join(
                    "m.new_id" if c == "move_id" else shifted(c, "line", shift)
                    for c in copied
                )
            }
                  FROM account_move_line line JOIN bench_moves m
                    ON m.old_id = line.move_id"""
        )
        cr.execute("DROP TABLE bench_moves")
        copied = [c for c in timesheet_columns if c != "id"]
        cr.execute(
            f"""INSERT INTO account_analytic_line ({", ".join(copied)})
                SELECT {", ".join(shifted(c, "line", shift) for c in copied)}
                  FROM account_analytic_line line WHERE id = ANY(%s)""",
            [timesheets.ids],
        )
    # A count a month per repository, growing.
    cr.execute(
        """INSERT INTO support_cloc_snapshot
               (repository_id, agreement_id, partner_id, company_id, commit, date,
                state, code_lines, billable_code_lines, total_lines, issue_count,
                create_uid, write_uid, create_date, write_date)
           SELECT repository.id, repository.agreement_id, repository.partner_id,
                  repository.company_id, md5(repository.id || '-' || month),
                  %s::timestamp - (month || ' month')::interval,
                  'applied', 4000 + 10 * (%s - month), 4000 + 10 * (%s - month),
                  5000, 0, 1, 1, now(), now()
             FROM support_repository repository
            CROSS JOIN generate_series(0, %s - 1) AS month
            WHERE repository.id = ANY(%s)""",
        [FIRST, MONTHS, MONTHS, MONTHS, repositories.ids],
    )
    cr.execute("ANALYZE")
    env.invalidate_all()
    return agreements


def columns(cr, table):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = %s AND table_schema = current_schema()
              AND is_generated = 'NEVER'""",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


DATE_COLUMNS = {
    "date",
    "invoice_date",
    "invoice_date_due",
    "support_period_start",
    "support_period_end",
    "date_maturity",
}


def shifted(column, alias, shift):
    if column in DATE_COLUMNS:
        return f"({alias}.{column} - {shift})::date"
    return f"{alias}.{column}"


# ---------------------------------------------------------------------------
# Opening a dashboard: every data source, read as the web client reads it
# ---------------------------------------------------------------------------


def period(default, offset=0):
    """[from, to) of a date filter's default value, shifted by ``offset``
    periods, as the spreadsheet computes it."""
    if default in ("this_month", "month_to_date"):
        start = THIS_MONTH + relativedelta(months=offset)
        return start, start + relativedelta(months=1)
    if default == "last_month":
        start = THIS_MONTH - relativedelta(months=1 - offset)
        return start, start + relativedelta(months=1)
    days = {"last_7_days": 7, "last_30_days": 30, "last_90_days": 90}
    if default in days:
        end = TODAY + relativedelta(days=1 + offset * days[default])
        return end - relativedelta(days=days[default]), end
    if default == "last_12_months":
        start = THIS_MONTH - relativedelta(months=12 * (1 - offset))
        return start, start + relativedelta(months=12)
    if default in ("this_year", "year_to_date"):
        start = TODAY.replace(month=1, day=1) + relativedelta(years=offset)
        return start, start + relativedelta(years=1)
    return None


def filter_domain(data, matching):
    domain = []
    for flt in data.get("globalFilters", []):
        match = (matching or {}).get(flt["id"]) or {}
        if flt["type"] != "date" or not match.get("chain"):
            continue
        bounds = period(flt.get("defaultValue"), match.get("offset", 0))
        if bounds:
            domain += [
                (match["chain"], ">=", str(bounds[0])),
                (match["chain"], "<", str(bounds[1])),
            ]
    return domain


def groupby_spec(row, model):
    name = row["fieldName"]
    field = model._fields[name]
    if field.type in ("date", "datetime"):
        return f"{name}:{row.get('granularity') or 'month'}"
    return name


def aggregate(model, name):
    if name == "__count":
        return "__count"
    field = model._fields.get(name)
    if field is None:
        return None
    return f"{name}:{field.aggregator or 'sum'}"


def sources(data):
    for pivot in data.get("pivots", {}).values():
        yield "pivot", pivot
    for sheet in data["sheets"]:
        for figure in sheet.get("figures", []):
            definitions = [figure["data"]]
            definitions += list(figure["data"].get("chartDefinitions", {}).values())
            for chart in definitions:
                if "metaData" in chart:
                    yield "chart", chart
    for sheet_list in data.get("lists", {}).values():
        yield "list", sheet_list


def as_domain(domain):
    if isinstance(domain, str):
        from odoo.tools.safe_eval import safe_eval  # noqa: PLC0415

        return safe_eval(domain)
    return list(domain)


def open_dashboard(env, data):
    for kind, source in sources(data):
        if kind == "pivot":
            model = env[source["model"]]
            model.formatted_read_group(
                as_domain(source["domain"])
                + filter_domain(data, source.get("fieldMatching")),
                [groupby_spec(r, model) for r in source["rows"] + source["columns"]],
                [
                    a
                    for a in (
                        aggregate(model, m["fieldName"]) for m in source["measures"]
                    )
                    if a
                ],
            )
        elif kind == "chart":
            meta = source["metaData"]
            model = env[meta["resModel"]]
            model.formatted_read_group(
                as_domain(source["searchParams"]["domain"])
                + filter_domain(data, source.get("fieldMatching")),
                meta["groupBy"],
                [a for a in [aggregate(model, meta["measure"])] if a],
            )
        else:
            model = env[source["model"]]
            specification = {
                name: (
                    {"fields": {"display_name": {}}}
                    if model._fields[name].relational
                    else {}
                )
                for name in source["columns"]
                if name in model._fields
            }
            order = ", ".join(
                f"{o['name']} {'ASC' if o.get('asc', True) else 'DESC'}"
                for o in source.get("orderBy", [])
                if model._fields.get(o["name"]) and model._fields[o["name"]].store
            )
            model.web_search_read(
                as_domain(source["domain"])
                + filter_domain(data, source.get("fieldMatching")),
                specification,
                limit=10,
                order=order or None,
            )


def timed(env, data, runs=5):
    """Best of ``runs`` warm openings (seconds) and the queries of one."""
    open_dashboard(env, data)  # warm the caches, as a second visit
    best, queries = None, None
    for _i in range(runs):
        env.invalidate_all()
        count = env.cr.sql_log_count
        started = time.perf_counter()
        open_dashboard(env, data)
        elapsed = time.perf_counter() - started
        queries = env.cr.sql_log_count - count
        best = elapsed if best is None else min(best, elapsed)
    return best, queries


def dashboard_data(env, xmlid):
    return json.loads(env.ref(xmlid).spreadsheet_data)


def main():
    from odoo import api  # noqa: PLC0415

    registry = open_bench_database(install=["support_cockpit"])
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        ctx = setup(env)
        started = time.perf_counter()
        make_history(env, ctx, SMALL, "Small")
        cr.commit()
        user_env = env(user=ctx["user"].id)
        cockpit = dashboard_data(env, "support_cockpit.dashboard_support_cockpit")
        small_time, small_queries = timed(user_env, cockpit)
        make_history(env, ctx, COUNT - SMALL, "Large")
        cr.commit()
        made = time.perf_counter() - started
        cockpit_time, cockpit_queries = timed(user_env, cockpit)
        invoicing = dashboard_data(
            env, "spreadsheet_dashboard_account.dashboard_invoicing"
        )
        baseline_time, baseline_queries = timed(user_env, invoicing)
        cr.execute("SELECT count(*) FROM support_cockpit_report")
        rows = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM account_move_line WHERE support_kind IS NOT NULL"
            " AND parent_state = 'posted'"
        )
        lines = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM account_analytic_line"
            " WHERE helpdesk_ticket_id IS NOT NULL"
        )
        timesheets = cr.fetchone()[0]
    print(
        f"data: {COUNT} agreements, {MONTHS} months: {lines} posted support "
        f"invoice lines, {timesheets} timesheet lines, {rows} cockpit rows "
        f"(made in {made:.0f} s)"
    )
    print(
        f"Odoo's Invoicing dashboard (baseline): {baseline_time * 1000:.0f} ms, "
        f"{baseline_queries} SQL queries"
    )
    print(
        f"support cockpit: {cockpit_time * 1000:.0f} ms, {cockpit_queries} SQL "
        f"queries (with {SMALL} agreements: {small_time * 1000:.0f} ms, "
        f"{small_queries} queries)"
    )
    print(
        f"ratio cockpit / Invoicing dashboard: {cockpit_time / baseline_time:.2f}x "
        f"(goal: cockpit under 1 s; queries the same at {SMALL} and {COUNT})"
    )
    ok = cockpit_time < 1.0 and cockpit_queries == small_queries
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
