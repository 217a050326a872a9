from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools.misc import format_date

from ..tools import contract_dates


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    # Internal text: staff only, never readable by a portal user (the
    # portal pages do not show it, and neither does JSON-RPC).
    description = fields.Text(groups="base.group_user")
    terms = fields.Text(groups="base.group_user")
    support_kind = fields.Selection(
        related="template_id.support_kind",
        store=True,
        index=True,
        string="Agreement kind",
    )
    support_minimum_term_months = fields.Integer(
        related="template_id.support_minimum_term_months",
        string="Minimum term (months)",
    )
    support_minimum_term_end = fields.Date(
        string="Minimum term ends",
        compute="_compute_support_minimum_term_end",
        store=True,
        help="The last day of the minimum term. An agreement closed before this "
        "date stays in force and is billed until this date.",
    )
    support_contract_year = fields.Integer(
        string="Contract year",
        compute="_compute_support_contract_year",
        help="The current 12-month contract year, counted from the start date.",
    )
    support_contract_year_display = fields.Char(
        string="Current contract year",
        compute="_compute_support_contract_year",
    )
    support_contract_year_start = fields.Date(
        string="Contract year starts",
        compute="_compute_support_contract_year",
    )
    support_contract_year_end = fields.Date(
        string="Contract year ends",
        compute="_compute_support_contract_year",
    )
    support_close_scheduled = fields.Boolean(
        string="Closing scheduled",
        readonly=True,
        copy=False,
        tracking=True,
        help="Closing was asked for before the end of the minimum term: the "
        "agreement ends at the end of its minimum term.",
    )
    support_hourly_discount = fields.Float(
        related="template_id.support_hourly_discount",
        string="Hourly-rate discount (%)",
    )
    support_instance_ids = fields.One2many(
        comodel_name="support.instance",
        inverse_name="agreement_id",
        string="Instances",
    )
    support_instance_count = fields.Integer(
        string="Instance count", compute="_compute_support_counts"
    )
    support_upgrade_ids = fields.One2many(
        comodel_name="support.upgrade",
        inverse_name="agreement_id",
        string="Upgrades",
    )
    support_upgrade_count = fields.Integer(
        string="Upgrade count", compute="_compute_support_counts"
    )
    support_repository_ids = fields.One2many(
        comodel_name="support.repository",
        inverse_name="agreement_id",
        string="Repositories",
    )
    support_repository_count = fields.Integer(
        string="Repository count", compute="_compute_support_counts"
    )
    support_code_lines = fields.Integer(
        string="Code lines",
        compute="_compute_support_code_lines",
        help="The code lines that set the price: the sum of the last applied "
        "count of each active source (repository or counted database), "
        "addons not charged left out.",
    )
    support_code_line_block = fields.Integer(
        related="template_id.support_code_line_block", string="Lines per block"
    )
    support_code_line_product_id = fields.Many2one(
        related="template_id.support_code_line_product_id",
        string="Code-line product",
    )
    support_upgrades_allowed = fields.Integer(
        string="Upgrades per contract year",
        compute="_compute_support_upgrades_left",
    )
    support_upgrades_left = fields.Integer(
        string="Upgrades left this contract year",
        compute="_compute_support_upgrades_left",
    )

    @api.depends("partner_id")
    def _compute_partner_address_ids(self):
        # As on the order: a person with an email when the customer company
        # itself has none.
        res = super()._compute_partner_address_ids()
        for agreement in self.filtered("partner_id"):
            agreement.partner_invoice_id = (
                agreement.partner_id._support_invoice_address()
            )
        return res

    @api.depends(
        "date_start", "template_id.support_minimum_term_months", "support_kind"
    )
    def _compute_support_minimum_term_end(self):
        for agreement in self:
            if agreement.support_kind and agreement.date_start:
                agreement.support_minimum_term_end = contract_dates.minimum_term_end(
                    agreement.date_start, agreement.support_minimum_term_months
                )
            else:
                agreement.support_minimum_term_end = False

    @api.depends("date_start", "support_kind")
    @api.depends_context("date")
    def _compute_support_contract_year(self):
        today = fields.Date.context_today(self)
        for agreement in self:
            year = agreement._support_contract_year(today)
            agreement.support_contract_year = year.number if year else 0
            agreement.support_contract_year_start = year.start if year else False
            agreement.support_contract_year_end = year.end if year else False
            agreement.support_contract_year_display = (
                self.env._(
                    "Year %(number)s: %(start)s to %(end)s",
                    number=year.number,
                    start=format_date(self.env, year.start),
                    end=format_date(self.env, year.end),
                )
                if year
                else False
            )

    def _compute_support_counts(self):
        for agreement in self:
            agreement.support_instance_count = len(agreement.support_instance_ids)
            agreement.support_upgrade_count = len(agreement.support_upgrade_ids)
            agreement.support_repository_count = len(agreement.support_repository_ids)

    @api.depends(
        "support_repository_ids.last_code_lines",
        "support_repository_ids.active",
        "support_instance_ids.last_code_lines",
        "support_instance_ids.active",
        "support_instance_ids.count_database",
        "support_instance_ids.environment",
    )
    def _compute_support_code_lines(self):
        for agreement in self:
            agreement.support_code_lines = sum(
                agreement.support_repository_ids.filtered("active").mapped(
                    "last_code_lines"
                )
            ) + sum(agreement._support_counted_instances().mapped("last_code_lines"))

    def _support_counted_instances(self):
        """The instances whose database count is part of the price."""
        self.ensure_one()
        return self.support_instance_ids.filtered(
            lambda i: i.active and i.count_database and i.environment == "production"
        )

    @api.depends(
        "support_kind",
        "date_start",
        "support_upgrade_ids.state",
        "support_upgrade_ids.commencement_date",
        "support_upgrade_ids.outside_entitlement",
    )
    @api.depends_context("date")
    def _compute_support_upgrades_left(self):
        today = fields.Date.context_today(self)
        for agreement in self:
            allowed = agreement._support_upgrades_allowed()
            year = agreement._support_contract_year(today)
            used = (
                len(agreement.support_upgrade_ids._entitled_in_year(year))
                if year
                else 0
            )
            agreement.support_upgrades_allowed = allowed
            agreement.support_upgrades_left = max(allowed - used, 0) if year else 0

    # ------------------------------------------------------------------
    # Business rules
    # ------------------------------------------------------------------

    def _support_contract_year(self, on_date):
        """The contract year holding ``on_date``, or None."""
        self.ensure_one()
        if not (self.support_kind and self.date_start and on_date):
            return None
        return contract_dates.contract_year(self.date_start, on_date)

    def _support_upgrades_allowed(self):
        """Upgrades the agreement entitles its customer to per contract year."""
        self.ensure_one()
        if self.support_kind != "maintenance":
            return 0
        return self.template_id.support_upgrades_per_year

    @api.model
    def _support_running_domain(self, on_date):
        """Agreements in force on ``on_date``: started, and not ended before it.

        Closed agreements count for the dates they were in force, so a past
        date gives the agreements that were running then.
        """
        return Domain.AND(
            [
                [("support_kind", "!=", False)],
                [("stage_id.type", "in", ("in_progress", "post"))],
                [("date_start", "<=", on_date)],
                Domain.OR([[("date", "=", False)], [("date", ">=", on_date)]]),
            ]
        )

    @api.model
    def _support_running_for_partner(self, partner, on_date=None):
        """The running agreements of ``partner``'s commercial partner."""
        on_date = on_date or fields.Date.context_today(self)
        commercial = partner.commercial_partner_id
        if not commercial:
            return self.browse()
        return self.search(
            Domain.AND(
                [
                    self._support_running_domain(on_date),
                    [("partner_id", "child_of", commercial.id)],
                ]
            )
        )

    @api.model
    def _support_covering_agreement(self, partner, on_date=None, company=None):
        """The agreement that covers ``partner``'s work on ``on_date``.

        Among the running agreements of the commercial partner (of
        ``company`` when given), Maintenance and Support first, as it covers
        more than Operations; then the oldest.
        """
        running = self._support_running_for_partner(partner, on_date)
        if company:
            running = running.filtered(lambda a: a.company_id == company)
        return running.sorted(
            lambda a: (a.support_kind != "maintenance", a.date_start, a.id)
        )[:1]

    def _support_within_minimum_term(self, on_date=None):
        self.ensure_one()
        on_date = on_date or fields.Date.context_today(self)
        return bool(
            self.support_kind
            and self.support_minimum_term_end
            and on_date < self.support_minimum_term_end
        )

    def _support_close_notice(self):
        """What closing the agreement today does, for the user to read first."""
        self.ensure_one()
        if not self._support_within_minimum_term():
            return False
        return self.env._(
            "%(agreement)s has a minimum term until %(end)s. Closing it now does "
            "not end it early: it stays in force and is billed every month until "
            "%(end)s, then it ends.",
            agreement=self.display_name,
            end=self._support_format_date(self.support_minimum_term_end),
        )

    def _support_format_date(self, value):
        return format_date(self.env, value) if value else ""

    def _support_check_invoicing_rights(self):
        """Invoicing an agreement makes a journal entry: accountants do it."""
        if self.filtered("support_kind") and not self.env.user.has_group(
            "account.group_account_invoice"
        ):
            raise UserError(
                self.env._(
                    "Only users with Invoicing rights can invoice an agreement. "
                    "Ask your accountant, or an administrator to give you the "
                    "Invoicing rights."
                )
            )

    def manual_invoice(self):
        self._support_check_invoicing_rights()
        return super().manual_invoice()

    def action_support_view_repositories(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_contract.support_repository_action"
        )
        action["domain"] = [("agreement_id", "=", self.id)]
        action["context"] = {"default_agreement_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Closing
    # ------------------------------------------------------------------

    def close_subscription(self, close_reason_id=False):
        self.ensure_one()
        if self._support_within_minimum_term():
            end = self.support_minimum_term_end
            self.write(
                {
                    "date": end,
                    "recurring_rule_boundary": False,
                    "close_reason_id": close_reason_id,
                    "support_close_scheduled": True,
                }
            )
            self.message_post(
                body=self.env._(
                    "Closing was asked for before the end of the minimum term. "
                    "The agreement stays in force and is billed until %(end)s, "
                    "then it ends.",
                    end=self._support_format_date(end),
                )
            )
            return True
        today = fields.Date.context_today(self)
        res = super(
            SaleSubscription, self.with_context(support_closing=True)
        ).close_subscription(close_reason_id)
        if self.support_kind and (not self.date or self.date > today):
            self.date = today
        return res

    @api.model_create_multi
    def create(self, vals_list):
        # One numbering per agreement kind instead of subscription_oca's
        # shared one: a reference given explicitly is kept.
        Template = self.env["sale.subscription.template"]
        for vals in vals_list:
            if vals.get("code") or "default_code" in self.env.context:
                continue
            kind = Template.browse(vals.get("template_id")).support_kind
            if kind:
                vals["code"] = (
                    self.env["ir.sequence"]
                    .sudo()
                    .next_by_code(f"support_contract.agreement.{kind}")
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("stage_id") and not self.env.context.get("support_closing"):
            stage = vals["stage_id"]
            if not isinstance(stage, models.BaseModel):
                stage = self.env["sale.subscription.stage"].browse(stage)
            if stage.type == "post":
                self._support_check_ends_after_minimum_term("stage")
        if vals.get("date") and not (
            self.env.su or self.env.context.get("support_closing")
        ):
            end = fields.Date.to_date(vals["date"])
            self.filtered(
                lambda a: a.date != end
            )._support_check_ends_after_minimum_term("date", end)
        if vals.get("is_paused") and not (
            self.env.su or self.env.context.get("support_pausing")
        ):
            # Ticking "paused" is pausing: the pause wizard's rule applies.
            for agreement in self.filtered(lambda a: not a.is_paused):
                agreement._support_check_may_pause("")
        return super().write(vals)

    def _support_check_ends_after_minimum_term(self, how, end=None):
        """The one rule of ending an agreement early: none ends before its
        minimum term does, whether moved to a closed stage (``how`` "stage",
        today) or given an end date (``how`` "date", ``end``). The Close
        button schedules the end at the minimum term's end instead."""
        early = self.filtered(lambda a: a._support_within_minimum_term(end))
        if not early:
            return
        agreement = early[0]
        if how == "stage":
            message = self.env._(
                "%(agreement)s cannot be moved to a closed stage before "
                "its minimum term ends on %(end)s. Use the Close button: "
                "the agreement then ends at the end of its minimum term.",
                agreement=agreement.display_name,
                end=self._support_format_date(agreement.support_minimum_term_end),
            )
        else:
            message = self.env._(
                "%(agreement)s cannot end before its minimum term ends on "
                "%(end)s. Use the Close button: the agreement then ends at the "
                "end of its minimum term.",
                agreement=agreement.display_name,
                end=self._support_format_date(agreement.support_minimum_term_end),
            )
        raise UserError(message)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_support_view_instances(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_contract.support_instance_action"
        )
        action["domain"] = [("agreement_id", "=", self.id)]
        action["context"] = {
            "default_agreement_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def action_support_view_upgrades(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_contract.support_upgrade_action"
        )
        action["domain"] = [("agreement_id", "=", self.id)]
        action["context"] = {"default_agreement_id": self.id}
        return action
