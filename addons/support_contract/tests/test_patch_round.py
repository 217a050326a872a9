"""The monthly patch round, as the roles do it: planned on the agreement's
day, closed by a Support User with what the instance runs read from a real
Odoo (this test server, over HTTP), flagged when late or behind, shown on
the portal to its customer only, reported in Swedish; and a hostile
instance's version answer, bounded and refused."""

import http.server
import json
import threading
import time
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import fields, release
from odoo.exceptions import AccessError, UserError
from odoo.tests import HOST, HttpCase, get_db_name, tagged
from odoo.tools import config

from ..models.support_instance import PARAM_ALLOWED_NETWORKS
from ..tools import db_http, patch_round
from . import db_fixtures
from .common import SupportContractCommon
from .pdf_tools import pdf_text


class PatchRoundCommon(SupportContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("sv_SE")
        cls.customer.lang = "sv_SE"
        cls.agreement = cls.start_agreement(
            cls.template_ops, cls.customer, date(2026, 1, 17)
        )
        cls.agreement.user_id = cls.support_user
        cls.env["ir.config_parameter"].set_param(PARAM_ALLOWED_NETWORKS, HOST)
        cls.url = f"http://{HOST}:{config['http_port']}"
        cls.production = cls.env["support.instance"].create(
            {
                "name": "Kund Ett production",
                "partner_id": cls.customer.id,
                "agreement_id": cls.agreement.id,
                "environment": "production",
                "odoo_version": "18.0",
                "url": cls.url,
                "database_name": get_db_name(),
            }
        )
        cls.test_instance = cls.env["support.instance"].create(
            {
                "name": "Kund Ett test",
                "partner_id": cls.customer.id,
                "agreement_id": cls.agreement.id,
                "environment": "test",
                "odoo_version": "18.0",
            }
        )
        cls.other_agreement = cls.start_agreement(
            cls.template_msa, cls.other_customer, date(2026, 1, 5)
        )
        cls.other_instance = cls.env["support.instance"].create(
            {
                "name": "Kund Två production",
                "partner_id": cls.other_customer.id,
                "agreement_id": cls.other_agreement.id,
                "environment": "production",
                "odoo_version": "17.0",
            }
        )
        cls.Round = cls.env["support.patch.round"]

    def rounds(self, instance):
        return self.Round.search([("instance_id", "=", instance.id)])

    def done_round(self, instance, period, **values):
        return self.Round.create(
            dict(
                {
                    "instance_id": instance.id,
                    "agreement_id": instance.agreement_id.id,
                    "period": period,
                    "planned_date": period + relativedelta(day=17),
                    "state": "done",
                    "date_done": period + relativedelta(day=18),
                    "user_id": self.support_user.id,
                    "version_before": "18.0-20260901",
                    "version_after": "18.0-20261001",
                    "modules_read": True,
                    "downtime_minutes": 12,
                    "security_fixes": "Advisory ODOO-SA-2026-10-01",
                    "module_ids": [
                        fields.Command.create(
                            {
                                "name": "account",
                                "version_before": "18.0.1.2",
                                "version_after": "18.0.1.3",
                            }
                        ),
                        fields.Command.create(
                            {
                                "name": "stock",
                                "version_before": "18.0.1.1",
                                "version_after": "18.0.1.1",
                            }
                        ),
                    ],
                },
                **values,
            )
        )


@tagged("post_install", "-at_install")
class TestPatchRound(PatchRoundCommon, HttpCase):
    def test_round_planned_on_the_agreements_day_once(self):
        planned = self.Round._plan_rounds(today=date(2026, 2, 3))
        round_ = self.rounds(self.production)
        self.assertEqual(len(round_), 1)
        self.assertIn(round_, planned)
        self.assertEqual(round_.period, date(2026, 2, 1))
        self.assertEqual(round_.planned_date, date(2026, 2, 17))
        self.assertEqual(round_.state, "planned")
        activity = round_.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 2, 17))
        self.assertEqual(activity.user_id, self.support_user)
        # Test instances are listed, not planned, unless ticked.
        self.assertFalse(self.rounds(self.test_instance))
        self.assertFalse(self.test_instance.patch_round_required)
        self.assertEqual(
            self.rounds(self.other_instance).planned_date, date(2026, 2, 5)
        )
        # Run again, and after ticking the test instance: nothing twice.
        self.test_instance.with_user(self.support_user).patch_round_included = True
        self.Round._plan_rounds(today=date(2026, 2, 20))
        self.assertEqual(self.rounds(self.production), round_)
        self.assertEqual(len(round_.activity_ids), 1)
        self.assertEqual(len(self.rounds(self.test_instance)), 1)
        # Not before the agreement starts; a short month keeps its last day.
        self.assertFalse(
            self.Round._plan_rounds(today=date(2025, 12, 20)).filtered(
                lambda r: r.instance_id == self.production
            )
        )
        self.assertEqual(
            patch_round.planned_date(date(2026, 1, 31), date(2026, 2, 1)),
            date(2026, 2, 28),
        )

    def test_scheduled_action_twice_plans_one_round(self):
        # A run stopped halfway committed the other customer's round (with
        # its activity) before it was killed.
        month = fields.Date.today().replace(day=1)
        first = self.Round._plan_round(self.other_instance, month)
        cron = self.env.ref("support_contract.ir_cron_patch_rounds")
        cron.method_direct_trigger()
        cron.method_direct_trigger()
        self.assertEqual(self.rounds(self.other_instance), first)
        self.assertEqual(len(first.activity_ids), 1)
        round_ = self.rounds(self.production)
        self.assertEqual(len(round_), 1)
        self.assertEqual(round_.period, fields.Date.today().replace(day=1))
        self.assertEqual(round_.planned_date.day, 17)
        self.assertEqual(len(round_.activity_ids), 1)

    def set_key(self):
        reader, key = db_fixtures.technical_user(self.env, "patch_reader")
        self.production.with_user(self.support_manager).write({"api_key_input": key})

    def test_support_user_closes_the_round_with_versions_read_from_odoo(self):
        self.set_key()
        round_ = self.Round._plan_rounds(today=fields.Date.today()).filtered(
            lambda r: r.instance_id == self.production
        )
        as_user = round_.with_user(self.support_user)
        with self.allow_requests(all_requests=True):
            as_user.action_read_before()
        self.assertEqual(round_.version_before, release.version)
        base = self.env["ir.module.module"].search([("name", "=", "base")])
        before = round_.module_ids.filtered(lambda line: line.name == "base")
        self.assertEqual(before.version_before, base.latest_version)
        # The consultant patches: a module's installed version moves on.
        module = self.env["ir.module.module"].search(
            [("name", "=", "support_contract")]
        )
        old = module.latest_version
        module.latest_version = "19.0.1.0.9"
        module.flush_recordset()
        as_user.write(
            {
                "odoo_release": "19.0 nightly 2026-12-01",
                "downtime_minutes": 7,
                "security_fixes": "ODOO-SA-2026-11",
            }
        )
        with self.allow_requests(all_requests=True):
            as_user.action_close()
        self.assertEqual(round_.state, "done")
        self.assertEqual(round_.user_id, self.support_user)
        self.assertEqual(round_.date_done, fields.Date.today())
        self.assertEqual(round_.version_after, release.version)
        self.assertTrue(round_.modules_read)
        changed = round_.updated_module_ids
        self.assertEqual(changed.mapped("name"), ["support_contract"])
        self.assertEqual(
            (changed.version_before, changed.version_after, changed.change),
            (old, "19.0.1.0.9", "updated"),
        )
        self.assertFalse(round_.activity_ids, "the planned activity is done")
        self.assertEqual(self.production.patch_release, release.version)
        self.assertEqual(self.production.odoo_version, release.serie, "read, not typed")
        self.assertEqual(self.production.patch_last_done, fields.Date.today())
        self.assertFalse(self.production.patch_late)
        with self.assertRaises(UserError):
            as_user.action_close()

    def test_only_support_users_close_a_round(self):
        round_ = self.Round._plan_rounds(today=fields.Date.today())[:1]
        with self.assertRaises(AccessError):
            round_.with_user(self.accountant).action_close()
        self.assertEqual(round_.state, "planned")

    def test_a_round_without_credentials_reads_the_version_only(self):
        round_ = self.Round._plan_rounds(today=fields.Date.today()).filtered(
            lambda r: r.instance_id == self.production
        )
        with self.allow_requests(all_requests=True):
            round_.with_user(self.support_user).action_close()
        self.assertEqual(round_.version_after, release.version)
        self.assertFalse(round_.modules_read)
        self.assertFalse(round_.module_ids)

    def test_loopback_refused_unless_the_policy_allows_it(self):
        self.env["ir.config_parameter"].set_param(PARAM_ALLOWED_NETWORKS, "")
        round_ = self.Round._plan_rounds(today=fields.Date.today()).filtered(
            lambda r: r.instance_id == self.production
        )
        with self.assertRaisesRegex(UserError, "internal address"):
            round_.with_user(self.support_user).action_close()
        self.assertEqual(round_.state, "planned")

    def test_flagged_when_late_or_behind_and_managers_told_once(self):
        today = date(2026, 11, 25)
        self.done_round(self.production, date(2026, 9, 1))
        instances = self.production | self.other_instance
        instances._update_patch_flags(today=today)
        self.assertTrue(self.production.patch_late)
        self.assertFalse(self.production.patch_behind, "no target yet")
        self.assertTrue(self.agreement.support_patch_attention)
        late = self.production.activity_ids.filtered(
            lambda a: a.summary == "Patch round late"
        )
        self.assertIn(self.support_manager, late.user_id)
        self.assertNotIn(self.support_user, late.user_id)
        instances._update_patch_flags(today=today)
        self.assertEqual(
            self.production.activity_ids.filtered(
                lambda a: a.summary == "Patch round late"
            ),
            late,
            "told once",
        )
        # The staff filters find it.
        Instance = self.env["support.instance"].with_user(self.support_user)
        self.assertIn(
            self.production,
            Instance.search(
                ["|", ("patch_late", "=", True), ("patch_behind", "=", True)]
            ),
        )
        self.assertIn(
            self.agreement,
            self.env["sale.subscription"]
            .with_user(self.support_user)
            .search([("support_patch_attention", "=", True)]),
        )
        # A Support Manager sets the target of the series; a user may not.
        with self.assertRaises(AccessError):
            self.env["support.patch.target"].with_user(self.support_user).create(
                {"series": "18.0", "minimum_release": "18.0-20261101"}
            )
        self.production.patch_release = "18.0-20261001"
        self.env["support.patch.target"].with_user(self.support_manager).create(
            {"series": "18.0", "minimum_release": "18.0-20261101"}
        )
        self.assertTrue(self.production.patch_behind)
        self.assertEqual(self.production.patch_target_release, "18.0-20261101")
        self.assertTrue(
            self.production.activity_ids.filtered(
                lambda a: (
                    a.summary == "Behind the target release"
                    and a.user_id == self.support_manager
                )
            )
        )
        # A round a fortnight ago, on the target release: back on track.
        self.done_round(
            self.production,
            date(2026, 11, 1),
            date_done=date(2026, 11, 10),
            version_after="18.0-20261105",
        )
        self.production.patch_release = "18.0-20261105"
        self.production._update_patch_flags(today=today)
        self.assertFalse(self.production.patch_late)
        self.assertFalse(self.production.patch_behind)
        self.assertFalse(self.agreement.support_patch_attention)
        self.assertFalse(
            self.production.activity_ids.filtered(
                lambda a: a.summary in ("Patch round late", "Behind the target release")
            )
        )

    def test_a_target_must_name_its_series(self):
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.env["support.patch.target"].with_user(self.support_manager).create(
                {"series": "18.0", "minimum_release": "17.0-20261101"}
            )

    def test_portal_lists_the_rounds_in_swedish_to_that_customer_only(self):
        self.done_round(self.production, date(2026, 10, 1))
        self.Round.create(
            {
                "instance_id": self.production.id,
                "agreement_id": self.agreement.id,
                "period": date(2026, 11, 1),
                "planned_date": date(2026, 11, 17),
            }
        )
        user = self.portal_user("patch_portal", self.contact)
        user.lang = "sv_SE"
        self.authenticate("patch_portal", "patch_portal")
        agreement_page = self.url_open(f"/my/agreements/{self.agreement.id}").text
        self.assertIn(f'href="/my/instances/{self.production.id}"', agreement_page)
        response = self.url_open(f"/my/instances/{self.production.id}")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn("Patchrundor", page)
        self.assertIn("Utgåva", page)
        self.assertIn("oktober 2026", page)
        self.assertNotIn("november 2026", page, "a planned round is not shown")
        self.assertIn("18.0-20261001", page)
        self.assertIn("account", page)
        self.assertIn("12 min", page)
        self.assertIn("ODOO-SA-2026-10-01", page)
        # Another customer sees neither the page nor the rounds.
        other_contact = self.env["res.partner"].create(
            {"name": "Tove Två", "parent_id": self.other_customer.id}
        )
        self.portal_user("patch_portal_other", other_contact)
        self.authenticate("patch_portal_other", "patch_portal_other")
        response = self.url_open(f"/my/instances/{self.production.id}")
        self.assertNotIn("Kund Ett production", response.text)
        self.assertNotIn("18.0-20261001", response.text)

    def test_maintenance_report_in_swedish_names_the_seller(self):
        round_ = self.done_round(self.production, date(2026, 10, 1))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "support_contract.action_report_patch_round", round_.ids
            )[0]
            .decode()
        )
        self.assertIn("Månatlig underhållsrapport", html)
        self.assertIn("oktober 2026", html)
        self.assertIn("Driftstopp", html)
        self.assertIn(self.company.name, html)
        self.assertIn("18.0.1.3", html)
        self.assertNotIn("Monthly maintenance report", html)
        template = self.env.ref("support_contract.mail_template_patch_round")
        subject = template._render_field("subject", round_.ids, compute_lang=True)[
            round_.id
        ]
        self.assertIn("underhållsrapport", subject)
        self.assertIn("oktober 2026", subject)
        body = template._render_field("body_html", round_.ids, compute_lang=True)[
            round_.id
        ]
        self.assertIn("Månadens underhåll", str(body))
        # Sent by the consultant from the round, with the PDF.
        action = round_.with_user(self.support_user).action_send_report()
        self.assertEqual(action["context"]["default_template_id"], template.id)

    def test_maintenance_report_pdf_opens_and_ends_with_the_seller(self):
        self.company.write({"company_registry": "556677-8899", "street": "Sveavägen 1"})
        round_ = self.done_round(self.production, date(2026, 10, 1))
        pdf = (
            self.env["ir.actions.report"]
            .with_user(self.support_user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("support_contract.action_report_patch_round", round_.ids)[
                0
            ]
        )
        lines = [line for line in pdf_text(pdf).splitlines() if line.strip()]
        # The heading first, as on the quotation and the invoice.
        self.assertIn(self.company.name, lines[0])
        text = " ".join(" ".join(lines).split())
        self.assertIn("Månatlig underhållsrapport", text)
        # The seller's details block after the report.
        self.assertIn("Org.nr 556677-8899", text)
        self.assertIn("Sveavägen 1", text)
        self.assertLess(
            text.index("Månatlig underhållsrapport"), text.index("Org.nr 556677-8899")
        )


class HostileHandler(http.server.BaseHTTPRequestHandler):
    """Answers /web/webclient/version_info as a hostile instance would."""

    mode = "huge"

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        mode = type(self).mode
        if mode == "huge":
            body = b'{"result": {"server_version": "' + b"9" * (2 * 2**20) + b'"}}'
        elif mode == "markup":
            body = json.dumps(
                {
                    "result": {
                        "server_version": "<script>alert(1)</script>",
                        "server_version_info": [19, 0, 0, "final", 0, ""],
                    }
                }
            ).encode()
        elif mode == "nested":
            body = json.dumps(
                {"result": {"server_version": "19.0", "server_version_info": [[1] * 9]}}
            ).encode()
        elif mode == "slow":
            time.sleep(3)
            body = b"{}"
        else:
            body = b"not json at all"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass


@tagged("post_install", "-at_install")
class TestHostileVersionAnswer(PatchRoundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
        cls.server.daemon_threads = True
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.env["ir.config_parameter"].set_param(PARAM_ALLOWED_NETWORKS, "127.0.0.1")
        cls.env["ir.config_parameter"].set_param(
            "support_contract.db_count_timeout", "1"
        )
        cls.production.url = f"http://127.0.0.1:{cls.server.server_address[1]}"

    def close_as_support_user(self, mode):
        HostileHandler.mode = mode
        round_ = self.Round._plan_rounds(today=fields.Date.today()).filtered(
            lambda r: r.instance_id == self.production
        ) or self.rounds(self.production)
        with self.assertRaises(UserError) as caught:
            round_.with_user(self.support_user).action_close()
        self.assertEqual(round_.state, "planned", "nothing recorded")
        self.assertFalse(round_.version_after)
        self.assertFalse(self.production.patch_release)
        return str(caught.exception)

    def test_huge_answer_is_cut_at_the_bound(self):
        message = self.close_as_support_user("huge")
        self.assertIn("larger than allowed", message)
        with self.assertRaises(db_http.ApiError) as caught:
            patch_round.read_version(self.production.url, allowed="127.0.0.1")
        self.assertEqual(caught.exception.kind, "too-large")

    def test_markup_and_nonsense_are_refused(self):
        for mode in ("markup", "nested", "garbage"):
            with self.subTest(mode=mode):
                message = self.close_as_support_user(mode)
                self.assertIn("did not answer as an Odoo server does", message)
                self.assertNotIn("<script>", message)

    def test_slow_answer_times_out(self):
        message = self.close_as_support_user("slow")
        self.assertIn("did not answer in time", message)


@tagged("post_install", "-at_install")
class TestPatchRoundDemo(HttpCase):
    """The demo: a year of rounds, one month skipped and flagged."""

    def test_demo_year_of_rounds_with_one_skipped_month_flagged(self):
        nordkust = self.env.ref(
            "support_contract.instance_nordkust_prod_demo", raise_if_not_found=False
        )
        if not nordkust:
            self.skipTest("the demo data is not installed")
        solberga = self.env.ref("support_contract.instance_solberga_prod_demo")
        done = nordkust.patch_round_ids.filtered(lambda r: r.state == "done")
        self.assertEqual(len(done), 12)
        self.assertFalse(nordkust.patch_late)
        self.assertFalse(nordkust.patch_behind)
        skipped = solberga.patch_round_ids.filtered(
            lambda r: (
                r.state == "planned" and r.period < fields.Date.today().replace(day=1)
            )
        )
        self.assertEqual(len(skipped), 1, "last month's round was skipped")
        self.assertTrue(solberga.patch_late)
        self.assertTrue(solberga.patch_behind)
        self.assertTrue(solberga.agreement_id.support_patch_attention)
        manager = self.env.ref(
            "support_contract.user_manager_demo", raise_if_not_found=False
        )
        if manager:
            self.assertIn(manager, solberga.activity_ids.user_id)
        # This month's rounds are planned, the test instances left out.
        this_month = fields.Date.today().replace(day=1)
        self.assertTrue(
            nordkust.patch_round_ids.filtered(lambda r: r.period == this_month)
        )
        test_instance = self.env.ref("support_contract.instance_nordkust_test_demo")
        self.assertFalse(test_instance.patch_round_ids)
        # Anna sees Nordkust's rounds in Swedish.
        self.authenticate("anna@nordkust.example", "portal")
        page = self.url_open(f"/my/instances/{nordkust.id}").text
        self.assertIn("Patchrundor", page)
        self.assertEqual(page.count("o_support_patch_round_month"), 12)
