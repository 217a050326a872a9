import ipaddress
import logging
from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import db_api, db_cloc, db_http, db_read, formats
from .support_credential_mixin import credential_input


def is_loopback_url(url):
    """Whether ``url`` names this machine (localhost or a loopback address)."""
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_logger = logging.getLogger(__name__)

PARAM_ALLOWED_NETWORKS = "support_contract.allowed_networks"
# Bounds of one database count: system parameter -> (Limits field, type).
DB_LIMIT_PARAMS = {
    "support_contract.db_count_timeout": ("timeout", float),
    "support_contract.db_count_max_seconds": ("seconds", float),
    "support_contract.db_count_max_records": ("max_records", int),
    "support_contract.db_count_max_bytes": ("max_bytes", int),
    "support_contract.db_count_max_total_bytes": ("max_total_bytes", int),
}
CRON_BATCH = 10


class SupportInstance(models.Model):
    _name = "support.instance"
    _description = "Customer instance"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "support.counted.source",
        "support.credential.mixin",
    ]
    _count_source_field = "instance_id"
    _credential_model = "support.instance.credential"
    _credential_link = "instance_id"
    _credential_inputs = {"api_login_input": "api_login", "api_key_input": "api_key"}
    _order = "partner_id, environment, name"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_company", "=", True)],
    )
    agreement_id = fields.Many2one(
        comodel_name="sale.subscription",
        string="Agreement",
        index=True,
        tracking=True,
        domain="[('support_kind', '!=', False), "
        "('partner_id', 'child_of', partner_id)]",
        check_company=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    environment = fields.Selection(
        selection=[
            ("production", "Production"),
            ("test", "Test"),
            ("development", "Development"),
        ],
        required=True,
        default="production",
        tracking=True,
    )
    odoo_version = fields.Char(
        string="Odoo version",
        tracking=True,
        help="The Odoo series the instance runs, such as 17.0 or 18.0.",
    )
    edition = fields.Selection(
        selection=[("community", "Community"), ("enterprise", "Enterprise")],
        default="community",
        tracking=True,
    )
    url = fields.Char(
        string="URL",
        tracking=True,
        help="https://host[:port]: the instance's web address, also used by the "
        "database count.",
    )
    # Database count (Odoo's cloc of the customizations in the database)
    count_database = fields.Boolean(
        string="Count the database",
        tracking=True,
        help="Count the customizations made in this production database (server "
        "actions with code, manual computed fields, imported modules) as Odoo's "
        "cloc does; the count is part of the agreement's code lines.",
    )
    database_name = fields.Char(
        string="Database name",
        tracking=True,
        help="The name of the database to read on the instance.",
    )
    api_login_input = credential_input("Technical user's login")
    api_key_input = credential_input("API key")
    has_api_key = fields.Boolean(string="API key set", compute="_compute_has_api_key")
    demo_allowed_endpoint = fields.Char(
        string="Address allowed for the demo",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="host:port this instance may reach although the network policy "
        "refuses it: set only by the demo, for its own server.",
    )
    count_state = fields.Selection(
        selection=[
            ("never", "Never counted"),
            ("ok", "Counted"),
            ("to_confirm", "To confirm"),
            ("error", "Error"),
        ],
        string="Database count",
        default="never",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    last_code_lines = fields.Integer(
        string="Last database count",
        readonly=True,
        copy=False,
        help="Code lines of the last applied database count, after exclusions.",
    )
    next_count_date = fields.Date(
        copy=False,
        help="The scheduled action counts the database on or after this date.",
    )
    snapshot_ids = fields.One2many(
        "support.cloc.snapshot", "instance_id", string="Database counts"
    )
    override_ids = fields.One2many(
        "support.cloc.override", "instance_id", string="Module overrides"
    )
    notes = fields.Html(groups="base.group_user")  # internal, never on the portal
    included_at_no_cost = fields.Boolean(
        string="Included at no extra cost",
        compute="_compute_included_at_no_cost",
        help="Test and development instances are part of the agreement and "
        "are never billed.",
    )
    upgrade_ids = fields.One2many(
        comodel_name="support.upgrade",
        inverse_name="instance_id",
        string="Upgrades",
    )

    @api.depends("environment")
    def _compute_included_at_no_cost(self):
        for instance in self:
            instance.included_at_no_cost = instance.environment in (
                "test",
                "development",
            )

    @api.onchange("agreement_id")
    def _onchange_agreement_id(self):
        if self.agreement_id:
            self.partner_id = self.agreement_id.partner_id.commercial_partner_id
            self.company_id = self.agreement_id.company_id

    # ------------------------------------------------------------------
    # Credentials of the technical user: write-only, Support Managers only,
    # bound to the URL's host.
    # ------------------------------------------------------------------

    def _compute_has_api_key(self):
        for instance in self:
            instance.has_api_key = bool(instance._credential().api_key)

    def _credential_manager_only_message(self):
        return self.env._(
            "Only a Support Manager can set or remove the API credentials of "
            "an instance."
        )

    def _credential_changed_message(self):
        return self.env._(
            "API credentials changed by %(user)s.", user=self.env.user.name
        )

    def _credential_removed_message(self):
        return self.env._(
            "API credentials removed by %(user)s.", user=self.env.user.name
        )

    def _credential_endpoint(self, url):
        return db_http.endpoint(url)

    def write(self, vals):
        if "demo_allowed_endpoint" in vals and not self.env.su:
            raise AccessError(
                self.env._("Only the demo sets the address an instance may reach.")
            )
        return super().write(vals)

    def _credential_moved_message(self, old, new):
        return self.env._(
            "The URL moved from %(old)s to %(new)s: the stored API credentials "
            "were removed, so they are not sent to the new host. A Support "
            "Manager enters them again.",
            old=f"{old[0]}://{old[1]}:{old[2]}" if old[1] else "-",
            new=f"{new[0]}://{new[1]}:{new[2]}" if new[1] else "-",
        )

    def _forget_other_host_secrets(self):
        """The demo's allowed address goes too (silently: only the demo sets
        it)."""
        if self.sudo().demo_allowed_endpoint:
            self.sudo().demo_allowed_endpoint = False
        return False

    # ------------------------------------------------------------------
    # Database count
    # ------------------------------------------------------------------

    def _support_portal_url(self):
        """The web address shown to the customer: none for an address only
        this server can reach (loopback, as the demo's instances)."""
        self.ensure_one()
        return self.url if self.url and not is_loopback_url(self.url) else False

    def _database_label(self):
        self.ensure_one()
        return self.env._(
            "Database %(database)s of %(instance)s",
            database=self.database_name or "-",
            instance=self.name,
        )

    def _support_customer_label(self):
        """The counted database as the customer knows it (portal, support
        statement): by the instance's name as staff named it. The database's
        own name is a technical detail of the server (in the demo, the
        partner's own database), kept for staff in ``_database_label``."""
        self.ensure_one()
        return self.env._("Database of %(instance)s", instance=self.name)

    @api.model
    def _count_limits(self):
        return db_http.Limits(**self._limits_from_params(DB_LIMIT_PARAMS))

    def _allowed_networks(self):
        """The repositories' network policy, plus the demo's own server for
        the demo instance only."""
        self.ensure_one()
        allowed = (
            self.env["ir.config_parameter"].sudo().get_param(PARAM_ALLOWED_NETWORKS)
            or ""
        )
        endpoint = self.sudo().demo_allowed_endpoint
        scheme, host, port = db_http.endpoint(self.url)
        if endpoint and host and f"{host}:{port}" == endpoint:
            allowed = f"{allowed} {host}"
        return allowed

    def _api_error_message(self, error):
        limits = self._count_limits()
        messages = {
            "url": self.env._(
                "The URL of %(instance)s is not one the database count accepts: "
                "use https://host or https://host:port.",
                instance=self.name,
            ),
            "url-credentials": self.env._(
                "The URL of %(instance)s carries credentials: remove them and "
                "enter the API key in its field.",
                instance=self.name,
            ),
            "network": self.env._(
                "%(host)s resolves to an internal address (loopback, private, "
                "link-local or cloud metadata); the database count refuses it. An "
                "administrator can allow it in the system parameter %(param)s.",
                host=error.detail,
                param=PARAM_ALLOWED_NETWORKS,
            ),
            "insecure": self.env._(
                "%(host)s is reached over plain http across the internet: the API "
                "key would travel in clear. Use https.",
                host=error.detail,
            ),
            "unreachable": self.env._(
                "%(instance)s could not be reached: %(detail)s",
                instance=self.name,
                detail=error.detail,
            ),
            "tls": self.env._(
                "The TLS certificate of %(instance)s was refused: %(detail)s",
                instance=self.name,
                detail=error.detail,
            ),
            "timeout": self.env._(
                "%(instance)s did not answer in time; the database count was "
                "stopped (system parameters support_contract.db_count_timeout and "
                "support_contract.db_count_max_seconds).",
                instance=self.name,
            ),
            "auth": self.env._(
                "%(instance)s refused the API key (or the login) of the technical "
                "user: a Support Manager enters valid ones.",
                instance=self.name,
            ),
            "access": self.env._(
                "The technical user of %(instance)s may not read what the count "
                "needs (see the README: it needs Settings / Administration): "
                "%(detail)s",
                instance=self.name,
                detail=error.detail,
            ),
            "not-found": self.env._(
                "%(instance)s has no %(api)s endpoint for database %(database)s: "
                "check the URL, the database name and the Odoo version.",
                instance=self.name,
                api="JSON-2" if db_api.uses_json2(self.odoo_version) else "XML-RPC",
                database=self.database_name,
            ),
            "too-many-records": self.env._(
                "%(instance)s holds more records to count than allowed "
                "(%(detail)s); the count was stopped (system parameter "
                "support_contract.db_count_max_records).",
                instance=self.name,
                detail=error.detail,
            ),
            "too-large": self.env._(
                "An answer of %(instance)s was larger than %(limit)s bytes; the "
                "count was stopped (system parameter "
                "support_contract.db_count_max_bytes).",
                instance=self.name,
                limit=limits.max_bytes,
            ),
            "too-many-bytes": self.env._(
                "The answers of %(instance)s added up to more than %(limit)s "
                "bytes; the count was stopped (system parameter "
                "support_contract.db_count_max_total_bytes).",
                instance=self.name,
                limit=limits.max_total_bytes,
            ),
            "protocol": self.env._(
                "%(instance)s answered the database count with something that is "
                "not what Odoo's external API sends (%(detail)s); nothing of it was "
                "counted. Check that the URL leads to an Odoo instance of the "
                "version set on the instance.",
                instance=self.name,
                detail=error.detail,
            ),
            "missing": self.env._(
                "%(instance)s cannot be counted: it needs a URL, a database name "
                "and the technical user's API key (and its login before Odoo 19).",
                instance=self.name,
            ),
        }
        return messages.get(error.kind) or self.env._(
            "Reading the database of %(instance)s failed: %(detail)s",
            instance=self.name,
            detail=error.detail,
        )

    def _read_database(self, pool=None):
        """Odoo's cloc of the instance's customizations (a Cloc); every text
        and file parsed in the bounded workers as it arrives."""
        self.ensure_one()
        self._check_count_right()
        client = self._api_client()
        with db_cloc.ItemParser(pool=pool, deadline=client.deadline) as parser:
            data = db_read.read_customization(client, parser=parser)
            return db_cloc.count(data, parser=parser)

    def _api_client(self):
        """A bounded client of the instance's external API, its address
        checked by the network policy, with the stored credentials
        (``db_api.call(client, model, method, ...)`` for one call). The
        caller checks the user's right first."""
        self.ensure_one()
        credential = self._credential()
        key, login = credential.api_key or "", credential.api_login or ""
        json2 = db_api.uses_json2(self.odoo_version)
        if not (self.url and self.database_name and key and (json2 or login)):
            raise db_http.ApiError("missing")
        client = db_api.client_for(
            self.odoo_version,
            self.url,
            self.database_name,
            key,
            login=login,
            limits=self._count_limits(),
            allowed=self._allowed_networks(),
        )
        return client

    def _count(self, pool=None):
        """Count the database; store a snapshot; apply the price.

        A problem puts the instance in error (or "to confirm") and never
        changes the agreement's quantity."""
        self.ensure_one()
        try:
            cloc = self._read_database(pool=pool)
        except db_http.ApiError as error:
            self._set_count_error(self._api_error_message(error))
            return self.env["support.cloc.snapshot"]
        snapshot = (
            self.env["support.cloc.snapshot"]
            .sudo()
            ._create_from_count(
                self.sudo(),
                self.database_name,
                db_cloc.module_counts(cloc),
                items=db_cloc.items(cloc),
            )
        )
        _logger.info(
            "Counted the database of instance %s: %s code lines",
            self.id,
            snapshot.billable_code_lines,
        )
        previous = (
            self.last_code_lines if self.count_state in ("ok", "to_confirm") else 0
        )
        drop = self.env["support.repository"].with_company(self.company_id)._max_drop()
        note = False
        if previous and snapshot.billable_code_lines < previous * (1 - drop / 100.0):
            note = self.env._(
                "The code-line count of %(what)s dropped from %(old)s to "
                "%(new)s lines (more than %(share)s %%). Check it and confirm it "
                "on the instance; until then the price stays as it is.",
                what=self._database_label(),
                old=formats.count(self.env, previous),
                new=formats.count(self.env, snapshot.billable_code_lines),
                share=formats.share(self.env, drop),
            )
        note = note or self._declared_exclusions_note(snapshot, self._database_label())
        if note:
            snapshot.sudo().state = "to_confirm"
            self.write({"count_state": "to_confirm", "last_error": False})
            self._schedule_activity(
                note, user=self.company_id._support_manager_for(self.agreement_id)
            )
            return snapshot
        snapshot._apply()
        return snapshot

    def _set_count_error(self, message):
        self.write(
            {
                "count_state": "error",
                "last_error": message,
                "last_error_date": fields.Datetime.now(),
            }
        )
        self.message_post(body=message)
        self._schedule_activity(message)

    def _schedule_activity(self, note, user=None):
        user = user or self.agreement_id.user_id or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Database count needs attention"),
            note=note,
            user_id=user.id,
        )

    def _check_countable(self):
        for instance in self:
            if not instance.count_database or instance.environment != "production":
                raise UserError(
                    self.env._(
                        "%(instance)s is not counted: only production instances "
                        "with “Count the database” are.",
                        instance=instance.display_name,
                    )
                )
            if instance.agreement_id.support_kind != "maintenance":
                raise UserError(
                    self.env._(
                        "%(instance)s belongs to no Maintenance and Support "
                        "agreement: only those are priced by code lines.",
                        instance=instance.display_name,
                    )
                )

    def action_count_database(self):
        """The "Count database" button."""
        self._check_count_right()
        self._check_countable()
        for instance in self:
            if not instance.try_lock_for_update():
                raise UserError(
                    self.env._(
                        "%(instance)s is being counted right now. Try again in a "
                        "moment.",
                        instance=instance.display_name,
                    )
                )
        with self._worker_pool() as pool:
            for instance in self:
                retrying = instance.count_state == "error"
                instance._count(pool=pool)
                instance.next_count_date = instance._next_count_date_after_count(
                    retrying
                )
        return True

    def _next_count_date_after_count(self, retrying=False):
        self.ensure_one()
        if self.count_state == "error":
            return fields.Date.context_today(self) + relativedelta(days=1)
        return self._next_scheduled_count_date(retrying)

    # ------------------------------------------------------------------
    # Scheduled action (with the repositories' one, monthly)
    # ------------------------------------------------------------------

    @api.model
    def _due_domain(self):
        today = fields.Date.context_today(self)
        return [
            ("active", "=", True),
            ("count_database", "=", True),
            ("environment", "=", "production"),
            ("agreement_id.support_kind", "=", "maintenance"),
            ("agreement_id.stage_id.type", "=", "in_progress"),
            "|",
            ("next_count_date", "=", False),
            ("next_count_date", "<=", today),
        ]

    @api.model
    def _cron_count_databases(self):
        self._count_due_databases(batch=CRON_BATCH)

    @api.model
    def _count_due_databases(self, batch=CRON_BATCH):
        """Count the due databases (see support.counted.source)."""
        with self._worker_pool() as pool:
            return self._count_due(lambda instance: instance._count(pool=pool), batch)

    def _count_failed(self, message):
        self._set_count_error(message)
