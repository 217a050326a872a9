import logging
import re

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"

    support_period_start = fields.Date(
        string="Billed period from", readonly=True, copy=False, index=True
    )
    support_period_end = fields.Date(
        string="Billed period to", readonly=True, copy=False
    )
    support_reversed = fields.Boolean(
        string="Reversed in full",
        compute="_compute_support_reversed",
        store=True,
        copy=False,
        help="Fully reversed by a posted credit note: its period and everything "
        "it billed are free to be invoiced again.",
    )

    # One invoice per agreement and period, whatever runs at the same time: a
    # cancelled or fully reversed invoice frees its period, a deleted one
    # takes it along.
    _support_one_invoice_per_period = models.UniqueIndex(
        "(subscription_id, support_period_start) WHERE "
        "(support_period_start IS NOT NULL AND state != 'cancel' "
        "AND support_reversed IS NOT TRUE)",
        "This agreement already has an invoice for this period.",
    )

    @api.depends("payment_state")
    def _compute_support_reversed(self):
        for move in self:
            move.support_reversed = move.payment_state == "reversed"

    def _has_to_be_paid(self):
        """Odoo offers *Pay now* on the portal whenever online payment is on
        in the settings, even when no payment provider can take the payment:
        the customer then reads "no payment method available". Without an
        enabled provider the customer pays as the invoice says (bankgiro and
        OCR number), and no button is offered."""
        return super()._has_to_be_paid() and self._support_online_payment_possible(
            self.company_id
        )

    @api.model
    def _support_online_payment_possible(self, company=None):
        """A payment provider is enabled (for ``company``, or for any): the
        portal's payment buttons lead somewhere."""
        domain = [("state", "in", ("enabled", "test"))]
        if company:
            domain.append(("company_id", "in", (False, company.id)))
        return bool(self.env["payment.provider"].sudo().search_count(domain, limit=1))

    def _support_has_statement(self):
        """An invoice of a period (an agreement's, or the hours of a customer
        without one) comes with a support statement; a credit note never."""
        self.ensure_one()
        return bool(
            self.move_type == "out_invoice"
            and (self.subscription_id.support_kind or not self.subscription_id)
            and self.support_period_start
        )

    def _support_patch_rounds_to_send(self):
        """The closed patch rounds whose maintenance report this invoice's
        email carries: the rounds of the agreement's instances of the
        invoice's month and of the month before (a round closed after the
        last invoice was sent), each sent with one invoice only."""
        self.ensure_one()
        Round = self.env["support.patch.round"].sudo()
        if not (self.subscription_id.support_kind and self.support_period_start):
            return Round
        month = self.support_period_start.replace(day=1)
        return Round.search(
            [
                ("agreement_id", "=", self.subscription_id.id),
                ("state", "=", "done"),
                ("period", ">=", month - relativedelta(months=1)),
                ("period", "<=", month),
                ("support_invoice_id", "in", [False, self.id]),
            ],
            order="period, instance_id",
        )

    def _support_statement_filename(self):
        """The statement's file name, without extension, in the customer's
        language."""
        self.ensure_one()
        customer = self.with_context(lang=self.partner_id.lang or self.env.lang)
        return customer.env._(
            "Support statement %(invoice)s",
            invoice=(self.name or str(self.id)).replace("/", "_"),
        )

    def _support_queue_sending(self):
        """Send these posted invoices with Odoo's own sending (the PDF and the
        statement attached, by email), in the background: Odoo's sending
        cron picks them up."""
        if not self:
            return
        self.sending_data = {
            "author_user_id": self.env.user.id,
            "author_partner_id": self.env.user.partner_id.id,
        }
        self.env.ref("account.ir_cron_account_move_send")._trigger()

    def _support_make_queued_documents(self):
        """Make now, with Odoo's sending's own generation, the invoice PDF of
        these posted invoices that wait in the sending queue without one.

        For whoever opens such an invoice before *Send invoices
        automatically* has run (a customer on the portal): they get the
        invoice itself, never a pro forma. The sending job then sends that
        same PDF (it never renders an invoice twice). Invoices the job is
        rendering right now (locked) are left to it; a rendering that fails
        leaves the invoice as it was, in the queue."""
        waiting = self.filtered(
            lambda move: (
                move.state == "posted"
                and move.sending_data
                and not move.invoice_pdf_report_id
            )
        ).try_lock_for_update()
        if not waiting:
            return
        Send = self.env["account.move.send"]
        try:
            with self.env.cr.savepoint():
                Send._generate_invoice_documents(
                    {
                        move: Send._get_default_sending_settings(move, from_cron=True)
                        for move in waiting
                    }
                )
        except Exception:  # the sending job tries again and reports it
            _logger.warning(
                "Invoice PDFs of %s not made ahead of their sending",
                waiting.ids,
                exc_info=True,
            )

    def _get_mail_template(self):
        """Invoices of agreements are sent with their template's email, and
        their credit notes with the suite's (*Kreditfaktura*)."""
        if self and all(
            move.move_type == "out_refund"
            and (
                move.subscription_id.support_kind
                or move.reversed_entry_id.subscription_id.support_kind
            )
            for move in self
        ):
            template = self.env.ref(
                "support_billing.mail_template_credit_invoice", raise_if_not_found=False
            )
            if template:
                return template
        templates = self.subscription_id.template_id.invoice_mail_template_id
        if len(templates) == 1 and all(
            move.move_type == "out_invoice"
            and move.subscription_id.support_kind
            and move.subscription_id.template_id.invoice_mail_template_id
            for move in self
        ):
            return templates
        # Otherwise the suite's (due date, bankgiro and OCR reference).
        if self and all(
            move.move_type == "out_invoice"
            and (move.subscription_id.support_kind or move.support_period_start)
            for move in self
        ):
            template = self.env.ref(
                "support_billing.mail_template_support_invoice",
                raise_if_not_found=False,
            )
            if template:
                return template
        return super()._get_mail_template()

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        if not self.env.context.get("support_notes_later"):
            posted.filtered("support_period_start")._support_relink_agreement_notes()
        return posted

    def _support_relink_agreement_notes(self):
        """The agreements' chatter notes name each invoice by its current
        name: a link logged while the invoice was a draft is renamed when
        it is posted."""
        if not self:
            return
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "sale.subscription"),
                    ("res_id", "in", self.subscription_id.ids),
                    ("message_type", "=", "notification"),
                    ("body", "ilike", "account.move"),
                ]
            )
        )
        for message in messages:
            body = str(message.body)
            new_body = body
            for move in self.filtered(
                lambda m, msg=message: m.subscription_id.id == msg.res_id
            ):
                pattern = re.compile(
                    r"<a [^>]*data-oe-model=[\"']account\.move[\"'] "
                    rf"data-oe-id=[\"']{move.id}[\"'][^>]*>.*?</a>"
                )
                new_body = pattern.sub(
                    lambda _m, mv=move: str(mv._get_html_link()), new_body
                )
            if new_body != body:
                message.body = Markup(new_body)
