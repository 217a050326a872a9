import logging

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from ..tools import cloc_pool

_logger = logging.getLogger(__name__)
# Bounds of parsing one file or item: system parameter -> (WorkerPool, type).
ITEM_PARAMS = {
    "support_contract.count_item_seconds": ("timeout", float),
    "support_contract.count_item_memory_bytes": ("memory", int),
}


class SupportCountedSource(models.AbstractModel):
    """What repositories and customer databases share: the monthly count run.

    A source has ``next_count_date``, ``snapshot_ids``, ``_due_domain()``,
    ``_next_count_date_after_count()`` and ``_count_failed(message)``; its
    counts point at it with the field ``_count_source_field``.
    """

    _name = "support.counted.source"
    _description = "Source of a code-line count"
    _count_source_field = None

    # The state of the last count, the same on every source.
    last_count_date = fields.Datetime(readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    last_error_date = fields.Datetime(readonly=True, copy=False)

    def _check_count_right(self):
        """Counting reads a customer's server or repository: only Support
        Users (and the server itself) start it. Checked before any network
        or disk work, whatever the entry point (button, JSON-RPC, wizard)."""
        if self.env.su:
            return
        if not self.env.user.has_group("support_contract.group_support_user"):
            raise AccessError(
                self.env._(
                    "Only Support Users and Support Managers count code lines: "
                    "ask one of them."
                )
            )
        self.check_access("write")

    @api.model
    def _limits_from_params(self, params_map):
        """{name: value} of the system parameters of ``params_map`` ({key:
        (name, type)}) that are set and valid; the others keep their
        defaults."""
        params = self.env["ir.config_parameter"].sudo()
        values = {}
        for key, (name, kind) in params_map.items():
            value = params.get_param(key)
            if value in (None, False, ""):
                continue
            try:
                values[name] = kind(value)
            except ValueError:
                continue
        return values

    @api.model
    def _worker_pool(self):
        """Worker processes that parse what a count reads, each file or
        item bounded in time (support_contract.count_item_seconds) and
        memory (support_contract.count_item_memory_bytes)."""
        return cloc_pool.WorkerPool(**self._limits_from_params(ITEM_PARAMS))

    def _declared_exclusions_note(self, snapshot, label):
        """Why ``snapshot`` waits for a Support Manager because of what the
        customer declared excluded (a first count with such exclusions, or
        a change in them), or False."""
        self.ensure_one()
        applied = self._support_latest_snapshot("applied")
        if not snapshot._declared_exclusions_changed(applied):
            return False
        details = ", ".join(
            self.env._(
                "%(addon)s: %(files)s files, %(lines)s code lines",
                addon=line.module_name,
                files=line.declared_files,
                lines=line.declared_code_lines,
            )
            for line in snapshot.line_ids.sorted("module_name")
            if line.declared_files
        )
        return self.env._(
            "The customer's own manifests exclude code of %(what)s from the count "
            "(cloc_exclude, demo data: %(details)s), for the first time or other "
            "than in the applied count. Check that this code is really not the "
            "customer's and confirm the count; until then the price stays as it "
            "is.",
            what=label,
            details=details,
        )

    # A count that dropped more than allowed, beside the applied one, while
    # it waits for a Support Manager.
    applied_commit = fields.Char(
        string="Commit of the applied count", compute="_compute_pending_count"
    )
    pending_code_lines = fields.Integer(
        string="Count to confirm",
        compute="_compute_pending_count",
        help="Code lines of the count that waits for a Support Manager; the "
        "price follows the applied count until it is confirmed.",
    )
    pending_difference = fields.Integer(
        string="Difference", compute="_compute_pending_count"
    )
    pending_commit = fields.Char(
        string="Commit to confirm", compute="_compute_pending_count"
    )
    pending_date = fields.Datetime(
        string="Counted on (to confirm)", compute="_compute_pending_count"
    )

    def _compute_pending_count(self):
        for source in self:
            applied = source.id and source._support_latest_snapshot("applied")
            pending = source.id and source._support_latest_snapshot("to_confirm")
            source.applied_commit = applied.commit if applied else False
            source.pending_code_lines = pending.billable_code_lines if pending else 0
            source.pending_difference = (
                pending.billable_code_lines - applied.billable_code_lines
                if pending and applied
                else 0
            )
            source.pending_commit = pending.commit if pending else False
            source.pending_date = pending.date if pending else False

    def _next_scheduled_count_date(self, retrying=False):
        """The monthly schedule keeps its day: a count before the scheduled
        date (*Count now*) leaves it; a count on or after it moves it a
        month on from the scheduled day, never from the day of the count.
        ``retrying``: the source was in error, its date is the retry's, not
        the schedule's: a month on from today."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        scheduled = self.next_count_date
        if not scheduled or retrying:
            return today + relativedelta(months=1)
        months = 0
        following = scheduled
        while following <= today:
            months += 1
            following = scheduled + relativedelta(months=months)
        return following

    def _support_latest_snapshot(self, state=None):
        """The source's latest count (of ``state`` when given)."""
        self.ensure_one()
        domain = [(self._count_source_field, "=", self.id)]
        if state:
            domain.append(("state", "=", state))
        return self.env["support.cloc.snapshot"].search(domain, limit=1)

    def action_view_snapshots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_contract.support_cloc_snapshot_action"
        )
        action["domain"] = [(self._count_source_field, "=", self.id)]
        return action

    def action_confirm_count(self):
        """A count held for a Support Manager becomes the applied one."""
        manager = self.env.user.has_group("support_contract.group_support_manager")
        for source in self:
            snapshot = source.snapshot_ids.filtered(lambda s: s.state == "to_confirm")[
                :1
            ]
            if not snapshot:
                # Pressed again (double click, a stale form, two managers):
                # the count was confirmed meanwhile.
                applied = source._support_latest_snapshot("applied")
                if applied:
                    raise UserError(
                        self.env._(
                            "The count of %(name)s is already confirmed: it is "
                            "the applied count (%(lines)s code lines). Reload the "
                            "page to see it.",
                            name=source.display_name,
                            lines=applied.billable_code_lines,
                        )
                    )
                raise UserError(
                    self.env._(
                        "%(name)s has no count to confirm.",
                        name=source.display_name,
                    )
                )
            if not manager:
                raise UserError(source._confirm_count_refusal(snapshot))
            snapshot._apply()
            source.activity_ids.action_feedback(
                feedback=self.env._(
                    "Count confirmed by %(user)s.", user=self.env.user.name
                )
            )

    def _confirm_count_refusal(self, snapshot):
        """Why a Support User may not confirm ``snapshot``: the reason it is
        held (a drop beyond the allowed share, or code the customer's own
        manifests exclude)."""
        self.ensure_one()
        applied = self._support_latest_snapshot("applied")
        if snapshot._declared_exclusions_changed(applied) and not (
            applied and snapshot.billable_code_lines < applied.billable_code_lines
        ):
            return self.env._(
                "Only a Support Manager can confirm a count in which the "
                "customer's own manifests exclude code (cloc_exclude, demo data) "
                "for the first time or other than in the applied count: ask one "
                "to check it."
            )
        return self.env._(
            "Only a Support Manager can confirm a count that dropped more "
            "than allowed: ask one to check it."
        )

    def _count_due(self, count_one, batch):
        """Count the due sources one by one, each committed on its own.

        A source is locked while counted (two runs never count the same one)
        and its next date is moved before the commit, so a run killed at any
        point, or run twice, counts nothing twice and goes on with the rest.
        ``count_one(source)`` counts one source; a failure is reported on
        it, retried the next day, and the run goes on.
        """
        Cron = self.env["ir.cron"]
        domain = self._due_domain()
        done = 0
        while True:
            candidates = self.search(domain, limit=batch, order="next_count_date, id")
            if not candidates:
                break
            remaining = self.search_count(domain)
            # Odoo's transactions are REPEATABLE READ: each lock below opens
            # a transaction of its own, so it sees what other runs committed
            # since the search.
            Cron._commit_progress(remaining=remaining)
            progressed = False
            for source in candidates:
                try:
                    with tools.mute_logger("odoo.sql_db"):
                        source = source.try_lock_for_update()
                    source = source.filtered_domain(domain)
                except psycopg2.errors.SerializationFailure:
                    # Another run committed this source just now.
                    self.env.cr.rollback()
                    continue
                if not source:
                    continue
                progressed = True
                try:
                    count_one(source)
                    source.next_count_date = source._next_count_date_after_count()
                except Exception as error:  # noqa: BLE001 one source only
                    self.env.cr.rollback()
                    _logger.exception("Counting %s failed", source)
                    source._count_failed(
                        self.env._("Counting failed: %(error)s", error=error)
                    )
                    source.next_count_date = fields.Date.context_today(
                        self
                    ) + relativedelta(days=1)
                done += 1
                remaining -= 1
                if Cron._commit_progress(1, remaining=max(remaining, 0)) <= 0:
                    return done
            if not progressed:
                break
        return done
