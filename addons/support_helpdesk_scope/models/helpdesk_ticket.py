from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount

from ..tools import scope as scope_rules

SCOPES = [
    ("included", "Included"),
    ("billable", "Billable"),
    ("to_review", "To review"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    scope_category_id = fields.Many2one(
        comodel_name="support.scope.category",
        string="Scope category",
        tracking=True,
        index=True,
    )
    scope_category_requires_reproduction = fields.Boolean(
        related="scope_category_id.requires_reproduction"
    )
    ticket_date = fields.Date(
        default=fields.Date.context_today,
        required=True,
        help="The date that decides which agreement covers the ticket.",
    )
    agreement_id = fields.Many2one(
        comodel_name="sale.subscription",
        string="Covering agreement",
        compute="_compute_agreement_id",
        store=True,
        readonly=False,
        tracking=True,
        index=True,
        domain="[('support_kind', '!=', False), "
        "('partner_id', 'child_of', commercial_partner_id)]",
        help="A running agreement of the customer on the ticket's date, found "
        "automatically; staff can choose another.",
    )
    reproduced = fields.Boolean(
        string="Reproduced on a standard test instance",
        readonly=True,
        copy=False,
        tracking=True,
    )
    reproduced_user_id = fields.Many2one(
        "res.users", string="Reproduced by", readonly=True, copy=False
    )
    reproduced_date = fields.Datetime(string="Reproduced on", readonly=True, copy=False)
    scope_manual = fields.Selection(
        selection=SCOPES,
        string="Reclassified as",
        readonly=True,
        copy=False,
        help="Set by staff with a reason; it overrides the category's rule.",
    )
    scope_reason = fields.Char(
        string="Reclassification reason", readonly=True, copy=False, tracking=True
    )
    scope = fields.Selection(
        selection=SCOPES,
        compute="_compute_scope",
        store=True,
        tracking=True,
        index=True,
        help="Included: covered by the agreement, never billed. Billable: "
        "charged separately at the hourly rate. To review: staff decide.",
    )
    timesheet_ids = fields.One2many(
        comodel_name="account.analytic.line",
        inverse_name="helpdesk_ticket_id",
        string="Timesheets",
    )
    hours_spent = fields.Float(compute="_compute_hours", store=True)
    billable_hours = fields.Float(compute="_compute_hours", store=True)
    included_hours = fields.Float(compute="_compute_hours", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    hourly_rate = fields.Monetary(
        compute="_compute_hourly_rate",
        help="The hourly service's price with the customer's agreement discount.",
    )
    approval_state = fields.Selection(
        selection=[
            ("none", "Not needed"),
            ("pending", "Waiting for the customer"),
            ("approved", "Approved"),
            ("declined", "Declined"),
        ],
        default="none",
        required=True,
        tracking=True,
        copy=False,
    )
    approval_partner_id = fields.Many2one(
        "res.partner", string="Approved or declined by", readonly=True, copy=False
    )
    approval_date = fields.Datetime(
        string="Approved or declined on", readonly=True, copy=False
    )
    without_agreement = fields.Boolean(compute="_compute_without_agreement")

    @api.depends("commercial_partner_id", "partner_id", "ticket_date", "company_id")
    def _compute_agreement_id(self):
        Agreement = self.env["sale.subscription"].sudo()
        for ticket in self:
            partner = ticket.commercial_partner_id or ticket.partner_id
            if not partner:
                ticket.agreement_id = False
                continue
            ticket.agreement_id = Agreement._support_covering_agreement(
                partner,
                ticket.ticket_date or fields.Date.context_today(ticket),
                company=ticket.company_id or None,
            )

    @api.depends(
        "agreement_id",
        "scope_category_id.coverage",
        "scope_category_id.requires_reproduction",
        "reproduced",
        "scope_manual",
    )
    def _compute_scope(self):
        for ticket in self:
            if ticket.scope_manual:
                ticket.scope = ticket.scope_manual
            elif not ticket.scope_category_id and ticket.agreement_id:
                ticket.scope = scope_rules.TO_REVIEW
            else:
                ticket.scope = scope_rules.classify(
                    ticket.scope_category_id.coverage,
                    bool(ticket.agreement_id),
                    ticket.scope_category_id.requires_reproduction,
                    ticket.reproduced,
                )

    @api.depends("timesheet_ids.unit_amount", "scope")
    def _compute_hours(self):
        for ticket in self:
            hours = sum(ticket.timesheet_ids.mapped("unit_amount"))
            ticket.hours_spent = hours
            ticket.billable_hours = hours if ticket.scope == "billable" else 0.0
            ticket.included_hours = hours if ticket.scope == "included" else 0.0

    @api.depends("commercial_partner_id", "company_id", "ticket_date")
    def _compute_hourly_rate(self):
        for ticket in self:
            ticket.hourly_rate = ticket._support_hourly_rate()

    @api.depends("agreement_id", "partner_id")
    def _compute_without_agreement(self):
        for ticket in self:
            ticket.without_agreement = bool(ticket.partner_id) and not (
                ticket.agreement_id
            )

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    def _support_hourly_rate(self, partner=None, on_date=None):
        """Hourly rate for the customer: the price rule of support_contract
        (agreement pricelist and discount on the ticket's date); 0 only when
        the company has no hourly product (see the Settings)."""
        company = (self[:1].company_id if self else None) or self.env.company
        partner = partner or (self[:1].commercial_partner_id if self else None)
        on_date = on_date or (self[:1].ticket_date if self else None)
        price = self.env["sale.subscription"]._support_hourly_price(
            partner, company, on_date
        )
        return price[2] if price else 0.0

    @api.model
    def _support_billable_ticket_domain(self):
        """The one rule of tickets whose time is billed: billable, and not
        waiting for or declined by the customer where approval is asked."""
        return [
            ("scope", "=", "billable"),
            ("approval_state", "not in", ("pending", "declined")),
        ]

    def write(self, vals):
        before = {ticket.id: ticket.scope for ticket in self}
        res = super().write(vals)
        became_billable = self.filtered(
            lambda t: t.scope == "billable" and before.get(t.id) != "billable"
        )
        if became_billable and not self.env.context.get("support_no_scope_notice"):
            became_billable._support_notify_billable()
        return res

    def _support_notify_billable(self, reason=None):
        """Tell the customer that the ticket is now billable, and why."""
        for ticket in self:
            needs_approval = bool(ticket.agreement_id.support_billable_approval)
            if needs_approval and ticket.approval_state not in ("approved",):
                ticket.with_context(support_no_scope_notice=True).write(
                    {
                        "approval_state": "pending",
                        "approval_partner_id": False,
                        "approval_date": False,
                    }
                )
            rate = format_amount(self.env, ticket.hourly_rate, ticket.currency_id)
            why = (
                reason
                or ticket.scope_reason
                or (
                    ticket.scope_category_id.name
                    and self.env._(
                        "%(category)s is charged separately.",
                        category=ticket.scope_category_id.name,
                    )
                )
                or self.env._("No agreement covers this ticket.")
            )
            body = Markup("<p>%s</p><p>%s</p>") % (
                self.env._(
                    "This ticket is not covered by your agreement: work on it is "
                    "billed at %(rate)s per hour.",
                    rate=rate,
                ),
                self.env._("Reason: %(reason)s", reason=why),
            )
            if needs_approval and ticket.approval_state == "pending":
                body += Markup("<p>%s</p>") % self.env._(
                    "We start the billable work once you approve it on the "
                    "ticket's page in the portal."
                )
            partners = ticket.partner_id | ticket.commercial_partner_id
            ticket.message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=partners.filtered("email").ids,
            )

    # ------------------------------------------------------------------
    # Staff actions
    # ------------------------------------------------------------------

    def action_confirm_reproduced(self):
        for ticket in self:
            if not ticket.scope_category_id.requires_reproduction:
                raise UserError(
                    self.env._(
                        "Only a program error needs to be reproduced; %(ticket)s is "
                        "about %(category)s.",
                        ticket=ticket.display_name,
                        category=ticket.scope_category_id.name or "-",
                    )
                )
        self.write(
            {
                "reproduced": True,
                "reproduced_user_id": self.env.user.id,
                "reproduced_date": fields.Datetime.now(),
            }
        )

    def action_open_reclassify(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reclassify %(ticket)s", ticket=self.display_name),
            "res_model": "support.ticket.reclassify",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id, "default_scope": self.scope},
        }

    def _support_reclassify(self, scope, reason):
        self.ensure_one()
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the reclassification."))
        old = dict(SCOPES).get(self.scope)
        self.write({"scope_manual": scope, "scope_reason": reason.strip()})
        self.message_post(
            body=self.env._(
                "Scope changed from %(old)s to %(new)s by %(user)s: %(reason)s",
                old=old,
                new=dict(SCOPES).get(scope),
                user=self.env.user.name,
                reason=reason.strip(),
            )
        )

    # ------------------------------------------------------------------
    # Customer approval (portal)
    # ------------------------------------------------------------------

    def _support_answer_approval(self, approve, partner):
        self.ensure_one()
        if self.approval_state != "pending":
            raise UserError(self.env._("This ticket is not waiting for your approval."))
        self.write(
            {
                "approval_state": "approved" if approve else "declined",
                "approval_partner_id": partner.id,
                "approval_date": fields.Datetime.now(),
            }
        )
        self.message_post(
            body=(
                self.env._(
                    "%(partner)s approved the billable work.", partner=partner.name
                )
                if approve
                else self.env._(
                    "%(partner)s declined the billable work.", partner=partner.name
                )
            ),
            author_id=partner.id,
        )
