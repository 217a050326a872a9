"""The database count: Odoo's cloc of a database's customizations, read
through the external API of a live Odoo (HttpCase's server), item by item
equal to what Odoo itself counts (``odoo-bin cloc -d`` runs
``Cloc.count_customization`` on the database)."""

from odoo.tests import HOST, HttpCase, get_db_name, tagged
from odoo.tools import cloc as odoo_cloc
from odoo.tools import config

from ..tools import db_cloc
from . import db_fixtures


@tagged("post_install", "-at_install")
class TestDatabaseCountParity(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.records = db_fixtures.make_customizations(cls.env)
        cls.reader, cls.key = db_fixtures.technical_user(cls.env)
        cls.url = f"http://{HOST}:{config['http_port']}"

    def client(self, cls=db_cloc.Json2Client, key=None, allowed=None, **limits):
        return cls(
            self.url,
            get_db_name(),
            key or self.key,
            login=self.reader.login,
            limits=db_cloc.Limits(**limits),
            allowed=HOST if allowed is None else allowed,
        )

    def read(self, client):
        """Read through the live server (HttpCase lets requests without its
        test cookie reach the test's transaction)."""
        with self.allow_requests(all_requests=True):
            return db_cloc.read_customization(client)

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
        client = self.client(cls=db_cloc.XmlRpcClient)
        ours = db_cloc.count(self.read(client))
        self.assert_parity(ours, odoo)
        self.assertIn(db_fixtures.MODULE, ours.modules)

    def test_refused_key_is_an_auth_error_without_the_key(self):
        wrong = "0" * 40
        for cls in (db_cloc.Json2Client, db_cloc.XmlRpcClient):
            with self.assertRaises(db_cloc.ApiError) as caught:
                self.read(self.client(cls=cls, key=wrong))
            self.assertEqual(caught.exception.kind, "auth")
            self.assertNotIn(wrong, str(caught.exception))

    def test_loopback_refused_unless_the_policy_allows_it(self):
        with self.assertRaises(db_cloc.ApiError) as caught:
            self.client(allowed="")
        self.assertEqual(caught.exception.kind, "network")

    def test_bounds_stop_the_read(self):
        with self.assertRaises(db_cloc.ApiError) as caught:
            self.read(self.client(max_records=1, page=1))
        self.assertEqual(caught.exception.kind, "too-many-records")
        with self.assertRaises(db_cloc.ApiError) as caught:
            self.read(self.client(max_bytes=200))
        self.assertEqual(caught.exception.kind, "too-large")

    def test_plain_http_refused_to_a_public_address(self):
        with self.assertRaises(db_cloc.ApiError) as caught:
            db_cloc.check_address("http://1.1.1.1:8069")
        self.assertEqual(caught.exception.kind, "insecure")
