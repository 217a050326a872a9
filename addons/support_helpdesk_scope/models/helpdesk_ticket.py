from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import scope as scope_rules
from .helpdesk_ticket_category import COVERAGES

HOURS_STATES = [
    ("included", "Included"),
    ("billable", "Billable"),
    ("to_review", "To review"),
    ("pending", "Waiting for approval"),
    ("declined", "Declined, not billed"),
]

# Who approved billable work, and when: set only by the customer's answer
# (and reset when the approval is asked again), never written by staff.
APPROVAL_FIELDS = {"approval_state", "approval_partner_id", "approval_date"}

LOGGED_HOURS_STATES = [
    ("none", "None logged before"),
    ("not_asked", "Not billed"),
    ("asked", "Waiting for the customer"),
    ("approved", "Approved by the customer"),
    ("declined", "Not approved, not billed"),
]

SCOPES = [
    ("included", "Included"),
    ("billable", "Billable"),
    ("to_review", "To review"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    support_coverage = fields.Selection(
        selection=COVERAGES,
        string="Category rule",
        compute="_compute_support_rule",
        store=True,
        help="The coverage of the category when the ticket was categorised: a "
        "later change of the category does not reclassify the ticket.",
    )
    support_requires_reproduction = fields.Boolean(
        string="Must be reproduced",
        compute="_compute_support_rule",
        store=True,
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
    support_hours_state = fields.Selection(
        selection=HOURS_STATES,
        string="Hours",
        compute="_compute_support_hours_state",
        store=True,
        help="Whether the ticket's hours are included, billed, or not billed "
        "(to review, waiting for the customer's approval, declined).",
    )
    hours_spent = fields.Float(compute="_compute_hours", store=True)
    billable_hours = fields.Float(
        compute="_compute_hours",
        store=True,
        help="Hours that will be billed: those of a billable ticket that is "
        "neither waiting for the customer's approval nor declined.",
    )
    included_hours = fields.Float(compute="_compute_hours", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    hourly_rate = fields.Monetary(
        compute="_compute_hourly_rate",
        help="The hourly service's price with the customer's agreement discount.",
    )
    hourly_rate_set = fields.Boolean(
        compute="_compute_hourly_rate",
        help="False when the company has no hourly product in the Settings.",
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
        readonly=True,
        tracking=True,
        copy=False,
        help="Set only by the customer's answer on the portal; staff ask for "
        "it by reclassifying the ticket.",
    )
    approval_partner_id = fields.Many2one(
        "res.partner", string="Approved or declined by", readonly=True, copy=False
    )
    approval_date = fields.Datetime(
        string="Approved or declined on", readonly=True, copy=False
    )
    without_agreement = fields.Boolean(compute="_compute_without_agreement")
    billable_since = fields.Datetime(
        string="Billable since",
        readonly=True,
        copy=False,
        help="When the ticket became billable: time logged before is billed "
        "only if the customer approved those hours by name.",
    )
    logged_hours_state = fields.Selection(
        selection=LOGGED_HOURS_STATES,
        string="Hours logged before",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        help="The hours logged before the ticket became billable are billed "
        "only when the customer approved them, named with their amount.",
    )
    logged_hours = fields.Float(
        string="Hours logged before it became billable",
        compute="_compute_logged_hours",
        store=True,
    )
    logged_amount = fields.Monetary(
        string="Amount of those hours",
        compute="_compute_logged_amount",
        help="The hours logged before the ticket became billable at the "
        "customer's hourly rate.",
    )

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

    @api.depends("category_id")
    def _compute_support_rule(self):
        # Depends on the category only, not on its coverage: editing a
        # category applies to tickets categorised afterwards.
        for ticket in self:
            ticket.support_coverage = ticket.category_id.support_coverage or False
            ticket.support_requires_reproduction = (
                ticket.category_id.support_requires_reproduction
            )

    @api.depends(
        "agreement_id",
        "support_coverage",
        "support_requires_reproduction",
        "reproduced",
        "scope_manual",
    )
    def _compute_scope(self):
        for ticket in self:
            if ticket.scope_manual:
                ticket.scope = ticket.scope_manual
            elif not ticket.support_coverage and ticket.agreement_id:
                ticket.scope = scope_rules.TO_REVIEW
            else:
                ticket.scope = scope_rules.classify(
                    ticket.support_coverage,
                    bool(ticket.agreement_id),
                    ticket.support_requires_reproduction,
                    ticket.reproduced,
                )

    @api.depends("scope", "approval_state")
    def _compute_support_hours_state(self):
        billed = self.filtered_domain(self._support_billable_ticket_domain())
        for ticket in self:
            if ticket in billed:
                ticket.support_hours_state = "billable"
            elif ticket.scope == "billable":
                ticket.support_hours_state = ticket.approval_state
            else:
                ticket.support_hours_state = ticket.scope

    @api.depends(
        "timesheet_ids.unit_amount",
        "timesheet_ids.support_before_billable",
        "support_hours_state",
        "logged_hours_state",
    )
    def _compute_hours(self):
        billable_time = self._support_billable_time_domain()
        for ticket in self:
            hours = sum(ticket.timesheet_ids.mapped("unit_amount"))
            ticket.hours_spent = hours
            ticket.billable_hours = sum(
                ticket.timesheet_ids.filtered_domain(billable_time).mapped(
                    "unit_amount"
                )
            )
            ticket.included_hours = (
                hours if ticket.support_hours_state == "included" else 0.0
            )

    @api.depends("commercial_partner_id", "company_id", "ticket_date")
    def _compute_hourly_rate(self):
        for ticket in self:
            rate = ticket._support_hourly_rate()
            ticket.hourly_rate = rate or 0.0
            ticket.hourly_rate_set = rate is not None

    @api.depends("timesheet_ids.unit_amount", "timesheet_ids.support_before_billable")
    def _compute_logged_hours(self):
        for ticket in self:
            ticket.logged_hours = sum(
                ticket.timesheet_ids.filtered("support_before_billable").mapped(
                    "unit_amount"
                )
            )

    @api.depends("logged_hours", "hourly_rate")
    def _compute_logged_amount(self):
        for ticket in self:
            ticket.logged_amount = ticket.currency_id.round(
                ticket.logged_hours * ticket.hourly_rate
            )

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
        (agreement pricelist and discount on the ticket's date); None when
        the company has no hourly product (see the Settings)."""
        company = (self[:1].company_id if self else None) or self.env.company
        partner = partner or (self[:1].commercial_partner_id if self else None)
        on_date = on_date or (self[:1].ticket_date if self else None)
        price = self.env["sale.subscription"]._support_hourly_price(
            partner, company, on_date
        )
        return price[2] if price else None

    @api.model
    def _support_billable_ticket_domain(self):
        """The one rule of tickets whose time is billed: billable, and not
        waiting for or declined by the customer where approval is asked."""
        return [
            ("scope", "=", "billable"),
            ("approval_state", "not in", ("pending", "declined")),
        ]

    @api.model
    def _support_billable_time_domain(self):
        """The one rule of billable time (timesheet lines): on a ticket whose
        time is billed, and logged from the decision that made it billable
        on, unless the customer approved the hours logged before by name."""
        return [
            ("helpdesk_ticket_id", "any", self._support_billable_ticket_domain()),
            "|",
            ("support_before_billable", "=", False),
            ("helpdesk_ticket_id.logged_hours_state", "=", "approved"),
        ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._support_check_approval_write(
                {
                    name: value
                    for name, value in vals.items()
                    if name in APPROVAL_FIELDS and value and value != "none"
                }
            )
        Partner = self.env["res.partner"].sudo()
        for vals in vals_list:
            partner = Partner.browse(vals.get("partner_id"))
            if partner:
                # Every list names the customer, however the ticket came in.
                vals.setdefault("partner_name", partner.name)
                vals.setdefault("partner_email", partner.email)
            if not any(
                vals.get(name) or self.env.context.get(f"default_{name}")
                for name in ("team_id", "user_id")
            ):
                team = self._support_default_team(partner, vals.get("company_id"))
                if team:
                    vals["team_id"] = team.id
        tickets = super().create(vals_list)
        # Billable from the start (a billable category, or no agreement):
        # asked and told exactly as when a ticket becomes billable later.
        billable = tickets.filtered(lambda t: t.scope == "billable")
        if billable:
            billable.with_context(support_no_scope_notice=True).sudo().write(
                {"billable_since": fields.Datetime.now()}
            )
        if billable and not self.env.context.get("support_no_scope_notice"):
            billable._support_notify_billable()
        return tickets

    def _support_check_approval_write(self, vals):
        """The customer's consent is his answer on the portal, recorded with
        who and when: staff never set it (nor who/when) by hand, only through
        the methods that ask for it or record the answer."""
        if (
            self.env.su
            or self.env.context.get("support_approval_write")
            or not APPROVAL_FIELDS & set(vals)
        ):
            return
        raise UserError(
            self.env._(
                "Only the customer approves or declines billable work, on the "
                "ticket's page in the portal. To ask for the approval, reclassify "
                "the ticket as billable; to give the work away, ask a Support "
                "Manager to reclassify it, with the reason."
            )
        )

    def write(self, vals):
        self._support_check_approval_write(vals)
        before = {ticket.id: ticket.scope for ticket in self}
        giving = {
            ticket: (ticket.agreement_id, ticket.billable_hours)
            for ticket in self
            if ticket.scope == "billable"
            and (not ticket.agreement_id or ticket.billable_hours)
        }
        res = super().write(vals)
        for ticket, (agreement, hours) in giving.items():
            if ticket.scope != "billable":
                ticket._support_check_may_give_away(agreement, hours)
        became_billable = self.filtered(
            lambda t: t.scope == "billable" and before.get(t.id) != "billable"
        )
        if became_billable:
            became_billable._support_mark_logged_before()
        if became_billable and not self.env.context.get("support_no_scope_notice"):
            became_billable._support_notify_billable()
        return res

    @api.model
    def _support_default_team(self, partner, company_id=None):
        """The team a customer's new ticket lands in: the one its covering
        agreement names, else the one of the company's support settings."""
        company = self.env["res.company"].browse(company_id) or self.env.company
        agreement = (
            self.env["sale.subscription"]
            .sudo()
            ._support_covering_agreement(partner, company=company)
            if partner
            else self.env["sale.subscription"]
        )
        return (
            agreement.support_helpdesk_team_id
            or company.sudo().support_helpdesk_team_id
        )

    def _support_check_may_give_away(self, agreement, hours):
        """Work no agreement covers, or billable hours, are given away only by
        a Support Manager (with a reason, kept on the ticket). ``agreement``
        and ``hours``: the ticket's before the change."""
        if self.env.su or self.env.user.has_group(
            "support_contract.group_support_manager"
        ):
            return
        ticket = self[:1]
        raise UserError(
            self.env._(
                "%(ticket)s: only a Support Manager may give work away. "
                "%(why)s Ask a Support Manager to reclassify it, with the reason.",
                ticket=ticket.display_name,
                why=(
                    self.env._(
                        "No agreement covers this ticket, so its work is billable."
                    )
                    if not agreement
                    else self.env._(
                        "It has %(hours)s billable hours, which would no longer be "
                        "billed.",
                        hours=ticket._support_format_hours(hours),
                    )
                ),
            )
        )

    def _support_format_hours(self, hours):
        """Hours as the customer reads them, e.g. 1:15."""
        minutes = round(hours * 60)
        return f"{minutes // 60}:{minutes % 60:02d}"

    def _support_customer(self):
        """The contact the ticket's notices are written to."""
        self.ensure_one()
        return self.partner_id or self.commercial_partner_id

    def _support_in_customer_lang(self):
        """This ticket in its customer's language: notices to the customer are
        written in the partner's language, not the staff user's."""
        self.ensure_one()
        customer = self._support_customer()
        lang = customer.lang or self.commercial_partner_id.lang
        return self.with_context(lang=lang) if lang else self

    def _support_notice_author(self):
        """Staff sign what they trigger; what the customer triggers (a ticket
        submitted on the portal) is signed by the company."""
        if self.env.user._is_internal():
            return self.env.user.partner_id
        return (self.company_id or self.env.company).partner_id

    # ------------------------------------------------------------------
    # Staff actions
    # ------------------------------------------------------------------

    def action_confirm_reproduced(self):
        for ticket in self:
            if not ticket.support_requires_reproduction:
                raise UserError(
                    self.env._(
                        "Only a program error needs to be reproduced; %(ticket)s is "
                        "about %(category)s.",
                        ticket=ticket.display_name,
                        category=ticket.category_id.name or "-",
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

    def _support_reclassify(self, scope, reason, ask_logged_hours=False):
        """Staff reclassify with a reason. Becoming billable, the hours logged
        so far are billed only if ``ask_logged_hours`` and the customer
        approves them, named with their amount."""
        self.ensure_one()
        if not (reason or "").strip():
            raise UserError(
                self.env._(
                    "Give the reason for the reclassification of %(ticket)s.",
                    ticket=self.display_name,
                )
            )
        if scope != "billable" and self.scope == "billable":
            if not self.agreement_id or self.billable_hours:
                # Refused before anything is written.
                self._support_check_may_give_away(
                    self.agreement_id, self.billable_hours
                )
        old = self.scope
        self.with_context(support_ask_logged_hours=ask_logged_hours).write(
            {"scope_manual": scope, "scope_reason": reason.strip()}
        )
        # The customer reads the note on the portal: in his language, the
        # scopes by their translated names.
        customer = self._support_in_customer_lang()
        labels = dict(customer._fields["scope"]._description_selection(customer.env))
        self.message_post(
            body=customer.env._(
                "Scope changed from %(old)s to %(new)s by %(user)s: %(reason)s",
                old=labels.get(old),
                new=labels.get(scope),
                user=self.env.user.name,
                reason=reason.strip(),
            )
        )
