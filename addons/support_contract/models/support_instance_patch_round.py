from odoo import api, fields, models

from ..tools import db_api, db_http, patch_round

MANAGER_GROUP = "support_contract.group_support_manager"
PATCH_KINDS = ("operations", "maintenance")


class SupportInstance(models.Model):
    """The monthly patch round of an instance: which instances are in it,
    what they run (read from the instance) and whether they fell behind."""

    _inherit = "support.instance"

    patch_round_included = fields.Boolean(
        string="In the monthly patch round",
        tracking=True,
        help="Test and development instances are listed but not patched every "
        "month unless this is ticked. Production instances always are.",
    )
    patch_round_required = fields.Boolean(
        string="Patched monthly",
        compute="_compute_patch_round_required",
        store=True,
        help="Production instances, and test or development instances ticked "
        "for it, of an Operations or a Maintenance and Support agreement.",
    )
    patch_round_ids = fields.One2many(
        "support.patch.round", "instance_id", string="Patch rounds"
    )
    patch_release = fields.Char(
        string="Running release",
        readonly=True,
        copy=False,
        help="The release the instance reported at its last read.",
    )
    patch_release_date = fields.Datetime(
        string="Release read on", readonly=True, copy=False
    )
    patch_last_done = fields.Date(
        string="Last patch round",
        compute="_compute_patch_last_done",
        store=True,
    )
    patch_late = fields.Boolean(
        string="Patch round late",
        readonly=True,
        copy=False,
        help="No patch round was closed for more than a month.",
    )
    patch_behind = fields.Boolean(
        string="Behind the target release",
        readonly=True,
        copy=False,
        help="The instance runs an older release than the target of its series.",
    )
    patch_target_release = fields.Char(
        string="Target release", compute="_compute_patch_target_release"
    )

    @api.depends(
        "environment", "patch_round_included", "active", "agreement_id.support_kind"
    )
    def _compute_patch_round_required(self):
        for instance in self:
            instance.patch_round_required = (
                instance.active
                and instance.agreement_id.support_kind in PATCH_KINDS
                and (
                    instance.environment == "production"
                    or instance.patch_round_included
                )
            )

    @api.depends("patch_round_ids.state", "patch_round_ids.date_done")
    def _compute_patch_last_done(self):
        for instance in self:
            done = instance.patch_round_ids.filtered(lambda r: r.state == "done")
            instance.patch_last_done = max(done.mapped("date_done"), default=False)

    def _patch_series(self):
        self.ensure_one()
        return patch_round.series_of(self.patch_release) or patch_round.series_of(
            self.odoo_version
        )

    def _patch_target(self):
        self.ensure_one()
        return (
            self.env["support.patch.target"]
            .sudo()
            ._target_for(self.company_id, self._patch_series())
        )

    def _compute_patch_target_release(self):
        for instance in self:
            instance.patch_target_release = instance._patch_target().minimum_release

    @api.model
    def _patch_round_domain(self):
        return [
            ("patch_round_required", "=", True),
            ("agreement_id.stage_id.type", "=", "in_progress"),
        ]

    # ------------------------------------------------------------------
    # Reading what the instance runs (the database count's client)
    # ------------------------------------------------------------------

    def _patch_read_running(self):
        """({"server_version", "series"}, {module: version} or None).

        The version comes from the instance's public version endpoint; the
        modules only when the instance has the database count's credentials.
        Both go through the database count's bounded request, limits and
        network policy: this is the one place that calls that client."""
        self.ensure_one()
        if not self.url:
            raise db_http.ApiError("no-url")
        limits = self._count_limits()
        allowed = self._allowed_networks()
        running = patch_round.read_version(self.url, limits, allowed)
        credential = self._credential()
        key, login = credential.api_key or "", credential.api_login or ""
        json2 = db_api.uses_json2(running["series"])
        if not (self.database_name and key and (json2 or login)):
            return running, None
        client = db_api.client_for(
            running["series"],
            self.url,
            self.database_name,
            key,
            login=login,
            limits=limits,
            allowed=allowed,
        )
        return running, patch_round.read_modules(client)

    def _patch_error_message(self, error):
        self.ensure_one()
        if error.kind == "no-url":
            return self.env._(
                "%(instance)s has no URL: enter it so that the round can read what "
                "the instance runs.",
                instance=self.name,
            )
        if error.kind == "protocol":
            return self.env._(
                "%(instance)s did not answer as an Odoo server does (%(detail)s): "
                "nothing was recorded.",
                instance=self.name,
                detail=error.detail,
            )
        if error.kind == "too-large":
            return self.env._(
                "The answer of %(instance)s was larger than allowed: nothing was "
                "recorded.",
                instance=self.name,
            )
        return self._api_error_message(error)

    def _patch_record_running(self, running):
        self.ensure_one()
        values = {
            "patch_release": running["server_version"],
            "patch_release_date": fields.Datetime.now(),
        }
        if self.odoo_version != running["series"]:
            values["odoo_version"] = running["series"]
        self.sudo().write(values)

    # ------------------------------------------------------------------
    # Falling behind
    # ------------------------------------------------------------------

    def _update_patch_flags(self, today=None):
        """Flag instances whose round is late or whose release is behind the
        target; tell Support Managers by an activity (once), and close those
        activities when the flag is gone."""
        today = today or fields.Date.context_today(self)
        for instance in self.sudo():
            # The activities' summaries in one language (the company's),
            # whoever runs this, so that an activity is found again.
            instance = instance.with_context(
                lang=instance.company_id.partner_id.lang or "en_US"
            )
            late = behind = False
            if instance.patch_round_required:
                first = min(
                    instance.patch_round_ids.mapped("planned_date"), default=None
                )
                late = patch_round.is_late(today, instance.patch_last_done, first)
                target = instance._patch_target()
                behind = bool(target) and patch_round.is_behind(
                    instance.patch_release, target.minimum_release
                )
            if (late, behind) != (instance.patch_late, instance.patch_behind):
                instance.write({"patch_late": late, "patch_behind": behind})
            instance._patch_notify_managers(
                late,
                instance.env._("Patch round late"),
                instance.env._(
                    "%(instance)s has had no closed patch round for more than a "
                    "month (last: %(last)s).",
                    instance=instance.display_name,
                    last=instance.patch_last_done or "-",
                ),
            )
            instance._patch_notify_managers(
                behind,
                instance.env._("Behind the target release"),
                instance.env._(
                    "%(instance)s runs %(release)s, older than the target "
                    "%(target)s of its series.",
                    instance=instance.display_name,
                    release=instance.patch_release or "-",
                    target=instance.patch_target_release or "-",
                ),
            )

    def _patch_managers(self):
        self.ensure_one()
        group = self.env.ref(MANAGER_GROUP)
        return group.all_user_ids.filtered(
            lambda u: not u.share and self.company_id in u.company_ids
        )

    def _patch_notify_managers(self, on, summary, note):
        activities = self.activity_ids.filtered(lambda a: a.summary == summary)
        if not on:
            if activities:
                activities.action_feedback(feedback=self.env._("Back on track."))
            return
        assigned = activities.user_id
        for manager in self._patch_managers():
            if manager in assigned:
                continue
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=manager.id,
            )
