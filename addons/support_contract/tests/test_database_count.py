"""The database count: Odoo's cloc of a database's customizations, read
through the external API of a live Odoo (HttpCase's server), item by item
equal to what Odoo itself counts (``odoo-bin cloc -d`` runs
``Cloc.count_customization`` on the database)."""

import os
import subprocess
import sys
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import HOST, HttpCase, get_db_name, tagged
from odoo.tools import cloc as odoo_cloc
from odoo.tools import config

from ..models.support_instance import PARAM_ALLOWED_NETWORKS
from ..tools import db_api, db_cloc, db_http, db_read, pricing
from . import db_fixtures
from .common import SupportContractCommon
from .git_fixtures import GitFixture


@tagged("post_install", "-at_install")
class TestDatabaseCountParity(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.records = db_fixtures.make_customizations(cls.env)
        cls.reader, cls.key = db_fixtures.technical_user(cls.env)
        cls.url = f"http://{HOST}:{config['http_port']}"

    def client(self, cls=db_api.Json2Client, key=None, allowed=None, **limits):
        return cls(
            self.url,
            get_db_name(),
            key or self.key,
            login=self.reader.login,
            limits=db_http.Limits(**limits),
            allowed=HOST if allowed is None else allowed,
        )

    def read(self, client):
        """Read through the live server (HttpCase lets requests without its
        test cookie reach the test's transaction)."""
        with self.allow_requests(all_requests=True):
            return db_read.read_customization(client)

    def odoo_count(self):
        cloc = odoo_cloc.Cloc()
        cloc.count_customization(self.env)
        return cloc

    def assert_parity(self, ours, odoo):
        self.assertEqual(ours.modules, odoo.modules)
        self.assertEqual(ours.excluded, odoo.excluded)
        self.assertEqual(ours.errors, odoo.errors)
        self.assertEqual(ours.code, odoo.code)
        self.assertEqual(ours.total, odoo.total)

    def test_json2_count_equals_odoo_cloc_item_by_item(self):
        odoo = self.odoo_count()
        ours = db_cloc.count(self.read(self.client()))
        self.assert_parity(ours, odoo)
        # The customizations made here are all there, named as Odoo names them.
        action, field = self.records["action"], self.records["field"]
        studio = ours.modules["odoo/studio"]
        self.assertEqual(
            studio[f"ir.actions.server/{action.id}: Tag big customers"], (3, 4)
        )
        self.assertIn(f"ir.model.fields/{field.id}: x_probe_score", studio)
        studio_field = self.records["studio_field"]
        self.assertIn(
            f"ir.model.fields/{studio_field.id}: x_studio_probe_total", studio
        )
        generated = self.records["generated"]
        self.assertNotIn(f"ir.model.fields/{generated.id}: x_probe_generated", studio)
        excluded = self.records["excluded"]
        self.assertIn(
            f"ir.actions.server/{excluded.id}: Vendored action",
            ours.excluded["odoo/studio"],
        )
        broken = self.records["broken"]
        self.assertEqual(
            ours.errors["odoo/studio"][f"ir.actions.server/{broken.id}: Broken action"],
            "Syntax Error",
        )
        probe = ours.modules[db_fixtures.MODULE]
        self.assertIn(f"/{db_fixtures.MODULE}/views/Probe page.xml", probe)
        self.assertEqual(probe[f"/{db_fixtures.MODULE}/static/src/probe.js"][0], 5)
        self.assertIn(f"/{db_fixtures.MODULE}/static/src/probe.scss", probe)

    def test_xmlrpc_count_equals_odoo_cloc(self):
        odoo = self.odoo_count()
        client = self.client(cls=db_api.XmlRpcClient)
        ours = db_cloc.count(self.read(client))
        self.assert_parity(ours, odoo)
        self.assertIn(db_fixtures.MODULE, ours.modules)

    def test_refused_key_is_an_auth_error_without_the_key(self):
        wrong = "0" * 40
        for cls in (db_api.Json2Client, db_api.XmlRpcClient):
            with self.assertRaises(db_http.ApiError) as caught:
                self.read(self.client(cls=cls, key=wrong))
            self.assertEqual(caught.exception.kind, "auth")
            self.assertNotIn(wrong, str(caught.exception))

    def test_loopback_refused_unless_the_policy_allows_it(self):
        with self.assertRaises(db_http.ApiError) as caught:
            self.client(allowed="")
        self.assertEqual(caught.exception.kind, "network")

    def test_bounds_stop_the_read(self):
        with self.assertRaises(db_http.ApiError) as caught:
            self.read(self.client(max_records=1, page=1))
        self.assertEqual(caught.exception.kind, "too-many-records")
        with self.assertRaises(db_http.ApiError) as caught:
            self.read(self.client(max_bytes=200))
        self.assertEqual(caught.exception.kind, "too-large")

    def test_plain_http_refused_to_a_public_address(self):
        with self.assertRaises(db_http.ApiError) as caught:
            db_http.check_address("http://1.1.1.1:8069")
        self.assertEqual(caught.exception.kind, "insecure")


def parse_cloc_report(text):
    """{module: {item: (code, total)}} of ``odoo-bin cloc -v``'s report."""
    modules, module = {}, None
    for line in text.splitlines():
        parts = line.rstrip().rsplit(None, 3)
        if len(parts) != 4 or not all(p.lstrip("-").isdigit() for p in parts[1:]):
            continue
        name, total, _other, code = parts
        if line.startswith("    "):
            modules[module][name.strip()] = (int(code), int(total))
        else:
            module = name.strip()
            modules[module] = {}
    return modules


@tagged("post_install", "-at_install")
class TestOdooBinClocParity(HttpCase):
    """``odoo-bin cloc -d <database>`` itself, run on this database in
    another process, against the suite's count read through JSON-2."""

    def test_count_equals_odoo_bin_cloc_for_every_customization(self):
        reader, key = db_fixtures.technical_user(self.env, "cloc_reader_bin")
        client = db_api.Json2Client(
            f"http://{HOST}:{config['http_port']}",
            get_db_name(),
            key,
            allowed=HOST,
        )
        with self.allow_requests(all_requests=True):
            ours = db_cloc.count(db_read.read_customization(client))
        command = [sys.executable, "-m", "odoo", "cloc", "-d", get_db_name(), "-v"]
        if config.rcfile:
            command += ["-c", config.rcfile]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=600,
            env=dict(os.environ, COLUMNS="400"),
            check=True,
        )
        report = parse_cloc_report(result.stdout.split("Excluded")[0])
        demo = self.env.ref(
            "support_contract.instance_solberga_online_demo", raise_if_not_found=False
        )
        if demo:  # the demo's own customizations are committed data
            self.assertIn("odoo/studio", ours.modules)
            self.assertIn("odoo/studio", report)
        for module, entries in ours.modules.items():
            self.assertEqual(report.get(module), entries, module)
        # Whatever else Odoo counted is a module on disk, not a customization.
        others = set(report) - set(ours.modules)
        on_disk = self.env["ir.module.module"].search(
            [("name", "in", list(others)), ("state", "=", "installed")]
        )
        self.assertEqual(set(on_disk.mapped("name")), others)
        self.assertFalse(on_disk.filtered("imported"))


@tagged("post_install", "-at_install")
class TestInstanceDatabaseCount(SupportContractCommon, HttpCase):
    """A production instance's database count, as the roles do it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.code_product = cls.env["product.product"].create(
            {"name": "Code lines (db test)", "type": "service", "list_price": 100}
        )
        cls.template_msa.write(
            {
                "support_code_line_product_id": cls.code_product.id,
                "support_code_line_block": 10,
            }
        )
        cls.agreement = cls.start_agreement(
            cls.template_msa, cls.customer, date(2026, 1, 1), product=cls.code_product
        )
        cls.records = db_fixtures.make_customizations(cls.env)
        cls.reader, cls.key = db_fixtures.technical_user(cls.env, "cloc_reader_2")
        # The test server runs on the loopback: allowed inside this test only.
        cls.env["ir.config_parameter"].set_param(PARAM_ALLOWED_NETWORKS, HOST)
        cls.url = f"http://{HOST}:{config['http_port']}"
        cls.instance = cls.env["support.instance"].create(
            {
                "name": "Kund Ett production",
                "partner_id": cls.customer.id,
                "agreement_id": cls.agreement.id,
                "environment": "production",
                "odoo_version": "19.0",
                "url": cls.url,
                "database_name": get_db_name(),
                "count_database": True,
            }
        )
        cls.portal = cls.portal_user("db_count_portal", cls.contact)

    def set_key(self, key=None):
        self.instance.with_user(self.support_manager).write(
            {"api_key_input": key or self.key}
        )

    def count_as_support_user(self, confirm=True):
        """Count as a Support User; a count held for the customer's declared
        exclusions (the fixtures' __cloc_exclude__ action) is confirmed by
        a Support Manager unless ``confirm`` is False."""
        with self.allow_requests(all_requests=True):
            self.instance.with_user(self.support_user).action_count_database()
        self.instance.invalidate_recordset()
        if confirm and self.instance.count_state == "to_confirm":
            self.instance.with_user(self.support_manager).action_confirm_count()
            self.instance.invalidate_recordset()

    def odoo_code_lines(self):
        cloc = odoo_cloc.Cloc()
        cloc.count_customization(self.env)
        return cloc

    def line_quantity(self):
        return self.agreement._support_code_line_line().product_uom_qty

    def test_support_user_counts_the_database_and_the_price_follows(self):
        self.set_key()
        quantity = self.line_quantity()
        self.count_as_support_user(confirm=False)
        odoo = self.odoo_code_lines()
        # The customer marked an action __cloc_exclude__: counted aside,
        # shown, and a first count with it waits for a Support Manager.
        self.assertEqual(self.instance.count_state, "to_confirm")
        held = self.instance.snapshot_ids
        studio = held.line_ids.filtered(lambda line: line.module_name == "odoo/studio")
        self.assertEqual(studio.declared_files, len(odoo.excluded["odoo/studio"]))
        self.assertEqual(
            studio.declared_code_lines,
            sum(c[0] for c in odoo.excluded["odoo/studio"].values()),
        )
        self.assertIn("cloc_exclude", self.instance.activity_ids.note)
        self.assertEqual(self.line_quantity(), quantity, "the price waits")
        with self.assertRaises(UserError):
            self.instance.with_user(self.support_user).action_confirm_count()
        self.instance.with_user(self.support_manager).action_confirm_count()
        self.instance.invalidate_recordset()
        self.assertEqual(self.instance.count_state, "ok", self.instance.last_error)
        snapshot = self.instance.snapshot_ids
        self.assertEqual(len(snapshot), 1)
        self.assertEqual(snapshot.state, "applied")
        self.assertEqual(snapshot.source_kind, "database")
        lines = {line.module_name: line.code_lines for line in snapshot.line_ids}
        self.assertEqual(lines, {m: odoo.code[m] for m in odoo.modules})
        self.assertIn(db_fixtures.MODULE, lines)
        self.assertEqual(self.instance.last_code_lines, sum(odoo.code.values()))
        self.assertEqual(self.agreement.support_code_lines, sum(odoo.code.values()))
        self.assertEqual(
            self.line_quantity(),
            pricing.code_line_quantity(sum(odoo.code.values()), 10),
        )
        # Each customization is kept, named as Odoo names it.
        action = self.records["action"]
        item = snapshot.item_ids.filtered(
            lambda i: i.name == f"ir.actions.server/{action.id}: Tag big customers"
        )
        self.assertEqual(
            (item.module_name, item.code_lines, item.total_lines), ("odoo/studio", 3, 4)
        )
        self.assertEqual(
            len(snapshot.item_ids),
            sum(len(entries) for entries in odoo.modules.values()),
        )
        # The broken action is listed as not counted, like Odoo's report.
        self.assertIn("Syntax Error", snapshot.issue_ids.mapped("reason"))

    def test_price_is_repositories_plus_database(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "True"
        )
        fixture = GitFixture(
            {
                "kund_addon/__manifest__.py": "{'name': 'x'}",
                "kund_addon/models.py": "".join(f"V{i} = {i}\n" for i in range(40)),
            }
        )
        self.addCleanup(fixture.cleanup)
        repo = self.env["support.repository"].create(
            {"name": "kund", "agreement_id": self.agreement.id, "url": fixture.url}
        )
        repo.with_user(self.support_user).action_count_lines()
        self.assertEqual(repo.last_code_lines, 40)
        self.set_key()
        self.count_as_support_user()
        total = 40 + self.instance.last_code_lines
        self.assertGreater(self.instance.last_code_lines, 0)
        self.assertEqual(self.agreement.support_code_lines, total)
        self.assertEqual(self.line_quantity(), pricing.code_line_quantity(total, 10))
        # The customer sees both sources, each named.
        self.authenticate("db_count_portal", "db_count_portal")
        page = self.url_open(f"/my/agreements/{self.agreement.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("kund", page.text)
        # The database as the customer knows it: by its instance's name.
        self.assertIn("Database of Kund Ett production", page.text)
        self.assertNotIn(get_db_name(), page.text)
        self.assertIn(db_fixtures.MODULE, page.text)
        self.assertIn("odoo/studio", page.text)
        self.assertIn(
            f"ir.actions.server/{self.records['action'].id}: Tag big customers",
            page.text,
        )
        self.assertNotIn(self.key, page.text)

    def test_refused_key_puts_the_instance_in_error_and_keeps_the_price(self):
        self.set_key()
        self.count_as_support_user()
        quantity = self.line_quantity()
        wrong = "f" * 40
        self.set_key(wrong)
        self.count_as_support_user()
        self.assertEqual(self.instance.count_state, "error")
        self.assertIn("refused the API key", self.instance.last_error)
        self.assertTrue(self.instance.activity_ids)
        self.assertEqual(self.line_quantity(), quantity, "the price did not move")
        self.assertEqual(len(self.instance.snapshot_ids), 1)
        for secret in (wrong, self.key):
            self.assertNotIn(secret, self.instance.last_error)
            self.assertFalse(
                self.env["mail.message"].search([("body", "ilike", secret)]),
                "the key is never in the chatter",
            )

    def test_loopback_refused_when_the_policy_does_not_allow_it(self):
        self.env["ir.config_parameter"].set_param(PARAM_ALLOWED_NETWORKS, "")
        self.set_key()
        self.count_as_support_user()
        self.assertEqual(self.instance.count_state, "error")
        self.assertIn("internal address", self.instance.last_error)
        self.assertFalse(self.instance.snapshot_ids)

    def test_only_a_support_manager_sets_the_key_and_nobody_reads_it(self):
        with self.assertRaises(AccessError):
            self.instance.with_user(self.support_user).write(
                {"api_key_input": "stolen"}
            )
        self.set_key()
        self.instance.invalidate_recordset()
        as_manager = self.instance.with_user(self.support_manager)
        self.assertFalse(as_manager.api_key_input, "the form never gets it back")
        self.assertTrue(as_manager.has_api_key)
        as_user = self.instance.with_user(self.support_user)
        self.assertNotIn("api_key_input", as_user.fields_get())
        with self.assertRaises(AccessError):
            self.env["support.instance.credential"].with_user(
                self.support_manager
            ).search([])
        with self.assertRaises(AccessError):
            as_user.action_clear_credentials()

    def test_moving_the_url_to_another_host_clears_the_key(self):
        self.set_key()
        self.instance.with_user(self.support_user).url = "https://evil.example"
        self.instance.invalidate_recordset()
        self.assertFalse(self.instance.has_api_key)
        self.assertIn(
            "the stored API credentials were removed",
            self.instance.message_ids[0].body,
        )
        # Same host and port, another path: the key stays.
        self.instance.url = "https://evil.example/odoo"
        self.set_key()
        self.instance.with_user(self.support_user).url = "https://evil.example/"
        self.instance.invalidate_recordset()
        self.assertTrue(self.instance.has_api_key)

    def test_demo_endpoint_is_set_only_by_the_server(self):
        with self.assertRaises(AccessError):
            self.instance.with_user(self.support_manager).write(
                {"demo_allowed_endpoint": "127.0.0.1:8069"}
            )

    def test_monthly_cron_counts_the_database(self):
        # The cron's own cursor holds the test lock, so the test server cannot
        # answer it: the count is refused by the policy instead, which shows
        # the cron picked the instance, recorded why, and moved its date.
        self.env["ir.config_parameter"].set_param(PARAM_ALLOWED_NETWORKS, "")
        self.set_key()
        quantity = self.line_quantity()
        cron = self.env.ref("support_contract.ir_cron_count_databases")
        cron.method_direct_trigger()
        self.instance.invalidate_recordset()
        self.assertEqual(self.instance.count_state, "error")
        self.assertIn("internal address", self.instance.last_error)
        self.assertEqual(
            self.instance.next_count_date,
            date.today() + relativedelta(days=1),
            "a failed count is tried again the next day",
        )
        self.assertEqual(self.line_quantity(), quantity)
        self.assertFalse(
            self.env["support.instance"].search(
                [("id", "=", self.instance.id)]
                + self.env["support.instance"]._due_domain()
            ),
            "not due again today",
        )

    def test_module_override_reprices_a_database_at_once(self):
        self.set_key()
        self.count_as_support_user()
        first = self.instance.last_code_lines
        module_lines = self.instance.snapshot_ids.line_ids.filtered(
            lambda line: line.module_name == db_fixtures.MODULE
        ).code_lines
        self.assertGreater(module_lines, 0)
        self.env["support.cloc.override"].with_user(self.support_manager).create(
            {
                "instance_id": self.instance.id,
                "module_name": db_fixtures.MODULE,
                "reason": "Vendor's module",
            }
        )
        self.instance.invalidate_recordset()
        self.assertEqual(self.instance.count_state, "ok")
        self.assertEqual(self.instance.last_code_lines, first - module_lines)
        applied = self.instance._support_latest_snapshot("applied")
        line = applied.line_ids.filtered(
            lambda line: line.module_name == db_fixtures.MODULE
        )
        self.assertTrue(line.excluded)
        self.assertEqual(line.exclusion_reason, "Vendor's module")
        self.assertEqual(
            self.line_quantity(),
            pricing.code_line_quantity(first - module_lines, 10),
        )
        # The next count keeps the module out.
        self.count_as_support_user()
        self.assertEqual(self.instance.last_code_lines, first - module_lines)
