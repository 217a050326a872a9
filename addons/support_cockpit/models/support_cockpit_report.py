from odoo import fields, models, tools

MONEY_GROUPS = "support_contract.group_support_manager,account.group_account_invoice"


class SupportCockpitReport(models.Model):
    """The partner's cockpit: one row per support agreement and month with
    anything to show (and one per customer, company and month for ticket
    time without an agreement), computed from the records by a database
    view.

    Revenue is what posted invoices and credit notes bill for each month,
    in the company currency (the lines' balance): each line counts in the
    month of the period it bills (fees in advance, time and usage in
    arrears, so both in the month the service was given). Hours are the
    timesheets on tickets, in the month they were logged.
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
        help="Fixed monthly fees invoiced for the month (posted invoices less "
        "credit notes).",
    )
    mrr_code_lines = fields.Monetary(
        string="Code-line charges",
        readonly=True,
        help="The code-line product's charges invoiced for the month.",
    )
    mrr = fields.Monetary(
        string="Recurring revenue (MRR)",
        readonly=True,
        help="Fixed fees and code-line charges invoiced for the month; "
        "one-time fees, usage and hours are left out.",
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
        string="Agreements billed",
        readonly=True,
        help="Agreements with recurring revenue in the month.",
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
        help="Everything invoiced for the month: recurring revenue, hours, "
        "usage and upgrade fees.",
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
        "current count for this month), addons not charged left out. Read "
        "it per month: summed over months it means nothing.",
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

    def _query(self):
        # Each fact is grouped by agreement (or, for time no agreement
        # covers, by company and customer) and month, without window
        # functions over all rows: a filter on the month reaches every part,
        # so a month's figures read that month's records only.
        # The row id is made of the row's keys (stable from one read to the
        # next): month, company (for time without agreement), agreement or
        # customer, and which of the two.
        return """
WITH lines AS (
    SELECT move.subscription_id AS agreement_id,
           date_trunc('month', line.support_period_start::timestamp)::date
               AS month,
           CASE WHEN line.support_kind = 'recurring'
                THEN -line.balance ELSE 0 END AS mrr,
           CASE WHEN line.support_kind = 'recurring'
                 AND line.product_id IS DISTINCT FROM
                     template.support_code_line_product_id
                THEN -line.balance ELSE 0 END AS mrr_fee,
           CASE WHEN line.support_kind = 'time'
                THEN -line.balance ELSE 0 END AS time_revenue,
           CASE WHEN line.support_kind = 'usage'
                THEN -line.balance ELSE 0 END AS usage_revenue,
           CASE WHEN line.support_kind = 'upgrade'
                THEN -line.balance ELSE 0 END AS upgrade_revenue
      FROM account_move_line line
      JOIN account_move move ON move.id = line.move_id
      JOIN sale_subscription agreement ON agreement.id = move.subscription_id
      LEFT JOIN sale_subscription_template template
             ON template.id = agreement.template_id
     WHERE line.support_kind IS NOT NULL
       AND line.support_period_start IS NOT NULL
       AND move.state = 'posted'
       AND move.move_type IN ('out_invoice', 'out_refund')
),
previous_lines AS (
    -- The recurring revenue of each month, seen from the month after.
    SELECT move.subscription_id AS agreement_id,
           (date_trunc('month', line.support_period_start::timestamp)
            + interval '1 month')::date AS month,
           -line.balance AS previous_mrr
      FROM account_move_line line
      JOIN account_move move ON move.id = line.move_id
     WHERE line.support_kind = 'recurring'
       AND line.support_period_start IS NOT NULL
       AND move.state = 'posted'
       AND move.move_type IN ('out_invoice', 'out_refund')
       AND move.subscription_id IS NOT NULL
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
           mrr, mrr_fee, 0 AS previous_mrr, time_revenue, usage_revenue,
           upgrade_revenue, 0 AS billable_hours, 0 AS included_hours,
           0 AS code_lines
      FROM lines
    UNION ALL
    SELECT agreement_id, NULL, NULL, month,
           0, 0, previous_mrr, 0, 0, 0, 0, 0, 0
      FROM previous_lines
    UNION ALL
    SELECT ticket.agreement_id,
           CASE WHEN ticket.agreement_id IS NULL
                THEN COALESCE(ticket.company_id, timesheet.company_id) END,
           CASE WHEN ticket.agreement_id IS NULL
                THEN ticket.commercial_partner_id END,
           date_trunc('month', timesheet.date::timestamp)::date,
           0, 0, 0, 0, 0, 0,
           CASE WHEN timesheet.support_hours_state = 'billable'
                THEN timesheet.unit_amount ELSE 0 END,
           CASE WHEN timesheet.support_hours_state = 'included'
                THEN timesheet.unit_amount ELSE 0 END,
           0
      FROM account_analytic_line timesheet
      JOIN helpdesk_ticket ticket ON ticket.id = timesheet.helpdesk_ticket_id
     WHERE timesheet.support_hours_state IN ('billable', 'included')
    UNION ALL
    SELECT agreement_id, NULL, NULL, month,
           0, 0, 0, 0, 0, 0, 0, 0, billable_code_lines
      FROM count_months
),
months AS (
    SELECT agreement_id, loose_company_id, loose_partner_id, month,
           SUM(mrr) AS mrr,
           SUM(mrr_fee) AS mrr_fee,
           SUM(previous_mrr) AS previous_mrr,
           SUM(time_revenue) AS time_revenue,
           SUM(usage_revenue) AS usage_revenue,
           SUM(upgrade_revenue) AS upgrade_revenue,
           SUM(billable_hours) AS billable_hours,
           SUM(included_hours) AS included_hours,
           SUM(code_lines) AS code_lines
      FROM facts
     GROUP BY agreement_id, loose_company_id, loose_partner_id, month
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
       CASE WHEN months.previous_mrr <= 0 AND months.mrr > 0
            THEN months.mrr ELSE 0 END AS mrr_new,
       CASE WHEN months.previous_mrr > 0 AND months.mrr > 0
            THEN months.mrr - months.previous_mrr ELSE 0 END AS mrr_changed,
       CASE WHEN months.previous_mrr > 0 AND months.mrr <= 0
                 AND months.month < date_trunc('month', CURRENT_DATE)
            THEN -months.previous_mrr ELSE 0 END AS mrr_lost,
       CASE WHEN months.mrr > 0 THEN 1 ELSE 0 END AS paying_agreements,
       months.time_revenue,
       months.usage_revenue,
       months.upgrade_revenue,
       months.mrr + months.time_revenue + months.usage_revenue
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
