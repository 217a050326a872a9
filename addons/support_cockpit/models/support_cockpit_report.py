from odoo import fields, models, tools

MONEY_GROUPS = "support_contract.group_support_manager,account.group_account_invoice"
# Levels of a month (what is in force), not flows: over several months they
# read as of the last month, never as a sum over time.
LAST_MONTH_MEASURES = {
    "mrr",
    "mrr_fee",
    "mrr_code_lines",
    "paying_agreements",
    "code_lines",
}
# Groupings of the month that keep one month per group.
ONE_MONTH_GRAINS = {"", "day", "week", "month"}


class SupportCockpitReport(models.Model):
    """The partner's cockpit: one row per support agreement and month with
    anything to show (and one per customer, company and month for ticket
    time without an agreement), computed from the records by a database
    view.

    Revenue is what posted invoices and credit notes bill for each month,
    in the company currency (the lines' balance): each line counts in the
    month of the period it bills (fees in advance, time and usage in
    arrears, so both in the month the service was given). MRR is the
    contracted recurring amount of the month: what is billed for it, or,
    for a month an agreement in force has not been invoiced for yet, its
    monthly amount. Hours are the timesheets on tickets, in the month they
    were logged.

    MRR, its two parts, the paying agreements and the code lines are
    levels, not flows: over several months (the pivot's total, a quarter, a
    customer over a year) they read as of the last month, never summed
    (see ``_read_group``).
    """

    _name = "support.cockpit.report"
    _description = "Support cockpit"
    _auto = False
    _order = "month desc, partner_id, agreement_id"
    _rec_name = "agreement_id"

    month = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    agreement_id = fields.Many2one(
        "sale.subscription", string="Agreement", readonly=True
    )
    support_kind = fields.Selection(
        selection=[
            ("operations", "Operations Agreement"),
            ("maintenance", "Maintenance and Support Agreement"),
        ],
        string="Agreement kind",
        readonly=True,
    )
    mrr_fee = fields.Monetary(
        string="Fixed fees",
        readonly=True,
        help="Fixed monthly fees contracted for the month (as MRR).",
    )
    mrr_code_lines = fields.Monetary(
        string="Code-line charges",
        readonly=True,
        help="The code-line product's charges contracted for the month (as MRR).",
    )
    mrr = fields.Monetary(
        string="Recurring revenue (MRR)",
        readonly=True,
        help="Fixed fees and code-line charges contracted for the month: what "
        "the invoices bill for it (posted, less credit notes; drafts until "
        "posted) or, for an agreement in force not invoiced for the month "
        "yet, its monthly amount. One-time fees, usage and hours are left "
        "out. Over several months it reads as of the last one.",
    )
    mrr_invoiced = fields.Monetary(
        string="MRR invoiced",
        readonly=True,
        help="Fixed fees and code-line charges of posted invoices less credit "
        "notes for the month, so far.",
    )
    mrr_new = fields.Monetary(
        string="New MRR",
        readonly=True,
        help="Recurring revenue of agreements that had none the month before.",
    )
    mrr_changed = fields.Monetary(
        string="Changed MRR",
        readonly=True,
        help="Change of recurring revenue of agreements billed both this "
        "month and the month before (a new code-line count, a new price).",
    )
    mrr_lost = fields.Monetary(
        string="Lost MRR",
        readonly=True,
        help="Recurring revenue of the month before of agreements that bill "
        "none this month (negative). Shown for months that are over.",
    )
    paying_agreements = fields.Integer(
        string="Paying agreements",
        readonly=True,
        help="Agreements with recurring revenue (MRR) in the month.",
    )
    time_revenue = fields.Monetary(
        string="Hours revenue",
        readonly=True,
        help="Billable ticket time invoiced, in the month the work was done.",
    )
    usage_revenue = fields.Monetary(
        string="Usage revenue",
        readonly=True,
        help="Pay-per-transaction usage invoiced, in the month of the usage.",
    )
    upgrade_revenue = fields.Monetary(
        string="Upgrade fees",
        readonly=True,
        help="One-time upgrade fees invoiced, in the month the upgrade commenced.",
    )
    revenue = fields.Monetary(
        string="Revenue",
        readonly=True,
        help="Everything invoiced for the month: MRR invoiced, hours, usage "
        "and upgrade fees.",
    )
    billable_hours = fields.Float(
        string="Billable hours",
        readonly=True,
        help="Hours logged in the month on tickets whose time is billed.",
    )
    included_hours = fields.Float(
        string="Included hours",
        readonly=True,
        help="Hours logged in the month on tickets the agreement includes.",
    )
    included_cost = fields.Monetary(
        string="Cost of included hours",
        readonly=True,
        groups=MONEY_GROUPS,
        help="Included hours at the company's cost of a support hour "
        "(Settings > Support Contracts).",
    )
    margin = fields.Monetary(
        string="Margin",
        readonly=True,
        groups=MONEY_GROUPS,
        help="Recurring revenue less the cost of the included hours: what "
        "the agreement's fees leave once the support they include is paid.",
    )
    code_lines = fields.Integer(
        string="Code lines maintained",
        readonly=True,
        aggregator="sum",
        help="Code lines of the counts in force at the end of the month (the "
        "current count for this month), addons not charged left out. Over "
        "several months it reads as of the last one.",
    )

    def init(self):
        cr = self.env.cr
        # What a month's figures read: the support lines of a month of
        # periods (and of the month before, for new, changed and lost MRR).
        cr.execute(
            """CREATE INDEX IF NOT EXISTS support_cockpit_line_month_index
                   ON account_move_line
                      ((date_trunc('month', support_period_start::timestamp)::date))
                WHERE support_kind IS NOT NULL"""
        )
        cr.execute(
            """CREATE INDEX IF NOT EXISTS support_cockpit_line_next_month_index
                   ON account_move_line
                      (((date_trunc('month', support_period_start::timestamp)
                         + interval '1 month')::date))
                WHERE support_kind IS NOT NULL"""
        )
        cr.execute(
            """CREATE INDEX IF NOT EXISTS support_cockpit_timesheet_month_index
                   ON account_analytic_line
                      ((date_trunc('month', date::timestamp)::date))
                WHERE helpdesk_ticket_id IS NOT NULL"""
        )
        # The count in force at a month's end, per source.
        for column in ("repository_id", "instance_id"):
            cr.execute(
                f"""CREATE INDEX IF NOT EXISTS support_cockpit_snapshot_{column}_index
                       ON support_cloc_snapshot ({column}, date DESC, id DESC)
                    WHERE state = 'applied' AND {column} IS NOT NULL"""
            )
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(f"CREATE OR REPLACE VIEW {self._table} AS ({self._query()})")

    # PostgreSQL's JIT compiles a plan whose estimated cost is high (the
    # view's is, on years of data) and the compiling takes longer than the
    # query itself: off for the transactions that read the cockpit.
    def _support_no_jit(self):
        self.env.cr.execute("SET LOCAL jit = off")

    def _search(self, domain, *args, **kwargs):
        self._support_no_jit()
        return super()._search(domain, *args, **kwargs)

    def _fetch_query(self, query, fields):
        self._support_no_jit()
        return super()._fetch_query(query, fields)

    # MRR over several months: the pivot's Total, a quarter or a year, a
    # customer or a kind without months. A sum over time would add the same
    # agreement's fee once a month; the measure reads, for each group, the
    # last month of its period (the last month of the domain, or of the
    # quarter or year grouped by) that has rows, as a balance does.
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        # read_group passes views of dicts: the measures are indexed below.
        groupby, aggregates = tuple(groupby), tuple(aggregates)
        rows = super()._read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )
        return self._support_as_of_last_month(domain, groupby, aggregates, rows)

    def _read_grouping_sets(self, domain, grouping_sets, aggregates=(), order=None):
        # The pivot reads its headers and its Total in one call: the rows of
        # a set with the month give the last month of the set without it.
        results = super()._read_grouping_sets(domain, grouping_sets, aggregates, order)
        siblings = list(zip(grouping_sets, results, strict=True))
        return [
            self._support_as_of_last_month(domain, groupby, aggregates, rows, siblings)
            for groupby, rows in siblings
        ]

    def _support_as_of_last_month(self, domain, groupby, aggregates, rows, siblings=()):
        groupby, aggregates = tuple(groupby), tuple(aggregates)
        positions = [
            index
            for index, spec in enumerate(aggregates)
            if spec.endswith(":sum") and spec.split(":")[0] in LAST_MONTH_MEASURES
        ]
        if not rows or not positions:
            return rows
        bucket_spec = None
        for spec in groupby:
            name, _colon, grain = spec.partition(":")
            if name != "month":
                continue
            if grain in ONE_MONTH_GRAINS:
                return rows
            bucket_spec = spec
        width = len(groupby)
        # The measures per group and month: from a sibling grouping set
        # when there is one, else read.
        by_month = [*groupby, "month:month"]
        detail = None
        for sibling_groupby, sibling_rows in siblings:
            if len(sibling_groupby) == len(by_month) and set(sibling_groupby) == set(
                by_month
            ):
                order = [list(sibling_groupby).index(spec) for spec in by_month]
                detail = [
                    tuple(row[i] for i in order)
                    + tuple(row[len(by_month) + index] for index in positions)
                    for row in sibling_rows
                ]
                break
        if detail is None:
            detail = super()._read_group(
                domain, by_month, [aggregates[index] for index in positions]
            )
        bucket_index = list(groupby).index(bucket_spec) if bucket_spec else None

        def bucket(key):
            return key[bucket_index] if bucket_spec else None

        last_month = {}
        for row in detail:
            key, month = row[:width], row[width]
            if month and month > last_month.get(bucket(key), month.min):
                last_month[bucket(key)] = month
        values = {
            row[:width]: row[width + 1 :]
            for row in detail
            if row[width] == last_month.get(bucket(row[:width]))
        }
        result = []
        for row in rows:
            key, measures = tuple(row[:width]), list(row[width:])
            found = values.get(key)
            for rank, index in enumerate(positions):
                measures[index] = found[rank] if found else 0
            result.append((*key, *measures))
        return result

    def _query(self):
        # Each fact is grouped by agreement (or, for time no agreement
        # covers, by company and customer) and month, without window
        # functions over all rows: a filter on the month reaches every part,
        # so a month's figures read that month's records only.
        # The row id is made of the row's keys (stable from one read to the
        # next): month, company (for time without agreement), agreement or
        # customer, and which of the two.
        return """
WITH line_rows AS (
    -- Posted lines, and the recurring lines of draft invoices (the
    -- contracted amount of a month made but not posted yet).
    SELECT move.subscription_id AS agreement_id,
           date_trunc('month', line.support_period_start::timestamp)::date
               AS month,
           CASE WHEN line.support_kind = 'recurring' AND move.state = 'posted'
                THEN -line.balance ELSE 0 END AS mrr_posted,
           CASE WHEN line.support_kind = 'recurring' AND move.state = 'posted'
                 AND line.product_id IS DISTINCT FROM
                     template.support_code_line_product_id
                THEN -line.balance ELSE 0 END AS fee_posted,
           CASE WHEN line.support_kind = 'recurring' AND move.state = 'posted'
                THEN 1 ELSE 0 END AS billed,
           CASE WHEN line.support_kind = 'recurring' AND move.state = 'draft'
                THEN -line.balance ELSE 0 END AS mrr_draft,
           CASE WHEN line.support_kind = 'recurring' AND move.state = 'draft'
                 AND line.product_id IS DISTINCT FROM
                     template.support_code_line_product_id
                THEN -line.balance ELSE 0 END AS fee_draft,
           CASE WHEN line.support_kind = 'recurring' AND move.state = 'draft'
                THEN 1 ELSE 0 END AS drafted,
           CASE WHEN line.support_kind = 'time' AND move.state = 'posted'
                THEN -line.balance ELSE 0 END AS time_revenue,
           CASE WHEN line.support_kind = 'usage' AND move.state = 'posted'
                THEN -line.balance ELSE 0 END AS usage_revenue,
           CASE WHEN line.support_kind = 'upgrade' AND move.state = 'posted'
                THEN -line.balance ELSE 0 END AS upgrade_revenue
      FROM account_move_line line
      JOIN account_move move ON move.id = line.move_id
      JOIN sale_subscription agreement ON agreement.id = move.subscription_id
      LEFT JOIN sale_subscription_template template
             ON template.id = agreement.template_id
     WHERE line.support_kind IS NOT NULL
       AND line.support_period_start IS NOT NULL
       AND (move.state = 'posted'
            OR (move.state = 'draft' AND line.support_kind = 'recurring'))
       AND move.move_type IN ('out_invoice', 'out_refund')
),
lines AS (
    SELECT agreement_id, month,
           SUM(mrr_posted) AS mrr_posted, SUM(fee_posted) AS fee_posted,
           SUM(billed) AS billed, SUM(mrr_draft) AS mrr_draft,
           SUM(fee_draft) AS fee_draft, SUM(drafted) AS drafted,
           SUM(time_revenue) AS time_revenue, SUM(usage_revenue) AS usage_revenue,
           SUM(upgrade_revenue) AS upgrade_revenue
      FROM line_rows
     GROUP BY agreement_id, month
),
previous_rows AS (
    -- The recurring revenue of each month, seen from the month after.
    SELECT move.subscription_id AS agreement_id,
           (date_trunc('month', line.support_period_start::timestamp)
            + interval '1 month')::date AS month,
           CASE WHEN move.state = 'posted' THEN -line.balance ELSE 0 END
               AS previous_posted,
           CASE WHEN move.state = 'posted' THEN 1 ELSE 0 END AS previous_billed,
           CASE WHEN move.state = 'draft' THEN -line.balance ELSE 0 END
               AS previous_draft,
           CASE WHEN move.state = 'draft' THEN 1 ELSE 0 END AS previous_drafted
      FROM account_move_line line
      JOIN account_move move ON move.id = line.move_id
     WHERE line.support_kind = 'recurring'
       AND line.support_period_start IS NOT NULL
       AND move.state IN ('posted', 'draft')
       AND move.move_type IN ('out_invoice', 'out_refund')
       AND move.subscription_id IS NOT NULL
),
previous_lines AS (
    SELECT agreement_id, month,
           SUM(previous_posted) AS previous_posted,
           SUM(previous_billed) AS previous_billed,
           SUM(previous_draft) AS previous_draft,
           SUM(previous_drafted) AS previous_drafted
      FROM previous_rows
     GROUP BY agreement_id, month
),
agreement_amounts AS (
    -- What each support agreement in force charges a month now: its lines
    -- (the code-line line at the quantity of the count applied).
    SELECT agreement.id AS agreement_id,
           GREATEST(date_trunc('month', agreement.recurring_next_date::timestamp),
                    date_trunc('month', agreement.date_start::timestamp))
               AS first_open,
           date_trunc('month', agreement.date::timestamp) AS last_month,
           SUM(sub_line.price_subtotal) AS amount,
           SUM(CASE WHEN sub_line.product_id IS DISTINCT FROM
                         template.support_code_line_product_id
                    THEN sub_line.price_subtotal ELSE 0 END) AS fee
      FROM sale_subscription agreement
      JOIN sale_subscription_template template
        ON template.id = agreement.template_id
      JOIN sale_subscription_line sub_line
        ON sub_line.sale_subscription_id = agreement.id
     WHERE agreement.in_progress
       AND agreement.support_kind IS NOT NULL
       AND agreement.recurring_next_date IS NOT NULL
       AND agreement.date_start IS NOT NULL
       AND agreement.recurring_next_date < date_trunc('month', CURRENT_DATE)
                                           + interval '1 month'
     GROUP BY agreement.id, template.support_code_line_product_id
),
open_months AS (
    -- Months up to this one whose period the agreement has not invoiced
    -- yet (from its next invoice date on), while it is in force: they count
    -- at the agreement's monthly amount.
    SELECT amounts.agreement_id, grid.month::date AS month,
           amounts.amount, amounts.fee
      FROM agreement_amounts amounts
     CROSS JOIN LATERAL generate_series(
               amounts.first_open,
               LEAST(date_trunc('month', CURRENT_DATE),
                     COALESCE(amounts.last_month, date_trunc('month', CURRENT_DATE))),
               interval '1 month') AS grid(month)
),
count_months AS (
    -- Per month and active source (repository, or production instance
    -- whose database is counted), the last count applied before the
    -- month's end (for this month, the current one).
    SELECT source.agreement_id, grid.month::date AS month,
           latest.billable_code_lines
      FROM generate_series(
               (SELECT date_trunc('month', MIN(date)) FROM support_cloc_snapshot
                 WHERE state = 'applied'),
               date_trunc('month', CURRENT_DATE),
               interval '1 month') AS grid(month)
     CROSS JOIN support_repository source
     CROSS JOIN LATERAL (
           SELECT snapshot.billable_code_lines
             FROM support_cloc_snapshot snapshot
            WHERE snapshot.state = 'applied'
              AND snapshot.repository_id = source.id
              AND snapshot.date < grid.month + interval '1 month'
            ORDER BY snapshot.date DESC, snapshot.id DESC
            LIMIT 1
       ) AS latest
     WHERE source.active AND source.agreement_id IS NOT NULL
    UNION ALL
    SELECT source.agreement_id, grid.month::date AS month,
           latest.billable_code_lines
      FROM generate_series(
               (SELECT date_trunc('month', MIN(date)) FROM support_cloc_snapshot
                 WHERE state = 'applied'),
               date_trunc('month', CURRENT_DATE),
               interval '1 month') AS grid(month)
     CROSS JOIN support_instance source
     CROSS JOIN LATERAL (
           SELECT snapshot.billable_code_lines
             FROM support_cloc_snapshot snapshot
            WHERE snapshot.state = 'applied'
              AND snapshot.instance_id = source.id
              AND snapshot.date < grid.month + interval '1 month'
            ORDER BY snapshot.date DESC, snapshot.id DESC
            LIMIT 1
       ) AS latest
     WHERE source.active AND source.agreement_id IS NOT NULL
       AND source.count_database AND source.environment = 'production'
),
facts AS (
    SELECT agreement_id, NULL::integer AS loose_company_id,
           NULL::integer AS loose_partner_id, month,
           mrr_posted, fee_posted, billed, mrr_draft, fee_draft, drafted,
           0 AS mrr_open, 0 AS fee_open,
           0 AS previous_posted, 0 AS previous_billed, 0 AS previous_draft,
           0 AS previous_drafted, 0 AS previous_open,
           time_revenue, usage_revenue, upgrade_revenue,
           0 AS billable_hours, 0 AS included_hours, 0 AS code_lines,
           1 AS own
      FROM lines
    UNION ALL
    SELECT agreement_id, NULL, NULL, month,
           0, 0, 0, 0, 0, 0, 0, 0,
           previous_posted, previous_billed, previous_draft, previous_drafted, 0,
           0, 0, 0, 0, 0, 0, 0
      FROM previous_lines
    UNION ALL
    SELECT agreement_id, NULL, NULL, month,
           0, 0, 0, 0, 0, 0, amount, fee,
           0, 0, 0, 0, 0,
           0, 0, 0, 0, 0, 0, 1
      FROM open_months
    UNION ALL
    SELECT agreement_id, NULL, NULL, (month + interval '1 month')::date,
           0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, amount,
           0, 0, 0, 0, 0, 0, 0
      FROM open_months
    UNION ALL
    SELECT ticket.agreement_id,
           CASE WHEN ticket.agreement_id IS NULL
                THEN COALESCE(ticket.company_id, timesheet.company_id) END,
           CASE WHEN ticket.agreement_id IS NULL
                THEN ticket.commercial_partner_id END,
           date_trunc('month', timesheet.date::timestamp)::date,
           0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, 0,
           0, 0, 0,
           CASE WHEN timesheet.support_hours_state = 'billable'
                THEN timesheet.unit_amount ELSE 0 END,
           CASE WHEN timesheet.support_hours_state = 'included'
                THEN timesheet.unit_amount ELSE 0 END,
           0, 1
      FROM account_analytic_line timesheet
      JOIN helpdesk_ticket ticket ON ticket.id = timesheet.helpdesk_ticket_id
     WHERE timesheet.support_hours_state IN ('billable', 'included')
    UNION ALL
    SELECT agreement_id, NULL, NULL, month,
           0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, 0,
           0, 0, 0, 0, 0, billable_code_lines, 1
      FROM count_months
),
sums AS (
    SELECT agreement_id, loose_company_id, loose_partner_id, month,
           SUM(mrr_posted) AS mrr_posted, SUM(fee_posted) AS fee_posted,
           SUM(billed) AS billed, SUM(mrr_draft) AS mrr_draft,
           SUM(fee_draft) AS fee_draft, SUM(drafted) AS drafted,
           SUM(mrr_open) AS mrr_open, SUM(fee_open) AS fee_open,
           SUM(previous_posted) AS previous_posted,
           SUM(previous_billed) AS previous_billed,
           SUM(previous_draft) AS previous_draft,
           SUM(previous_drafted) AS previous_drafted,
           SUM(previous_open) AS previous_open,
           SUM(time_revenue) AS time_revenue,
           SUM(usage_revenue) AS usage_revenue,
           SUM(upgrade_revenue) AS upgrade_revenue,
           SUM(billable_hours) AS billable_hours,
           SUM(included_hours) AS included_hours,
           SUM(code_lines) AS code_lines
      FROM facts
     GROUP BY agreement_id, loose_company_id, loose_partner_id, month
    -- A month after this one is shown only with data of its own (not
    -- merely as "the month after" this month's invoices).
    HAVING month <= date_trunc('month', CURRENT_DATE) OR SUM(own) > 0
),
months AS (
    -- Contracted MRR: what posted invoices bill for the month when they
    -- bill it, else what draft invoices would bill, else (not invoiced
    -- yet, in force) the agreement's monthly amount.
    SELECT sums.*,
           sums.mrr_posted AS mrr_invoiced,
           CASE WHEN billed > 0 THEN mrr_posted
                WHEN drafted > 0 THEN mrr_draft
                ELSE mrr_open END AS mrr,
           CASE WHEN billed > 0 THEN fee_posted
                WHEN drafted > 0 THEN fee_draft
                ELSE fee_open END AS mrr_fee,
           CASE WHEN previous_billed > 0 THEN previous_posted
                WHEN previous_drafted > 0 THEN previous_draft
                ELSE previous_open END AS previous_mrr
      FROM sums
)
SELECT ((((EXTRACT(YEAR FROM months.month)::bigint - 2000) * 12
          + EXTRACT(MONTH FROM months.month)::bigint - 1) * 256
         + MOD(COALESCE(months.loose_company_id, 0), 256)) * 4294967296
        + COALESCE(months.agreement_id, months.loose_partner_id)) * 2
       + (months.agreement_id IS NULL)::int AS id,
       months.month,
       COALESCE(agreement.company_id, months.loose_company_id) AS company_id,
       company.currency_id,
       COALESCE(customer.commercial_partner_id, months.loose_partner_id)
           AS partner_id,
       months.agreement_id,
       agreement.support_kind,
       months.mrr_fee,
       months.mrr - months.mrr_fee AS mrr_code_lines,
       months.mrr,
       months.mrr_invoiced,
       CASE WHEN months.previous_mrr <= 0 AND months.mrr > 0
            THEN months.mrr ELSE 0 END AS mrr_new,
       CASE WHEN months.previous_mrr > 0 AND months.mrr > 0
            THEN months.mrr - months.previous_mrr ELSE 0 END AS mrr_changed,
       CASE WHEN months.previous_mrr > 0 AND months.mrr <= 0
                 AND months.month <= date_trunc('month', CURRENT_DATE)
            THEN -months.previous_mrr ELSE 0 END AS mrr_lost,
       CASE WHEN months.mrr > 0 THEN 1 ELSE 0 END AS paying_agreements,
       months.time_revenue,
       months.usage_revenue,
       months.upgrade_revenue,
       months.mrr_invoiced + months.time_revenue + months.usage_revenue
           + months.upgrade_revenue AS revenue,
       months.billable_hours,
       months.included_hours,
       ROUND(months.included_hours::numeric
             * COALESCE(company.support_hour_cost, 0)
             / currency.rounding) * currency.rounding AS included_cost,
       months.mrr - ROUND(months.included_hours::numeric
                          * COALESCE(company.support_hour_cost, 0)
                          / currency.rounding) * currency.rounding AS margin,
       months.code_lines
  FROM months
  LEFT JOIN sale_subscription agreement ON agreement.id = months.agreement_id
  LEFT JOIN res_partner customer ON customer.id = agreement.partner_id
  JOIN res_company company
    ON company.id = COALESCE(agreement.company_id, months.loose_company_id)
  JOIN res_currency currency ON currency.id = company.currency_id
 WHERE months.agreement_id IS NULL OR agreement.support_kind IS NOT NULL
"""
