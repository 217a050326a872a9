from odoo import fields, models, tools

MONEY_GROUPS = "support_contract.group_support_manager,account.group_account_invoice"


class SupportCockpitReport(models.Model):
    """The partner's cockpit: one row per support agreement and month (and
    one per customer, company and month for ticket time without an
    agreement), computed from the records by a database view.

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
        help="One-time upgrade fees invoiced, in the month the upgrade "
        "commenced.",
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
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"CREATE OR REPLACE VIEW {self._table} AS ({self._query()})")

    def _query(self):
        return """
WITH invoiced AS (
    -- Posted invoices and credit notes of agreements, per month of the
    -- period each line bills, in the company currency.
    SELECT move.subscription_id AS agreement_id,
           date_trunc('month', COALESCE(line.support_period_start,
                                        move.invoice_date))::date AS month,
           SUM(CASE WHEN line.support_kind = 'recurring'
                     AND line.product_id IS DISTINCT FROM
                         template.support_code_line_product_id
                    THEN -line.balance ELSE 0 END) AS mrr_fee,
           SUM(CASE WHEN line.support_kind = 'recurring'
                     AND line.product_id = template.support_code_line_product_id
                    THEN -line.balance ELSE 0 END) AS mrr_code_lines,
           SUM(CASE WHEN line.support_kind = 'time'
                    THEN -line.balance ELSE 0 END) AS time_revenue,
           SUM(CASE WHEN line.support_kind = 'usage'
                    THEN -line.balance ELSE 0 END) AS usage_revenue,
           SUM(CASE WHEN line.support_kind = 'upgrade'
                    THEN -line.balance ELSE 0 END) AS upgrade_revenue
      FROM account_move_line line
      JOIN account_move move ON move.id = line.move_id
      JOIN sale_subscription agreement ON agreement.id = move.subscription_id
      LEFT JOIN sale_subscription_template template
             ON template.id = agreement.template_id
     WHERE line.support_kind IS NOT NULL
       AND move.state = 'posted'
       AND move.move_type IN ('out_invoice', 'out_refund')
     GROUP BY 1, 2
),
hours AS (
    -- Time on tickets, per month logged: with the ticket's agreement, or
    -- per company and customer when no agreement covers it.
    SELECT ticket.agreement_id,
           CASE WHEN ticket.agreement_id IS NULL
                THEN COALESCE(ticket.company_id, timesheet.company_id)
           END AS company_id,
           CASE WHEN ticket.agreement_id IS NULL
                THEN ticket.commercial_partner_id
           END AS partner_id,
           date_trunc('month', timesheet.date)::date AS month,
           SUM(CASE WHEN timesheet.support_hours_state = 'billable'
                    THEN timesheet.unit_amount ELSE 0 END) AS billable_hours,
           SUM(CASE WHEN timesheet.support_hours_state = 'included'
                    THEN timesheet.unit_amount ELSE 0 END) AS included_hours
      FROM account_analytic_line timesheet
      JOIN helpdesk_ticket ticket ON ticket.id = timesheet.helpdesk_ticket_id
     WHERE timesheet.support_hours_state IN ('billable', 'included')
     GROUP BY 1, 2, 3, 4
),
counts AS (
    -- Each applied count of an active source, in force from its date until
    -- the source's next applied count.
    SELECT snapshot.agreement_id,
           snapshot.date AS valid_from,
           LEAD(snapshot.date) OVER (
               PARTITION BY snapshot.repository_id, snapshot.instance_id
               ORDER BY snapshot.date, snapshot.id
           ) AS valid_to,
           snapshot.billable_code_lines
      FROM support_cloc_snapshot snapshot
      LEFT JOIN support_repository repository
             ON repository.id = snapshot.repository_id
      LEFT JOIN support_instance instance ON instance.id = snapshot.instance_id
     WHERE snapshot.state = 'applied'
       AND snapshot.agreement_id IS NOT NULL
       AND (repository.active
            OR (instance.active AND instance.count_database
                AND instance.environment = 'production'))
),
bounds AS (
    SELECT agreement_id, MIN(month) AS first_month, MAX(month) AS last_month
      FROM (SELECT agreement_id, month FROM invoiced
            UNION ALL
            SELECT agreement_id, month FROM hours
             WHERE agreement_id IS NOT NULL) AS months
     GROUP BY agreement_id
),
keys AS (
    -- Every month of every support agreement, from its start (or first
    -- invoice) to this month, so a month without revenue is a month.
    SELECT agreement.id AS agreement_id, series.month::date AS month
      FROM sale_subscription agreement
      LEFT JOIN bounds ON bounds.agreement_id = agreement.id
     CROSS JOIN LATERAL generate_series(
               LEAST(date_trunc('month', agreement.date_start),
                     bounds.first_month),
               GREATEST(date_trunc('month', CURRENT_DATE), bounds.last_month),
               interval '1 month') AS series(month)
     WHERE agreement.support_kind IS NOT NULL
),
code AS (
    SELECT keys.agreement_id, keys.month,
           SUM(counts.billable_code_lines) AS code_lines
      FROM keys
      JOIN counts
        ON counts.agreement_id = keys.agreement_id
       AND counts.valid_from < keys.month + interval '1 month'
       AND (counts.valid_to IS NULL
            OR counts.valid_to >= keys.month + interval '1 month')
     GROUP BY 1, 2
),
agreement_months AS (
    SELECT keys.agreement_id,
           keys.month,
           agreement.company_id,
           customer.commercial_partner_id AS partner_id,
           agreement.support_kind,
           COALESCE(invoiced.mrr_fee, 0) AS mrr_fee,
           COALESCE(invoiced.mrr_code_lines, 0) AS mrr_code_lines,
           COALESCE(invoiced.mrr_fee, 0)
               + COALESCE(invoiced.mrr_code_lines, 0) AS mrr,
           LAG(COALESCE(invoiced.mrr_fee, 0)
               + COALESCE(invoiced.mrr_code_lines, 0))
               OVER (PARTITION BY keys.agreement_id ORDER BY keys.month)
               AS previous_mrr,
           COALESCE(invoiced.time_revenue, 0) AS time_revenue,
           COALESCE(invoiced.usage_revenue, 0) AS usage_revenue,
           COALESCE(invoiced.upgrade_revenue, 0) AS upgrade_revenue,
           COALESCE(hours.billable_hours, 0) AS billable_hours,
           COALESCE(hours.included_hours, 0) AS included_hours,
           COALESCE(code.code_lines, 0) AS code_lines
      FROM keys
      JOIN sale_subscription agreement ON agreement.id = keys.agreement_id
      JOIN res_partner customer ON customer.id = agreement.partner_id
      LEFT JOIN invoiced ON invoiced.agreement_id = keys.agreement_id
                        AND invoiced.month = keys.month
      LEFT JOIN hours ON hours.agreement_id = keys.agreement_id
                     AND hours.month = keys.month
      LEFT JOIN code ON code.agreement_id = keys.agreement_id
                    AND code.month = keys.month
),
all_months AS (
    SELECT agreement_id, month, company_id, partner_id, support_kind,
           mrr_fee, mrr_code_lines, mrr, previous_mrr, time_revenue,
           usage_revenue, upgrade_revenue, billable_hours, included_hours,
           code_lines
      FROM agreement_months
    UNION ALL
    SELECT NULL, month, company_id, partner_id, NULL,
           0, 0, 0, NULL, 0, 0, 0, billable_hours, included_hours, 0
      FROM hours
     WHERE agreement_id IS NULL
)
SELECT row_number() OVER (
           ORDER BY rows.month, rows.agreement_id, rows.company_id,
                    rows.partner_id
       ) AS id,
       rows.month,
       rows.company_id,
       company.currency_id,
       rows.partner_id,
       rows.agreement_id,
       rows.support_kind,
       rows.mrr_fee,
       rows.mrr_code_lines,
       rows.mrr,
       CASE WHEN COALESCE(rows.previous_mrr, 0) <= 0 AND rows.mrr > 0
            THEN rows.mrr ELSE 0 END AS mrr_new,
       CASE WHEN rows.previous_mrr > 0 AND rows.mrr > 0
            THEN rows.mrr - rows.previous_mrr ELSE 0 END AS mrr_changed,
       CASE WHEN rows.previous_mrr > 0 AND rows.mrr <= 0
                 AND rows.month < date_trunc('month', CURRENT_DATE)
            THEN -rows.previous_mrr ELSE 0 END AS mrr_lost,
       CASE WHEN rows.mrr > 0 THEN 1 ELSE 0 END AS paying_agreements,
       rows.time_revenue,
       rows.usage_revenue,
       rows.upgrade_revenue,
       rows.mrr + rows.time_revenue + rows.usage_revenue
           + rows.upgrade_revenue AS revenue,
       rows.billable_hours,
       rows.included_hours,
       cost.included_cost,
       rows.mrr - cost.included_cost AS margin,
       rows.code_lines
  FROM all_months AS rows
  JOIN res_company company ON company.id = rows.company_id
  JOIN res_currency currency ON currency.id = company.currency_id
 CROSS JOIN LATERAL (
       SELECT ROUND(rows.included_hours::numeric
                    * COALESCE(company.support_hour_cost, 0)
                    / currency.rounding) * currency.rounding AS included_cost
       ) AS cost
"""
