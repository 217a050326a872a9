import logging

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date

from ..tools import db_http, patch_round

_logger = logging.getLogger(__name__)

USER_GROUP = "support_contract.group_support_user"


class SupportPatchRound(models.Model):
    """The month's patch round of one instance: planned on the agreement's
    day of the month, closed by the consultant who did it, with what the
    instance ran before and after as the instance itself reported it."""

    _name = "support.patch.round"
    _description = "Monthly patch round"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period desc, instance_id"

    name = fields.Char(compute="_compute_name", store=True)
    instance_id = fields.Many2one(
        "support.instance",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    agreement_id = fields.Many2one(
        "sale.subscription", string="Agreement", index=True, readonly=True
    )
    partner_id = fields.Many2one(
        related="instance_id.partner_id", store=True, string="Customer"
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True)
    environment = fields.Selection(related="instance_id.environment")
    period = fields.Date(
        string="Month (first day)",
        required=True,
        readonly=True,
        help="The first day of the month the round belongs to.",
    )
    month_label = fields.Char(string="Month", compute="_compute_month_label")
    planned_date = fields.Date(
        required=True,
        help="The agreement's day of the month, in the round's month.",
    )
    state = fields.Selection(
        selection=[("planned", "Planned"), ("done", "Done")],
        default="planned",
        required=True,
        readonly=True,
        tracking=True,
    )
    date_done = fields.Date(string="Done on", readonly=True, tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Done by", readonly=True, tracking=True
    )
    version_before = fields.Char(
        string="Release before",
        readonly=True,
        help="What the instance reported running before the round.",
    )
    version_after = fields.Char(
        string="Release after",
        readonly=True,
        help="What the instance reported running when the round was closed.",
    )
    modules_read = fields.Boolean(
        string="Modules read",
        readonly=True,
        help="The installed modules were read through the instance's API credentials.",
    )
    module_ids = fields.One2many(
        "support.patch.round.module", "round_id", string="Modules", readonly=True
    )
    updated_module_ids = fields.One2many(
        "support.patch.round.module",
        "round_id",
        string="Updated modules",
        domain=[("change", "!=", "unchanged")],
        readonly=True,
    )
    updated_module_count = fields.Integer(
        string="Modules updated", compute="_compute_updated_module_count"
    )
    odoo_release = fields.Char(
        string="Odoo revision or release",
        help="The Odoo revision or release applied, such as the nightly build's "
        "date or a commit.",
    )
    security_fixes = fields.Text(
        help="The security fixes applied, such as Odoo's security advisories."
    )
    downtime_minutes = fields.Integer(string="Downtime (minutes)")
    customer_note = fields.Text(
        string="Notes to the customer",
        help="Shown to the customer on the portal and in the maintenance report: "
        "write them in the customer's language.",
    )

    _instance_period_unique = models.Constraint(
        "UNIQUE(instance_id, period)", "An instance has one patch round a month."
    )

    @api.depends("instance_id.name", "period")
    def _compute_name(self):
        for round_ in self:
            round_.name = (
                f"{round_.instance_id.name} {round_.period:%Y-%m}"
                if round_.period
                else round_.instance_id.name
            )

    @api.depends("period")
    @api.depends_context("lang")
    def _compute_month_label(self):
        for round_ in self:
            round_.month_label = (
                round_._month_label(self.env.lang) if round_.period else False
            )

    @api.depends("module_ids.change")
    def _compute_updated_module_count(self):
        for round_ in self:
            round_.updated_module_count = len(round_.updated_module_ids)

    def _month_label(self, lang=None):
        """The round's month in ``lang`` (the customer's by default)."""
        self.ensure_one()
        lang = lang or self.partner_id.lang or self.env.lang
        return format_date(self.env, self.period, lang_code=lang, date_format="MMMM y")

    # ------------------------------------------------------------------
    # Reading what the instance runs
    # ------------------------------------------------------------------

    def _check_user(self):
        if not self.env.su and not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                self.env._("Only a Support User does a patch round and closes it.")
            )
        self.check_access("write")

    def _read_running(self):
        """(version dict, modules dict or None) of the round's instance, or
        a UserError in the user's language saying why not."""
        self.ensure_one()
        instance = self.instance_id
        try:
            return instance._patch_read_running()
        except db_http.ApiError as error:
            raise UserError(instance._patch_error_message(error)) from None

    def _previous_done(self):
        self.ensure_one()
        return self.search(
            [
                ("instance_id", "=", self.instance_id.id),
                ("state", "=", "done"),
                ("period", "<", self.period),
            ],
            order="period desc",
            limit=1,
        )

    def _write_modules(self, modules, side):
        """Record ``modules`` ({name: version}) as the ``side`` ("before" or
        "after") versions of the round's module lines."""
        self.ensure_one()
        field = f"version_{side}"
        lines = {line.name: line for line in self.module_ids}
        commands = []
        for name, version in modules.items():
            if name in lines:
                commands.append(fields.Command.update(lines[name].id, {field: version}))
            else:
                commands.append(fields.Command.create({"name": name, field: version}))
        for name, line in lines.items():
            if name not in modules:
                commands.append(fields.Command.update(line.id, {field: ""}))
        self.sudo().write({"module_ids": commands, "modules_read": True})

    def action_read_before(self):
        """The "Read versions" button, before patching."""
        self._check_user()
        for round_ in self:
            if round_.state == "done":
                raise UserError(
                    self.env._("%(round)s is closed.", round=round_.display_name)
                )
            running, modules = round_._read_running()
            round_.sudo().version_before = running["server_version"]
            if modules is not None:
                round_._write_modules(modules, "before")
        return True

    def action_close(self):
        """The "Close round" button: reads what the instance runs now,
        records it and who did the round."""
        self._check_user()
        for round_ in self:
            if round_.state == "done":
                raise UserError(
                    self.env._(
                        "%(round)s was already closed by %(user)s.",
                        round=round_.display_name,
                        user=round_.user_id.name,
                    )
                )
            if round_.downtime_minutes < 0:
                raise UserError(self.env._("The downtime cannot be negative."))
            running, modules = round_._read_running()
            previous = round_._previous_done()
            values = {
                "version_after": running["server_version"],
                "state": "done",
                "date_done": fields.Date.context_today(self),
                "user_id": self.env.user.id,
            }
            if not round_.version_before:
                values["version_before"] = (
                    round_.instance_id.patch_release or previous.version_after
                )
            if modules is not None:
                if not any(round_.module_ids.mapped("version_before")) and previous:
                    round_._write_modules(
                        {
                            line.name: line.version_after
                            for line in previous.module_ids
                            if line.version_after
                        },
                        "before",
                    )
                round_._write_modules(modules, "after")
            round_.sudo().write(values)
            round_.instance_id._patch_record_running(running)
            round_.activity_ids.action_feedback(
                feedback=self.env._(
                    "Round closed by %(user)s.", user=self.env.user.name
                )
            )
            round_.message_post(
                body=self.env._(
                    "Patch round closed by %(user)s: %(before)s → %(after)s, "
                    "%(modules)s module(s) updated.",
                    user=self.env.user.name,
                    before=round_.version_before or "-",
                    after=round_.version_after,
                    modules=round_.updated_module_count,
                )
            )
        self.instance_id._update_patch_flags()
        return True

    # ------------------------------------------------------------------
    # The maintenance report
    # ------------------------------------------------------------------

    def action_send_report(self):
        """Opens the mail composer with the maintenance report (PDF)."""
        self.ensure_one()
        if self.state != "done":
            raise UserError(
                self.env._("Only a closed round has a maintenance report to send.")
            )
        template = self.env.ref("support_contract.mail_template_patch_round")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }

    # ------------------------------------------------------------------
    # Planning (scheduled action)
    # ------------------------------------------------------------------

    @api.model
    def _cron_patch_rounds(self):
        """Plan this month's rounds, then flag what is late or behind.

        Safe to run twice and to stop halfway: one round per instance and
        month (a unique constraint), each planned with its activity and
        committed on its own."""
        self._plan_rounds()
        Instance = self.env["support.instance"]
        Instance.search(Instance._patch_round_domain())._update_patch_flags()

    @api.model
    def _plan_rounds(self, today=None):
        today = today or fields.Date.context_today(self)
        period = patch_round.month_start(today)
        Instance = self.env["support.instance"]
        Cron = self.env["ir.cron"]
        planned = self.browse()
        instances = Instance.search(Instance._patch_round_domain())
        existing = set(
            self.search(
                [("instance_id", "in", instances.ids), ("period", "=", period)]
            ).instance_id.ids
        )
        todo = instances.filtered(
            lambda i: (
                i.id not in existing
                and (
                    not i.agreement_id.date_start
                    or patch_round.month_start(i.agreement_id.date_start) <= period
                )
            )
        )
        for index, instance in enumerate(todo):
            try:
                with self.env.cr.savepoint(), tools.mute_logger("odoo.sql_db"):
                    planned |= self._plan_round(instance, period)
            except psycopg2.IntegrityError:
                # Another run planned it just now.
                continue
            if self.env.context.get("cron_id"):
                # Each round and its activity committed together.
                Cron._commit_progress(1, remaining=len(todo) - index - 1)
        return planned

    @api.model
    def _plan_round(self, instance, period):
        agreement = instance.agreement_id
        day = patch_round.planned_date(agreement.date_start, period)
        round_ = self.create(
            {
                "instance_id": instance.id,
                "agreement_id": agreement.id,
                "period": period,
                "planned_date": day,
            }
        )
        round_.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=day,
            summary=self.env._("Monthly patch round"),
            note=Markup("<p>%s</p>")
            % self.env._(
                "Patch %(instance)s (%(agreement)s): security patches and "
                "hot-fixes, then close the round.",
                instance=instance.display_name,
                agreement=agreement.display_name,
            ),
            user_id=(agreement.user_id or self.env.user).id,
        )
        return round_
