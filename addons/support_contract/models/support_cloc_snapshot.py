from odoo import api, fields, models


class SupportClocSnapshot(models.Model):
    _name = "support.cloc.snapshot"
    _description = "Code-line count"
    _order = "date desc, id desc"
    _rec_name = "commit"

    repository_id = fields.Many2one(
        "support.repository",
        string="Repository",
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    instance_id = fields.Many2one(
        "support.instance",
        string="Database",
        index=True,
        ondelete="cascade",
        readonly=True,
        help="The customer instance whose database customizations were counted.",
    )
    source_name = fields.Char(string="Source", compute="_compute_source")
    source_kind = fields.Selection(
        selection=[("repository", "Repository"), ("database", "Database")],
        string="Kind of source",
        compute="_compute_source",
    )
    agreement_id = fields.Many2one(
        "sale.subscription",
        compute="_compute_source_links",
        store=True,
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", compute="_compute_source_links", store=True
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_source_links", store=True
    )
    commit = fields.Char(
        required=True,
        readonly=True,
        help="The commit counted, or for a database the database's name.",
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    state = fields.Selection(
        selection=[
            ("counted", "Counted"),
            ("to_confirm", "To confirm"),
            ("applied", "Applied"),
        ],
        default="counted",
        required=True,
        readonly=True,
        help="Applied: this count sets the agreement's quantity. To confirm: "
        "the count dropped more than allowed and waits for a person.",
    )
    line_ids = fields.One2many(
        "support.cloc.snapshot.line", "snapshot_id", string="Addons", readonly=True
    )
    item_ids = fields.One2many(
        "support.cloc.snapshot.item",
        "snapshot_id",
        string="Customizations counted",
        readonly=True,
        help="For a database count: each server action, field, view or asset "
        "counted, named as Odoo's cloc names it.",
    )
    issue_ids = fields.One2many(
        "support.cloc.snapshot.issue",
        "snapshot_id",
        string="Files not counted",
        readonly=True,
    )
    code_lines = fields.Integer(
        compute="_compute_totals", store=True, help="Code lines of every addon."
    )
    billable_code_lines = fields.Integer(
        compute="_compute_totals",
        store=True,
        help="Code lines of the addons that are charged (overrides excluded).",
    )
    total_lines = fields.Integer(compute="_compute_totals", store=True)
    issue_count = fields.Integer(compute="_compute_totals", store=True)
    declared_files = fields.Integer(
        string="Files excluded by the customer",
        compute="_compute_totals",
        store=True,
        help="Files the customer's manifests exclude (cloc_exclude, demo "
        "data; a database's __cloc_exclude__ items): counted aside, not "
        "charged. A first count with such exclusions, or a change in them, "
        "waits for a Support Manager.",
    )
    declared_code_lines = fields.Integer(
        string="Code lines excluded by the customer",
        compute="_compute_totals",
        store=True,
    )

    _one_source = models.Constraint(
        "CHECK((repository_id IS NULL) != (instance_id IS NULL))",
        "A count has one source: a repository or a database.",
    )

    @api.depends("repository_id.agreement_id", "instance_id.agreement_id")
    def _compute_source_links(self):
        for snapshot in self:
            source = snapshot._source()
            snapshot.agreement_id = source.agreement_id
            snapshot.partner_id = source.partner_id
            snapshot.company_id = source.company_id

    @api.depends("repository_id.name", "instance_id.name", "instance_id.url")
    def _compute_source(self):
        for snapshot in self:
            if snapshot.instance_id:
                snapshot.source_kind = "database"
                snapshot.source_name = snapshot.instance_id._database_label()
            else:
                snapshot.source_kind = "repository"
                snapshot.source_name = snapshot.repository_id.name

    def _support_customer_source_name(self):
        """The source as the customer reads it: a repository by its name, a
        database by its instance's name."""
        self.ensure_one()
        if self.instance_id:
            return self.instance_id._support_customer_label()
        return self.repository_id.name

    def _source(self):
        """The repository or the instance this count read."""
        self.ensure_one()
        return self.instance_id or self.repository_id

    @api.depends(
        "line_ids.code_lines",
        "line_ids.excluded",
        "line_ids.declared_files",
        "line_ids.declared_code_lines",
        "issue_ids",
    )
    def _compute_totals(self):
        for snapshot in self:
            lines = snapshot.line_ids
            snapshot.declared_files = sum(lines.mapped("declared_files"))
            snapshot.declared_code_lines = sum(lines.mapped("declared_code_lines"))
            snapshot.code_lines = sum(lines.mapped("code_lines"))
            snapshot.billable_code_lines = sum(
                lines.filtered(lambda line: not line.excluded).mapped("code_lines")
            )
            snapshot.total_lines = sum(lines.mapped("total_lines"))
            snapshot.issue_count = len(snapshot.issue_ids)

    @api.model
    def _create_from_count(self, repository, commit, modules, items=None):
        """A snapshot of ``modules`` ([ModuleCount]); overrides applied now.

        ``repository``: the source, a support.repository or, for a database
        count, a support.instance; ``items``: {module: {item: (code, total)}}
        of a database count."""
        overrides = {o.module_name: o for o in repository.override_ids}
        source_field = (
            "instance_id" if repository._name == "support.instance" else "repository_id"
        )
        lines, issues = [], []
        for module in modules:
            override = overrides.get(module.name)
            lines.append(
                fields.Command.create(
                    {
                        "module_name": module.name,
                        "path": module.path,
                        "code_lines": module.code,
                        "other_lines": module.other,
                        "total_lines": module.total,
                        "excluded": bool(override),
                        "exclusion_reason": override.reason if override else False,
                        "declared_files": module.declared_files,
                        "declared_code_lines": module.declared_code,
                    }
                )
            )
            for path, reason in sorted(module.errors.items()):
                issues.append(
                    fields.Command.create(
                        {
                            "module_name": module.name,
                            "path": path,
                            "reason": str(reason),
                        }
                    )
                )
        # A count is the server's record of what it read: nobody creates or
        # edits one by hand, so it is written as superuser and handed back
        # in the caller's environment.
        snapshot = self.sudo().create(
            {
                source_field: repository.id,
                "commit": commit,
                "item_ids": [
                    fields.Command.create(
                        {
                            "module_name": module,
                            "name": name,
                            "code_lines": code,
                            "total_lines": total,
                        }
                    )
                    for module, entries in sorted((items or {}).items())
                    for name, (code, total) in sorted(entries.items())
                ],
                "line_ids": lines,
                "issue_ids": issues,
            }
        )
        return snapshot.with_env(self.env)

    def _reapply_overrides(self):
        """This applied count again, with its source's overrides of now.

        An override reprices at once: the count is kept as it was (history)
        and a copy dated now, with the addons not charged as they are now,
        becomes the applied count. Nothing happens when nothing changes.
        """
        self.ensure_one()
        source = self._source()
        overrides = {o.module_name: o.reason for o in source.override_ids}
        if all(
            (line.module_name in overrides) == line.excluded
            and (overrides.get(line.module_name) or False)
            == (line.exclusion_reason or False)
            for line in self.line_ids
        ):
            return self.browse()
        copy = (
            self.sudo()
            .create(
                {
                    "repository_id": self.repository_id.id,
                    "instance_id": self.instance_id.id,
                    "commit": self.commit,
                    "item_ids": [
                        fields.Command.create(
                            {
                                "module_name": item.module_name,
                                "name": item.name,
                                "code_lines": item.code_lines,
                                "total_lines": item.total_lines,
                            }
                        )
                        for item in self.item_ids
                    ],
                    "line_ids": [
                        fields.Command.create(
                            {
                                "module_name": line.module_name,
                                "path": line.path,
                                "code_lines": line.code_lines,
                                "other_lines": line.other_lines,
                                "total_lines": line.total_lines,
                                "excluded": line.module_name in overrides,
                                "exclusion_reason": overrides.get(line.module_name),
                                "declared_files": line.declared_files,
                                "declared_code_lines": line.declared_code_lines,
                            }
                        )
                        for line in self.line_ids
                    ],
                    "issue_ids": [
                        fields.Command.create(
                            {
                                "module_name": issue.module_name,
                                "path": issue.path,
                                "reason": issue.reason,
                            }
                        )
                        for issue in self.issue_ids
                    ],
                }
            )
            .with_env(self.env)
        )
        copy.with_context(support_override_reprice=True)._apply()
        return copy

    def _apply(self):
        """Make this count the repository's current one and reprice."""
        self.ensure_one()
        source = self._source()
        previous = source.snapshot_ids.filtered(
            lambda s: s.state == "applied" and s != self
        )[:1]
        self.sudo().state = "applied"
        values = {
            "last_code_lines": self.billable_code_lines,
            "last_count_date": self.date,
            "last_error": False,
        }
        if self.instance_id:
            values["count_state"] = "ok"
        else:
            values.update(state="ok", last_commit=self.commit)
        # The count's own write: the repository refuses it from the form.
        source.with_context(support_count_write=True).write(values)
        source.agreement_id._support_apply_code_lines(self, previous)

    def _declared_exclusions(self):
        """{addon: files} the customer's own declarations exclude."""
        return {
            line.module_name: line.declared_files
            for line in self.line_ids
            if line.declared_files
        }

    def _declared_exclusions_changed(self, previous):
        """This count has customer-declared exclusions that the applied
        count ``previous`` (empty for a first count) did not have: other
        addons, or another number of files."""
        mine = self._declared_exclusions()
        return bool(mine) and mine != previous._declared_exclusions()

    def _differences(self, previous):
        """[(addon, old code lines, new code lines)] that changed, by name."""
        old = {
            line.module_name: (0 if line.excluded else line.code_lines)
            for line in previous.line_ids
        }
        new = {
            line.module_name: (0 if line.excluded else line.code_lines)
            for line in self.line_ids
        }
        return [
            (name, old.get(name, 0), new.get(name, 0))
            for name in sorted(set(old) | set(new))
            if old.get(name, 0) != new.get(name, 0)
        ]
