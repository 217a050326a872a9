import functools
import logging
import os
import time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import cloc_count, cloc_rules, demo_git, formats, git_cache, git_url
from .support_credential_mixin import credential_input

_logger = logging.getLogger(__name__)

# What a count sets: written only by counting and confirming the count
# (their methods set COUNT_WRITE in the context), never from the form.
COUNT_FIELDS = {"state", "last_commit", "last_code_lines", "last_count_date"}
COUNT_WRITE = "support_count_write"
PARAM_ALLOW_LOCAL = "support_contract.allow_local_repositories"
PARAM_ALLOWED_NETWORKS = "support_contract.allowed_networks"
# Bounds of one count: system parameter -> (Limits field, type).
LIMIT_PARAMS = {
    "support_contract.count_max_tree_entries": ("tree_entries", int),
    "support_contract.count_max_bytes": ("total_bytes", int),
    "support_contract.count_max_manifest_bytes": ("manifest_size", int),
    "support_contract.count_max_exclude_patterns": ("exclude_patterns", int),
    "support_contract.count_max_exclude_seconds": ("exclude_seconds", float),
    "support_contract.count_max_seconds": ("seconds", float),
}
CRON_BATCH = 10


class SupportRepository(models.Model):
    _name = "support.repository"
    _description = "Customer repository"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "support.counted.source",
        "support.credential.mixin",
    ]
    _count_source_field = "repository_id"
    _credential_model = "support.repository.credential"
    _credential_link = "repository_id"
    _credential_inputs = {
        "auth_token_input": "auth_token",
        "ssh_private_key_input": "ssh_private_key",
    }
    _order = "agreement_id, name, id"

    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    active = fields.Boolean(default=True)
    agreement_id = fields.Many2one(
        comodel_name="sale.subscription",
        string="Agreement",
        index=True,
        tracking=True,
        domain=[("support_kind", "=", "maintenance")],
        check_company=True,
        ondelete="restrict",
    )
    # A prospect's repository counted for a quotation: inactive, without an
    # agreement, until the order is confirmed (see sale.order).
    sale_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Quotation",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        copy=False,
    )
    partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_owner",
        store=True,
        string="Customer",
    )
    company_id = fields.Many2one("res.company", compute="_compute_owner", store=True)
    url = fields.Char(
        string="Git URL",
        required=True,
        tracking=True,
        help="https://host/owner/repo.git, ssh://git@host/owner/repo.git or "
        "git@host:owner/repo.git. Credentials never go in the URL.",
    )
    branch = fields.Char(
        tracking=True,
        help="The branch to count. Empty: the remote's default branch.",
    )
    folders = fields.Text(
        string="Addon folders",
        tracking=True,
        help="Sub-folders that hold addons, one per line. Empty: every addon "
        "of the repository.",
    )
    timeout = fields.Integer(
        string="Timeout (seconds)",
        default=300,
        help="The longest a fetch of this repository may take.",
    )
    # Credentials live in support.repository.credential, which no one reads
    # but the git call (with sudo). Support Managers write them through the
    # *_input fields, which never show them back.
    auth_token_input = credential_input("HTTPS token")
    ssh_private_key_input = credential_input("SSH private key", fields.Text)
    credential_summary = fields.Char(
        string="Credentials",
        compute="_compute_credential_summary",
        groups="support_contract.group_support_manager",
    )
    ssh_host_key = fields.Text(
        string="Pinned SSH host key",
        copy=False,
        tracking=True,
        help="The SSH server's key seen on first contact; a server showing "
        "another key is refused. Only a Support Manager changes or clears it.",
    )
    state = fields.Selection(
        selection=[
            ("never", "Never counted"),
            ("ok", "Counted"),
            ("to_confirm", "To confirm"),
            ("error", "Error"),
        ],
        default="never",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    last_commit = fields.Char(readonly=True, copy=False)
    last_code_lines = fields.Integer(
        string="Last count",
        readonly=True,
        copy=False,
        help="Code lines of the last applied count, after exclusions.",
    )
    next_count_date = fields.Date(
        copy=False,
        help="The scheduled action counts the repository on or after this date.",
    )
    snapshot_ids = fields.One2many(
        "support.cloc.snapshot", "repository_id", string="Counts"
    )
    snapshot_count = fields.Integer(compute="_compute_snapshot_count")
    counted_addon_names = fields.Char(
        string="Addons of the last count",
        compute="_compute_counted_addon_names",
        help="An addon not charged is one of these.",
    )
    override_ids = fields.One2many(
        "support.cloc.override", "repository_id", string="Addon overrides"
    )

    _has_owner = models.Constraint(
        "CHECK(agreement_id IS NOT NULL OR sale_order_id IS NOT NULL)",
        "A repository belongs to an agreement (or, while it is quoted, to a "
        "quotation).",
    )
    _url_agreement_unique = models.Constraint(
        "UNIQUE(agreement_id, url, branch)",
        "This repository and branch are already counted for this agreement.",
    )
    _timeout_positive = models.Constraint(
        "CHECK(timeout > 0)", "The timeout must be a positive number of seconds."
    )

    @api.depends(
        "agreement_id.partner_id",
        "agreement_id.company_id",
        "sale_order_id.partner_id",
        "sale_order_id.company_id",
    )
    def _compute_owner(self):
        for repo in self:
            owner = repo.agreement_id or repo.sale_order_id
            repo.partner_id = owner.partner_id
            repo.company_id = owner.company_id

    @api.depends("url")
    def _compute_name(self):
        for repo in self:
            if repo.name or not repo.url:
                continue
            tail = repo.url.rstrip("/").replace(":", "/").split("/")[-1]
            repo.name = tail[:-4] if tail.endswith(".git") else tail

    def _credential_manager_only_message(self):
        return self.env._(
            "Only a Support Manager can set or remove a repository's "
            "credentials or its pinned SSH host key."
        )

    def _credential_changed_message(self):
        return self.env._("Credentials changed by %(user)s.", user=self.env.user.name)

    _credential_removed_message = _credential_changed_message

    def _credential_endpoint(self, url):
        return git_url.url_endpoint(url)

    def _compute_credential_summary(self):
        for repo in self:
            credential = repo._credential()
            token, key = credential.auth_token, credential.ssh_private_key
            if token:
                repo.credential_summary = self.env._(
                    "HTTPS token ending in …%(end)s", end=token[-4:]
                )
            elif key:
                repo.credential_summary = self.env._("SSH private key")
            else:
                repo.credential_summary = self.env._("None (public repository)")

    def _support_counted_addons(self):
        """Names of the addons of the last count (empty before any count)."""
        self.ensure_one()
        return set(self._support_latest_snapshot().line_ids.mapped("module_name"))

    @api.depends("snapshot_ids.line_ids.module_name")
    def _compute_counted_addon_names(self):
        for repo in self:
            repo.counted_addon_names = ", ".join(sorted(repo._support_counted_addons()))

    def _compute_snapshot_count(self):
        for repo in self:
            repo.snapshot_count = len(repo.snapshot_ids)

    @api.constrains("url")
    def _check_url(self):
        for repo in self:
            try:
                git_url.check_url(repo.url, allow_local=repo._allow_local())
            except git_url.GitError as error:
                raise ValidationError(repo._git_error_message(error)) from None

    @api.constrains("agreement_id", "sale_order_id")
    def _check_agreement_kind(self):
        for repo in self:
            if not repo.agreement_id and not repo.sale_order_id:
                raise ValidationError(
                    self.env._(
                        "A repository belongs to an agreement (or, while it is "
                        "quoted, to a quotation)."
                    )
                )
            if repo.agreement_id and repo.agreement_id.support_kind != "maintenance":
                raise ValidationError(
                    self.env._(
                        "%(agreement)s is not a Maintenance and Support agreement: "
                        "only those are priced by code lines, so only they have "
                        "repositories.",
                        agreement=repo.agreement_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("ssh_host_key") for vals in vals_list):
            self._check_manager()
        return super().create(vals_list)

    def write(self, vals):
        if "ssh_host_key" in vals:
            self._check_manager()
        if (
            COUNT_FIELDS & set(vals)
            and not self.env.su
            and not self.env.context.get(COUNT_WRITE)
        ):
            raise UserError(
                self.env._(
                    "%(repo)s: its count and status change only by counting it "
                    "(Count now) and confirming the count (Confirm count).",
                    repo=self[:1].display_name,
                )
            )
        return super().write(vals)

    def _forget_other_host_secrets(self):
        """The pinned host key goes with the credentials."""
        if not self.ssh_host_key:
            return False
        self.sudo().ssh_host_key = False
        return True

    def _credential_moved_message(self, old, new):
        return self.env._(
            "The URL moved from %(old)s to %(new)s: the stored credentials and "
            "the pinned SSH host key were removed, so they are not sent to the "
            "new host. A Support Manager enters them again.",
            old=f"{old[0]}://{old[1]}" if old[1] else old[0] or "-",
            new=f"{new[0]}://{new[1]}" if new[1] else new[0] or "-",
        )

    @api.constrains("branch")
    def _check_branch(self):
        for repo in self:
            try:
                git_url.check_branch(repo.branch)
            except git_url.GitError as error:
                raise ValidationError(repo._git_error_message(error)) from None

    def action_clear_host_key(self):
        self._check_manager()
        self.write({"ssh_host_key": False})
        for repo in self:
            repo.message_post(
                body=self.env._(
                    "Pinned SSH host key removed by %(user)s: the key seen at the "
                    "next contact is pinned.",
                    user=self.env.user.name,
                )
            )

    # ------------------------------------------------------------------
    # Counting
    # ------------------------------------------------------------------

    def _allow_local(self):
        """Local paths: the demo's own repositories (made by the demo under
        its folder of the data directory), or any path when the system
        parameter allows it (tests; never left on by the suite)."""
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_ALLOW_LOCAL)
        if str(value).strip().lower() in ("1", "true", "yes"):
            return True
        urls = [url for url in self.mapped("url") if git_url.is_local_url(url)]
        if not urls:
            return False
        base = os.path.realpath(demo_git.demo_base(self.env.cr.dbname))
        return all(
            os.path.commonpath([base, git_url.local_path(url)]) == base for url in urls
        )

    @api.model
    def _count_limits(self):
        values = self._limits_from_params(LIMIT_PARAMS)
        # The time for a whole count is the company's support setting, within
        # the administrator's ceiling (the system parameter) when one is set.
        company = self.company_id[:1] or self.env.company
        seconds = company.sudo().support_count_max_seconds
        if seconds > 0:
            values["seconds"] = min(seconds, values.get("seconds", seconds))
        return cloc_count.Limits(**values)

    @api.model
    def _max_drop(self):
        """The drop (%) that waits for a Support Manager: the company's
        support setting."""
        company = self.company_id[:1] or self.env.company
        return company.sudo().support_cloc_max_drop_percent

    @api.model
    def _param_number(self, key, default, kind=int):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return kind(value) if value not in (None, False, "") else default
        except ValueError:
            return default

    def _folders(self):
        self.ensure_one()
        return [f.strip() for f in (self.folders or "").splitlines() if f.strip()]

    def _count(self, pool=None):
        """Fetch and count the repository; store a snapshot; apply the price.

        Returns the snapshot. A problem puts the repository in error (or "to
        confirm") and never changes the agreement's quantity.
        """
        self.ensure_one()
        started = time.monotonic()
        try:
            commit, modules = self._fetch_and_count(pool=pool)
        except (git_url.GitError, cloc_rules.CountError) as error:
            self._remove_cache()
            self._set_error(self._git_error_message(error))
            return self.env["support.cloc.snapshot"]
        # Counting is the server's work: whoever presses Count now, the
        # snapshot and the agreement's new quantity are written as the server.
        snapshot = (
            self.env["support.cloc.snapshot"]
            .sudo()
            ._create_from_count(self.sudo(), commit, modules)
        )
        _logger.info(
            "Counted repository %s at %s: %s code lines in %.2fs",
            self.id,
            commit,
            snapshot.billable_code_lines,
            time.monotonic() - started,
        )
        previous = self.last_code_lines if self.state in ("ok", "to_confirm") else 0
        drop = self._max_drop()
        note = False
        if previous and snapshot.billable_code_lines < previous * (1 - drop / 100.0):
            note = self.env._(
                "The code-line count of %(repo)s dropped from %(old)s to %(new)s "
                "lines (more than %(share)s %%). Check it and confirm it on the "
                "repository; until then the price stays as it is.",
                repo=self.display_name,
                old=formats.count(self.env, previous),
                new=formats.count(self.env, snapshot.billable_code_lines),
                share=formats.share(self.env, drop),
            )
        note = note or self._declared_exclusions_note(snapshot, self.display_name)
        if note:
            snapshot.sudo().state = "to_confirm"
            self.with_context(**{COUNT_WRITE: True}).write(
                {"state": "to_confirm", "last_commit": commit, "last_error": False}
            )
            self._schedule_activity(
                note, user=self.company_id._support_manager_for(self.agreement_id)
            )
            return snapshot
        snapshot._apply()
        return snapshot

    def _fetch_and_count(self, pool=None):
        """(commit, [ModuleCount]) of the repository's branch, fetched and
        counted within the bounds; raises GitError or CountError."""
        self.ensure_one()
        self._check_count_right()
        limits = self._count_limits()
        deadline = time.monotonic() + limits.seconds
        # What this transaction fetched goes if it is rolled back (a quote
        # that failed after its count, a request that failed).
        self.env.cr.postrollback.add(
            functools.partial(git_cache.remove_cache, self._cache_path())
        )
        repo = self._git(timeout=max(1, min(self.timeout, int(limits.seconds))))
        commit = repo.fetch(self.branch)
        if repo.host_key_learned:
            self._pin_host_key(repo.host_keys)
        modules = cloc_count.count_commit(
            repo,
            commit,
            folders=self._folders(),
            cache=self.env["support.cloc.cache"].sudo()._for_counting(),
            pool=pool,
            name=self.name,
            limits=limits,
            deadline=deadline,
        )
        if not modules:
            raise git_url.GitError("no-addons")
        return commit, modules

    def _pin_host_key(self, host_keys):
        self.sudo().ssh_host_key = host_keys
        self.message_post(
            body=self.env._(
                "SSH host key of %(url)s pinned on first contact; a server showing "
                "another key will be refused.",
                url=self.url,
            )
        )

    def _set_error(self, message):
        self.with_context(**{COUNT_WRITE: True}).write(
            {
                "state": "error",
                "last_error": message,
                "last_error_date": fields.Datetime.now(),
            }
        )
        self.message_post(body=message)
        self._schedule_activity(message)

    def _schedule_activity(self, note, user=None):
        agreement = self.agreement_id
        user = user or agreement.user_id or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Code-line count needs attention"),
            note=note,
            user_id=user.id,
        )

    def action_count_lines(self):
        """The "Count now" button: count each repository now."""
        self._check_count_right()
        for repo in self:
            locked = repo.try_lock_for_update()
            if not locked:
                raise UserError(
                    self.env._(
                        "%(repo)s is being counted right now. Try again in a moment.",
                        repo=repo.display_name,
                    )
                )
        with self._worker_pool() as pool:
            for repo in self:
                retrying = repo.state == "error"
                repo._count(pool=pool)
                repo.next_count_date = repo._next_count_date_after_count(retrying)
        return True

    @api.model
    def _next_count_date(self):
        return fields.Date.context_today(self) + relativedelta(months=1)

    def _next_count_date_after_count(self, retrying=False):
        """The schedule's next day after a count; the next day after a failed
        one."""
        self.ensure_one()
        if self.state == "error":
            return fields.Date.context_today(self) + relativedelta(days=1)
        return self._next_scheduled_count_date(retrying)

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------

    @api.model
    def _due_domain(self):
        today = fields.Date.context_today(self)
        return [
            ("active", "=", True),
            ("agreement_id.stage_id.type", "=", "in_progress"),
            "|",
            ("next_count_date", "=", False),
            ("next_count_date", "<=", today),
        ]

    @api.model
    def _cron_count_code_lines(self):
        self._count_due_repositories(batch=CRON_BATCH)

    @api.model
    def _count_due_repositories(self, batch=CRON_BATCH):
        """Count the due repositories (see support.counted.source), with one
        pool of worker processes for the whole run."""
        with self._worker_pool() as pool:
            return self._count_due(lambda repo: repo._count(pool=pool), batch)

    def _count_failed(self, message):
        self._set_error(message)
