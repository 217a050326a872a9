"""The demo's year of invoices, made as the monthly run would have made them.

Demo only: called from ``demo/support_billing_demo.xml``; nothing in
production calls it.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..tools import periods


class SupportBillingDemo(models.AbstractModel):
    _name = "support.billing.demo"
    _description = "Support billing: demo history"

    @api.model
    def _load_invoice_history(self):
        """Walk from the oldest agreement's start to today, day by day of the
        monthly run: each day invoices what the run invoices (every period of
        each agreement from its start, exactly once, with the time, usage and
        upgrade fees due then, and the hours of customers without an
        agreement), posted and sent as the templates say, so the invoice
        numbers follow the invoice dates. The oldest invoice is credited in
        full (Odoo's reversal wizard) and its period invoiced again on its
        day. The invoices already due are then paid with Odoo's payment
        wizard, a few days before they fell due.

        The invoices stay in Odoo's sending queue, as the run leaves them:
        the running server's *Send invoices automatically* renders and sends
        them. Nothing is rendered here: while a module installs, its report
        templates are not applied yet (the invoice would lack the seller)
        and no server answers wkhtmltopdf's requests for the report's style
        sheets."""
        company = self.env.ref("support_contract.company_demo")
        self = self.with_company(company)  # noqa: PLW0642
        env = self.env
        today = fields.Date.context_today(self)
        thirty_days = env.ref("support_contract.payment_term_30_net_demo")
        Agreement = env["sale.subscription"]
        customers = (
            Agreement.search([("company_id", "=", company.id)]).partner_id
            | env["helpdesk.ticket"]
            .search([("company_id", "=", company.id)])
            .partner_id
        ).commercial_partner_id
        for customer in customers.with_company(company):
            if not customer.property_payment_term_id:
                customer.property_payment_term_id = thirty_days
        agreements = Agreement.search(
            [("company_id", "=", company.id), ("support_kind", "!=", False)],
            order="date_start, id",
        )
        if not agreements:
            return True
        run_days = set()
        for agreement in agreements:
            agreement.recurring_next_date = agreement.date_start
            run_days.update(
                start
                for start, _end in periods.due_periods(
                    agreement.date_start,
                    agreement.date_start,
                    today,
                    agreement.date or None,
                )
            )
        first = min(agreements.mapped("date_start"))
        month = first.replace(day=1) + relativedelta(months=1)
        while month <= today:
            run_days.add(month)
            month += relativedelta(months=1)
        Move = env["account.move"]
        invoices = Move
        credited = Move
        for day in sorted(run_days):
            made = agreements._support_invoice_due(day)
            made |= env["account.analytic.line"]._support_invoice_without_agreement(day)
            if made.subscription_id and not credited:
                credited = made.filtered("subscription_id").sorted(
                    lambda m: (m.invoice_date, m.id)
                )[:1]
                made |= self._demo_credit_and_invoice_again(credited, day)
            invoices |= made
        # Their portal links exist, as for invoices sent on their dates: a
        # customer's first portal listing then writes nothing on the invoices
        # the sending job is working on (it would wait for the job's batch,
        # then fail on the concurrent update).
        for move in invoices | invoices.reversal_move_ids:
            move._portal_ensure_token()
        self._demo_pay(invoices, today)
        return True

    @api.model
    def _demo_credit_and_invoice_again(self, invoice, day):
        """Credit ``invoice`` in full (the credit note posted) and invoice its
        period again, as an accountant fixing a wrong invoice address would
        (the reason in the customer's language: he reads it)."""
        customer = invoice.with_context(lang=invoice.partner_id.lang or self.env.lang)
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "reason": customer.env._(
                        "Wrong invoice address: the invoice is issued again"
                    ),
                    "journal_id": invoice.journal_id.id,
                    "date": invoice.invoice_date,
                }
            )
        )
        wizard.refund_moves()
        wizard.new_move_ids.filtered(lambda m: m.state == "draft").action_post()
        return invoice.subscription_id._support_invoice_due(day).filtered(
            lambda m: m.support_period_start == invoice.support_period_start
        )

    @api.model
    def _demo_queue_unsent(self):
        """What the history left unsent (its credit notes) is queued for
        Odoo's sending, as the monthly run queues its invoices: none of the
        history reads "pro forma"."""
        self.env["account.move"].search(
            [
                ("subscription_id.support_kind", "!=", False),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("is_move_sent", "=", False),
            ]
        ).filtered(lambda move: not move.sending_data)._support_queue_sending()

    @api.model
    def _demo_pay(self, invoices, today):
        """Each invoice already due paid with Odoo's *Register Payment*,
        three days before it fell due (never before its date)."""
        due = invoices.filtered(
            lambda m: (
                m.state == "posted"
                and m.move_type == "out_invoice"
                and m.payment_state == "not_paid"
                and m.invoice_date_due < today
            )
        ).sorted(lambda m: (m.invoice_date, m.id))
        for invoice in due:
            paid_on = max(
                invoice.invoice_date,
                min(invoice.invoice_date_due - timedelta(days=3), today),
            )
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": paid_on})._create_payments()
