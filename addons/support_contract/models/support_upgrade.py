from odoo import api, fields, models
from odoo.exceptions import LockError, UserError, ValidationError
from odoo.tools.misc import format_date

from ..tools import contract_dates

COMMENCED_STATES = ("in_progress", "done")
# Set by the buttons' methods: only they move the state and fix the fee.
UPGRADE_FLOW = "support_upgrade_flow"
FEE_FIELDS = ("fee_amount", "fee_due")


class SupportUpgrade(models.Model):
    _name = "support.upgrade"
    _description = "Version upgrade"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "commencement_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    agreement_id = fields.Many2one(
        comodel_name="sale.subscription",
        string="Agreement",
        required=True,
        index=True,
        tracking=True,
        domain=[("support_kind", "!=", False)],
        check_company=True,
    )
    partner_id = fields.Many2one(
        related="agreement_id.partner_id", store=True, string="Customer"
    )
    company_id = fields.Many2one(
        related="agreement_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    instance_id = fields.Many2one(
        comodel_name="support.instance",
        string="Instance",
        tracking=True,
        domain="[('agreement_id', '=', agreement_id)]",
        check_company=True,
    )
    from_version = fields.Char(string="From version", tracking=True)
    to_version = fields.Char(string="To version", required=True, tracking=True)
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("planned", "Planned"),
            ("in_progress", "In progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        help="Changed only with the upgrade's buttons.",
    )
    commencement_date = fields.Date(
        tracking=True,
        copy=False,
        help="The day the upgrade commences. It decides the contract year whose "
        "entitlement the upgrade uses, and makes the one-time fee due. Set to "
        "today when the upgrade is started without a date.",
    )
    contract_year = fields.Integer(
        compute="_compute_contract_year",
        store=True,
        help="The contract year of the agreement in which the upgrade commences.",
    )
    outside_entitlement = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="Started by a Support Manager beyond the upgrades the agreement "
        "includes in this contract year.",
    )
    fee_product_id = fields.Many2one(
        comodel_name="product.product",
        string="One-time fee",
        compute="_compute_fee_product_id",
        store=True,
        readonly=False,
    )
    fee_amount = fields.Monetary(
        string="Fee amount",
        readonly=True,
        copy=False,
        help="The one-time fee fixed from the agreement's pricelist when the "
        "upgrade commenced.",
    )
    fee_due = fields.Boolean(
        compute="_compute_fee_due",
        store=True,
        help="The one-time fee is due once the upgrade has commenced, unless it "
        "is cancelled.",
    )
    notes = fields.Html(groups="base.group_user")  # internal, never on the portal

    _check_versions_differ = models.Constraint(
        "CHECK(from_version IS NULL OR from_version != to_version)",
        "An upgrade must go to another version than the one it starts from.",
    )

    @api.depends("agreement_id", "from_version", "to_version")
    def _compute_name(self):
        for upgrade in self:
            upgrade.name = self.env._(
                "%(agreement)s: %(from)s to %(to)s",
                agreement=upgrade.agreement_id.display_name or "",
                **{
                    "from": upgrade.from_version or "?",
                    "to": upgrade.to_version or "?",
                },
            )

    @api.depends("agreement_id.date_start", "commencement_date")
    def _compute_contract_year(self):
        for upgrade in self:
            year = upgrade._year()
            upgrade.contract_year = year.number if year else 0

    @api.depends("agreement_id.template_id.support_upgrade_fee_product_id")
    def _compute_fee_product_id(self):
        for upgrade in self:
            if upgrade.state in COMMENCED_STATES and upgrade.fee_product_id:
                continue
            upgrade.fee_product_id = (
                upgrade.agreement_id.template_id.support_upgrade_fee_product_id
            )

    @api.depends("state", "fee_product_id")
    def _compute_fee_due(self):
        for upgrade in self:
            upgrade.fee_due = bool(
                upgrade.state in COMMENCED_STATES and upgrade.fee_product_id
            )

    @api.onchange("instance_id")
    def _onchange_instance_id(self):
        if self.instance_id and self.instance_id.odoo_version:
            self.from_version = self.instance_id.odoo_version

    @api.constrains("instance_id", "agreement_id")
    def _check_instance_agreement(self):
        for upgrade in self:
            if upgrade.instance_id and upgrade.instance_id.agreement_id != (
                upgrade.agreement_id
            ):
                raise ValidationError(
                    self.env._(
                        "The instance %(instance)s is not covered by the agreement "
                        "%(agreement)s.",
                        instance=upgrade.instance_id.display_name,
                        agreement=upgrade.agreement_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Entitlement
    # ------------------------------------------------------------------

    def _year(self):
        self.ensure_one()
        if not self.commencement_date:
            return None
        return self.agreement_id._support_contract_year(self.commencement_date)

    def _entitled_in_year(self, year):
        """The commenced upgrades of ``self`` that use ``year``'s entitlement."""
        if not year:
            return self.browse()
        return self.filtered(
            lambda u: (
                u.state in COMMENCED_STATES
                and not u.outside_entitlement
                and u.commencement_date
                and year.start <= u.commencement_date <= year.end
            )
        )

    def _support_outside_hint(self):
        """What to use instead when the entitlement refuses an upgrade."""
        if self.env.user.has_group("support_contract.group_support_manager"):
            return self.env._(
                "To start it anyway, outside the entitlement, use Start outside "
                "entitlement."
            )
        return self.env._(
            "A Support Manager can start it outside the entitlement with Start "
            "outside entitlement."
        )

    def _check_entitlement(self):
        """Refuse to commence beyond the agreement's upgrades for the year."""
        self.ensure_one()
        agreement = self.agreement_id
        year = self._year()
        if not year:
            raise UserError(
                self.env._(
                    "The upgrade cannot commence on %(date)s: the agreement "
                    "%(agreement)s starts on %(start)s.",
                    date=format_date(self.env, self.commencement_date),
                    agreement=agreement.display_name,
                    start=format_date(self.env, agreement.date_start),
                )
            )
        allowed = agreement._support_upgrades_allowed()
        if agreement.support_kind != "maintenance":
            raise UserError(
                self.env._(
                    "The %(kind)s %(agreement)s includes no version upgrades. "
                    "%(instead)s",
                    instead=self._support_outside_hint(),
                    kind=dict(
                        agreement._fields["support_kind"]._description_selection(
                            self.env
                        )
                    ).get(agreement.support_kind),
                    agreement=agreement.display_name,
                )
            )
        used = (agreement.support_upgrade_ids - self)._entitled_in_year(year)
        if len(used) >= allowed:
            raise UserError(
                self.env._(
                    "The agreement %(agreement)s includes %(allowed)s upgrade(s) per "
                    "contract year, and contract year %(number)s (%(start)s to "
                    "%(end)s) has already used it: %(used)s. The next contract "
                    "year starts on %(next)s. %(instead)s",
                    instead=self._support_outside_hint(),
                    agreement=agreement.display_name,
                    allowed=allowed,
                    number=year.number,
                    start=format_date(self.env, year.start),
                    end=format_date(self.env, year.end),
                    used=", ".join(used.mapped("display_name")),
                    next=format_date(
                        self.env,
                        contract_dates.contract_year_by_number(
                            agreement.date_start, year.number + 1
                        ).start,
                    ),
                )
            )

    # ------------------------------------------------------------------
    # Direct writes (the form's save, JSON-RPC)
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not (self.env.su or self.env.context.get(UPGRADE_FLOW)):
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or any(
                    vals.get(name) for name in FEE_FIELDS
                ):
                    raise UserError(
                        self.env._(
                            "A new upgrade starts as a draft: start it with its "
                            "Start upgrade button, which fixes its one-time fee."
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not (self.env.su or self.env.context.get(UPGRADE_FLOW)):
            self._support_check_direct_write(vals)
        return super().write(vals)

    def _support_check_direct_write(self, vals):
        """The state moves only with the buttons (which check who may and
        what it costs); the fee and the commencement date of a commenced
        upgrade are fixed: only a Support Manager undoes them, by cancelling
        it with a reason."""
        if "state" in vals or {"fee_amount", "fee_due"} & set(vals):
            raise UserError(
                self.env._(
                    "%(upgrade)s: its state and one-time fee change only with its "
                    "buttons (Plan, Start upgrade, Mark as done, Cancel, Set to "
                    "draft).",
                    upgrade=self[:1].display_name,
                )
            )
        commenced = self.filtered(lambda u: u.state in COMMENCED_STATES)
        if commenced and {"commencement_date", "fee_product_id"} & set(vals):
            upgrade = commenced[:1]
            raise UserError(
                self.env._(
                    "%(upgrade)s commenced on %(date)s: its commencement date and "
                    "one-time fee are fixed. Only a Support Manager can cancel a "
                    "commenced upgrade, with a reason.",
                    upgrade=upgrade.display_name,
                    date=format_date(self.env, upgrade.commencement_date),
                )
            )

    def _support_flow(self):
        """This upgrade as its buttons write it."""
        return self.with_context(**{UPGRADE_FLOW: True})

    def _commence(self, outside_entitlement=False):
        for upgrade in self:
            if upgrade.state not in ("draft", "planned"):
                raise UserError(
                    self.env._(
                        "Only a draft or planned upgrade can be started; "
                        "%(upgrade)s is %(state)s.",
                        upgrade=upgrade.display_name,
                        state=dict(
                            upgrade._fields["state"]._description_selection(self.env)
                        )[upgrade.state],
                    )
                )
            try:
                # Two users starting upgrades of one agreement at once must
                # not both get the last upgrade of the year.
                upgrade.agreement_id.lock_for_update(allow_referencing=True)
            except LockError:
                raise UserError(
                    self.env._(
                        "Another upgrade of %(agreement)s is being started right "
                        "now. Try again in a moment.",
                        agreement=upgrade.agreement_id.display_name,
                    )
                ) from None
            if not upgrade.commencement_date:
                upgrade.commencement_date = fields.Date.context_today(self)
            if not outside_entitlement:
                upgrade._check_entitlement()
            upgrade._support_flow().write(
                {
                    "state": "in_progress",
                    "outside_entitlement": outside_entitlement,
                    "fee_amount": upgrade._fee_price(),
                }
            )

    def _fee_price(self):
        """The fee by the agreement's price rule on the commencement date."""
        self.ensure_one()
        if not self.fee_product_id:
            return 0.0
        return self.agreement_id._support_unit_price(
            self.fee_product_id, 1.0, self.commencement_date
        )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_plan(self):
        self.filtered(lambda u: u.state == "draft")._support_flow().state = "planned"

    def action_start(self):
        self._commence()

    def action_start_outside_entitlement(self):
        if not self.env.user.has_group("support_contract.group_support_manager"):
            raise UserError(
                self.env._(
                    "Only a Support Manager can start an upgrade outside the "
                    "agreement's entitlement."
                )
            )
        self._commence(outside_entitlement=True)
        for upgrade in self:
            upgrade.message_post(
                body=self.env._(
                    "Started outside the entitlement by %(user)s.",
                    user=self.env.user.name,
                )
            )

    def action_done(self):
        for upgrade in self:
            if upgrade.state != "in_progress":
                raise UserError(
                    self.env._("Only an upgrade in progress can be marked as done.")
                )
            upgrade._support_flow().state = "done"
            if upgrade.instance_id and upgrade.to_version:
                upgrade.instance_id.odoo_version = upgrade.to_version

    def action_cancel(self):
        if self.filtered(lambda u: u.state == "done"):
            raise UserError(self.env._("A finished upgrade cannot be cancelled."))
        commenced = self.filtered(lambda u: u.state == "in_progress")
        if commenced:
            # The fee is due and the year's upgrade used from the commencement
            # on: undoing that is a Support Manager's decision, with a reason.
            commenced._support_check_cancel_commenced_right()
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Cancel a commenced upgrade"),
                "res_model": "support.upgrade.cancel.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {"default_upgrade_ids": commenced.ids},
            }
        self._support_flow().state = "cancelled"
        return True

    def _support_check_cancel_commenced_right(self):
        if self.env.su or self.env.user.has_group(
            "support_contract.group_support_manager"
        ):
            return
        upgrade = self[:1]
        raise UserError(
            self.env._(
                "%(upgrade)s commenced on %(date)s: its one-time fee is due and it "
                "uses the upgrade of contract year %(year)s. Only a Support Manager "
                "can cancel a commenced upgrade, with a reason: ask one.",
                upgrade=upgrade.display_name,
                date=format_date(self.env, upgrade.commencement_date),
                year=upgrade.contract_year,
            )
        )

    def _support_cancel_commenced(self, reason):
        """Cancel commenced upgrades: the fee is no longer due and the
        contract year's upgrade is free again. A Support Manager's decision,
        with the reason kept in the chatter."""
        self._support_check_cancel_commenced_right()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Give the reason for cancelling the commenced upgrade.")
            )
        for upgrade in self:
            if upgrade.state != "in_progress":
                raise UserError(
                    self.env._(
                        "%(upgrade)s is no longer in progress: reload the page.",
                        upgrade=upgrade.display_name,
                    )
                )
            upgrade._support_flow().state = "cancelled"
            upgrade.message_post(
                body=self.env._(
                    "Cancelled after it commenced by %(user)s: %(reason)s. Its "
                    "one-time fee is no longer due and the upgrade of contract "
                    "year %(year)s is free again.",
                    user=self.env.user.name,
                    reason=reason,
                    year=upgrade.contract_year,
                )
            )

    def action_draft(self):
        if self.filtered(lambda u: u.state != "cancelled"):
            raise UserError(
                self.env._("Only a cancelled upgrade can be set back to draft.")
            )
        self._support_flow().write(
            {"state": "draft", "outside_entitlement": False, "fee_amount": 0}
        )
