"""Issue 22: a hostile instance, repository or URL cannot exhaust or enter
the partner's server. Each test reproduces the attack (a hostile JSON-2
server on the loopback, a crafted repository with real git, a crafted URL)
and shows the refusal, its bound and that nothing is lost or left behind."""

import base64
import ipaddress
import os
import shlex
import shutil
import tempfile
import threading
import time
import tracemalloc
from datetime import date
from unittest import TestCase

import psycopg2

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import db_api, db_http, git_cache, git_repo, git_url
from . import hostile_server
from .common import CodeLineAgreementCommon
from .git_fixtures import GitFixture
from .quote_common import SupportQuoteCommon, addon

HOSTILE_HOST = "h;cat>pwned;#"


class TestHostileUrls(TestCase):
    def test_a_host_with_shell_characters_is_refused_everywhere(self):
        for url in (
            f"ssh://git@{HOSTILE_HOST}/repo.git",
            "ssh://git@h$(touch${IFS}pwned)/repo.git",
            "https://h`id`.example/repo.git",
            "https://a..b/repo.git",
            "ssh://git@host:22;id/repo.git",
        ):
            with self.assertRaises(git_url.GitError, msg=url) as caught:
                git_url.check_url(url)
            self.assertEqual(caught.exception.kind, "url")
            with self.assertRaises(git_url.GitError):
                git_repo.GitRepository("/nonexistent", url)
        with self.assertRaises(db_http.ApiError):
            db_http.parse_url("https://h;id.example")
        # Names, IPv4 and IPv6 literals and ports stay accepted.
        for url in (
            "https://git.example.com/owner/repo.git",
            "ssh://git@git-1.example.com:2222/owner/repo.git",
            "ssh://git@[2001:db8::1]/repo.git",
            "git@192.0.2.1:owner/repo.git",
        ):
            self.assertEqual(git_url.check_url(url), url)

    def test_every_element_of_git_ssh_command_is_quoted(self):
        """git runs GIT_SSH_COMMAND through sh -c: each element must come
        back whole, whatever it holds (here the work folder's name and a
        pinned alias with shell characters, as if they had passed)."""
        workdir = tempfile.mkdtemp(prefix="support git ;$(id) ")
        self.addCleanup(shutil.rmtree, workdir, True)
        repo = git_repo.GitRepository(
            "/nonexistent",
            "ssh://git@git.example.com/repo.git",
            credentials=git_repo.Credentials(ssh_key="KEY"),
        )
        repo._pinned_address = ("ssh", HOSTILE_HOST, 22, "203.0.113.5")
        env = repo._environment(workdir, network=True)
        parts = shlex.split(env["GIT_SSH_COMMAND"])
        self.assertIn(f"HostKeyAlias={HOSTILE_HOST}", parts)
        self.assertIn(f"UserKnownHostsFile={workdir}/known_hosts", parts)
        self.assertIn(f"{workdir}/id_key", parts)
        self.assertEqual(parts[0], "ssh")
        # Run by a real shell: nothing but ssh's own arguments, no command.
        marker = os.path.join(workdir, "pwned")
        repo._pinned_address = ("ssh", f"x;touch {marker};#", 22, "203.0.113.5")
        env = repo._environment(workdir, network=True)
        os.system(  # noqa: S605 the shell git itself would use
            "sh -c " + shlex.quote("true " + env["GIT_SSH_COMMAND"].split(" ", 1)[1])
        )
        self.assertFalse(os.path.exists(marker))

    def test_ipv4_embedded_in_ipv6_is_checked_by_the_ipv4_rule(self):
        def resolver(address):
            def resolve(host, port, *args):
                return [(10, 1, 6, "", (address, port, 0, 0))]

            return resolve

        for address in (
            "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
            "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (metadata)
            "64:ff9b:1::a00:1",  # local-use NAT64 of 10.0.0.1
            "2002:7f00:1::",  # 6to4 of 127.0.0.1
            "2002:a9fe:a9fe::1",  # 6to4 of the metadata address
            "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
            "::ffff:10.0.0.1",  # IPv4-mapped
            "::10.0.0.1",  # IPv4-compatible
        ):
            self.assertTrue(ipaddress.ip_address(address).version == 6)
            with self.assertRaises(git_url.GitError, msg=address) as caught:
                git_url.check_network(
                    "https://git.example.com/r.git", "", resolve=resolver(address)
                )
            self.assertEqual(caught.exception.kind, "network")
            with self.assertRaises(db_http.ApiError, msg=address):
                db_http.check_address(f"https://[{address}]:8069")
        # A public IPv4 behind NAT64 stays reachable.
        result = git_url.check_network(
            "https://git.example.com/r.git", "", resolve=resolver("64:ff9b::808:808")
        )
        self.assertEqual(result[3], "64:ff9b::808:808")


def incompressible_repository(size):
    fixture = GitFixture(
        {
            "big_addon/__manifest__.py": "{'name': 'big'}",
            "big_addon/models.py": "A = 1\n",
        }
    )
    fixture.commit({"big_addon/static/blob.bin": os.urandom(size)})
    return fixture


class TestGitCacheBound(TestCase):
    def setUp(self):
        self.cache_dir = tempfile.mkdtemp(prefix="support-cache-")
        self.addCleanup(shutil.rmtree, self.cache_dir, True)
        self.fixture = incompressible_repository(16 * 2**20)
        self.addCleanup(self.fixture.cleanup)

    def test_a_fetch_past_the_cache_bound_is_stopped_and_removed(self):
        limit = 2 * 2**20
        path = os.path.join(self.cache_dir, "repository-1.git")
        repo = git_repo.GitRepository(
            path, self.fixture.url, allow_local=True, max_cache_bytes=limit
        )
        peak, stop = [0], threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], git_cache.tree_size(self.cache_dir))
                time.sleep(0.005)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        with self.assertRaises(git_url.GitError) as caught:
            repo.fetch()
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join()
        self.assertEqual(caught.exception.kind, "too-large-fetch")
        # Bound: the kernel refuses any file past the limit (RLIMIT_FSIZE),
        # the watcher stops git; what it wrote is removed.
        self.assertLessEqual(peak[0], limit + 256 * 2**10, "bytes on disk")
        self.assertLess(elapsed, 30)
        self.assertEqual(os.listdir(self.cache_dir), [], "nothing left behind")
        # Within the bound the same repository is fetched.
        repo = git_repo.GitRepository(
            path, self.fixture.url, allow_local=True, max_cache_bytes=64 * 2**20
        )
        self.assertTrue(repo.fetch())

    def test_a_cache_removal_killed_halfway_leaves_no_half_cache(self):
        path = os.path.join(self.cache_dir, "repository-2.git")
        git_repo.GitRepository(path, self.fixture.url, allow_local=True).fetch()
        git_cache.remove_cache(path)
        git_cache.remove_cache(path)  # twice: nothing to do
        self.assertEqual(os.listdir(self.cache_dir), [])


class HostileInstanceMixin:
    def hostile_instance(self, answer=None, raw=None):
        server = hostile_server.HostileInstance(answer=answer, raw=raw)
        self.addCleanup(server.close)
        self.env["ir.config_parameter"].set_param(
            "support_contract.allowed_networks", "127.0.0.1"
        )
        instance = self.env["support.instance"].create(
            {
                "name": "Hostile production",
                "partner_id": self.customer.id,
                "agreement_id": self.agreement.id,
                "environment": "production",
                "odoo_version": "19.0",
                "url": server.url,
                "database_name": "prod",
                "count_database": True,
            }
        )
        instance.with_user(self.support_manager).write({"api_key_input": "k" * 40})
        return server, instance

    def count_database(self, instance):
        started = time.monotonic()
        instance.with_user(self.support_user).action_count_database()
        instance.invalidate_recordset()
        return time.monotonic() - started


@tagged("post_install", "-at_install")
class TestHostileInstance(HostileInstanceMixin, CodeLineAgreementCommon):
    def line_quantity(self):
        return self.agreement._support_code_line_line().product_uom_qty

    def test_a_quadratic_view_is_parsed_in_a_bounded_worker(self):
        """240 KB of ``<!--`` keeps Odoo's cloc regexes busy for minutes: it
        is parsed in a worker killed at the per-item bound, listed as not
        counted, and the rest of the count goes on."""
        self.env["ir.config_parameter"].set_param(
            "support_contract.count_item_seconds", "2"
        )
        good = "<t t-name='ok'>\n<div>\n<span/>\n</div>\n</t>\n"
        _server, instance = self.hostile_instance(
            hostile_server.imported_module_answers(
                views=[(7, "bomb", "<!--" * 60000), (8, "fine", good)]
            )
        )
        elapsed = self.count_database(instance)
        self.assertEqual(instance.count_state, "ok", instance.last_error)
        snapshot = instance.snapshot_ids
        module = hostile_server.MODULE
        self.assertEqual(
            snapshot.issue_ids.filtered(
                lambda i: i.path == f"/{module}/views/bomb.xml"
            ).reason,
            "Counting took too long",
        )
        self.assertEqual(
            snapshot.item_ids.mapped("name"), [f"/{module}/views/fine.xml"]
        )
        self.assertGreater(snapshot.billable_code_lines, 0)
        # Bound: 2 s per item (+ starting the workers), not minutes.
        self.assertLess(elapsed, 40)

    def test_lying_file_sizes_are_measured_on_what_arrived_and_streamed(self):
        """30 assets each claiming 10 bytes and sending 1 MB: each is parsed
        as it arrives and dropped; the read never holds them all."""
        chunk = ("var a = 1;\n" * 95000)[: 2**20].encode()
        data = base64.b64encode(chunk).decode()
        attachments = [
            (100 + i, f"/{hostile_server.MODULE}/static/src/f{i}.js", 10, data)
            for i in range(30)
        ]
        _server, instance = self.hostile_instance(
            hostile_server.imported_module_answers(attachments=attachments)
        )
        tracemalloc.start()
        try:
            self.count_database(instance)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertEqual(instance.count_state, "ok", instance.last_error)
        self.assertEqual(len(instance.snapshot_ids.item_ids), 30)
        self.assertEqual(instance.last_code_lines, 30 * chunk.count(b"\n"))
        # 30 MB arrived; the process held a few slices, not all of it.
        self.assertLess(peak, 20 * 2**20, f"peak {peak}")

    def test_total_byte_budget_stops_the_count_and_keeps_the_price(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.db_count_max_total_bytes", str(4 * 2**20)
        )
        data = base64.b64encode(b"var a = 1;\n" * 100000).decode()
        attachments = [
            (100 + i, f"/{hostile_server.MODULE}/static/src/f{i}.js", 10, data)
            for i in range(30)
        ]
        server, instance = self.hostile_instance(
            hostile_server.imported_module_answers(attachments=attachments)
        )
        quantity = self.line_quantity()
        self.count_database(instance)
        self.assertEqual(instance.count_state, "error")
        self.assertIn("db_count_max_total_bytes", instance.last_error)
        self.assertFalse(instance.snapshot_ids)
        self.assertEqual(self.line_quantity(), quantity)
        reads = [r for r in server.requests if r == ("ir.attachment", "read")]
        self.assertLess(len(reads), 5, "stopped at the budget, not at the end")

    def test_unexpected_answers_are_a_protocol_error_on_the_instance(self):
        answers = {
            "not JSON": lambda m, f, p: b"<html>not json",
            "deeply nested": lambda m, f, p: b"[" * 200000 + b"]" * 200000,
            "wrong types": lambda m, f, p: (
                b'{"imported": 1}'
                if f == "fields_get"
                else b'[{"id": "1", "name": ["x"], "code": {"a": 1}}]'
            ),
            "not a list": lambda m, f, p: (
                b"{}" if f == "fields_get" else b'{"records": []}'
            ),
            "object as code": lambda m, f, p: (
                b"{}"
                if f == "fields_get"
                else b'[{"id": 1, "name": "x", "code": [[[["x"]]]]}]'
            ),
        }
        quantity = self.line_quantity()
        for label, raw in answers.items():
            _server, instance = self.hostile_instance(raw=raw)
            self.count_database(instance)
            self.assertEqual(instance.count_state, "error", label)
            self.assertIn(
                "not what Odoo's external API sends", instance.last_error, label
            )
            self.assertNotIn("Traceback", instance.last_error)
            self.assertTrue(instance.activity_ids, label)
            self.assertFalse(instance.snapshot_ids, label)
            self.assertEqual(self.line_quantity(), quantity, label)
            # The same bounded call is what other readers of an instance use.
            with self.assertRaises(db_http.ApiError) as caught:
                client = instance._api_client()
                db_http.check_records(
                    "ir.module.module",
                    db_api.call(client, "ir.actions.server", "search_read"),
                    ["name", "code"],
                )
            self.assertEqual(caught.exception.kind, "protocol", label)

    def test_a_repository_needs_an_agreement_or_a_quotation(self):
        fixture = GitFixture(addon("kund", 3))
        self.addCleanup(fixture.cleanup)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(Exception) as caught,
            self.env.cr.savepoint(),
        ):
            self.env["support.repository"].create({"url": fixture.url})
        self.assertIsInstance(
            caught.exception, (psycopg2.errors.CheckViolation, ValidationError)
        )
        repo = self.env["support.repository"].create(
            {"url": fixture.url, "agreement_id": self.agreement.id}
        )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(Exception) as caught,
            self.env.cr.savepoint(),
        ):
            repo.write({"agreement_id": False})
            repo.flush_recordset()
        self.assertIsInstance(
            caught.exception, (psycopg2.errors.CheckViolation, ValidationError)
        )
        # Nor in SQL, past the ORM: the database refuses it.
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.CheckViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE support_repository SET agreement_id = NULL WHERE id = %s",
                [repo.id],
            )


@tagged("post_install", "-at_install")
class TestRepositoryCache(CodeLineAgreementCommon):
    def test_a_fetch_past_the_bound_puts_the_repository_in_error(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.git_max_cache_bytes", str(2 * 2**20)
        )
        fixture = incompressible_repository(8 * 2**20)
        self.addCleanup(fixture.cleanup)
        repo = self.env["support.repository"].create(
            {"agreement_id": self.agreement.id, "url": fixture.url}
        )
        repo.with_user(self.support_user).action_count_lines()
        self.assertEqual(repo.state, "error")
        self.assertIn("support_contract.git_max_cache_bytes", repo.last_error)
        self.assertFalse(os.path.exists(repo._cache_path()))
        self.assertFalse(repo.snapshot_ids)

    def test_the_cache_goes_with_its_repository(self):
        fixture = GitFixture(addon("kund", 3))
        self.addCleanup(fixture.cleanup)
        repo = self.env["support.repository"].create(
            {"agreement_id": self.agreement.id, "url": fixture.url}
        )
        repo.with_user(self.support_user).action_count_lines()
        path = repo._cache_path()
        self.assertTrue(os.path.isdir(path))
        repo.with_user(self.support_manager).unlink()
        self.assertFalse(os.path.exists(path))

    def test_the_cron_prunes_stale_caches_and_is_safe_twice(self):
        Repository = self.env["support.repository"]
        folder = Repository._cache_folder()
        os.makedirs(folder, exist_ok=True)
        fixture = GitFixture(addon("kund", 3))
        self.addCleanup(fixture.cleanup)
        live = Repository.create(
            {"agreement_id": self.agreement.id, "url": fixture.url}
        )
        live.action_count_lines()
        old = Repository.create(
            {"agreement_id": self.agreement.id, "url": fixture.url, "branch": "main"}
        )
        old.action_count_lines()
        long_ago = time.time() - 100 * 86400
        os.utime(old._cache_path(), (long_ago, long_ago))
        orphan = os.path.join(folder, "repository-999999999.git")
        half = os.path.join(folder, "repository-999999998.git.removed-1-2")
        mine = os.path.join(folder, "not-a-cache")
        for path in (orphan, half, mine):
            os.makedirs(os.path.join(path, "objects"), exist_ok=True)
        self.addCleanup(shutil.rmtree, mine, True)
        cron = self.env.ref("support_contract.ir_cron_prune_repository_caches")
        self.assertEqual(cron.code.strip(), "model._cron_prune_caches()")
        # (also what earlier tests' rolled-back repositories left behind)
        self.assertGreaterEqual(Repository._cron_prune_caches(), 3)
        self.assertEqual(Repository._cron_prune_caches(), 0, "safe twice")
        self.assertTrue(os.path.isdir(live._cache_path()), "in use: kept")
        for path in (old._cache_path(), orphan, half):
            self.assertFalse(os.path.exists(path), path)
        self.assertTrue(os.path.isdir(mine), "not ours: left alone")


@tagged("post_install", "-at_install")
class TestQuoteCache(SupportQuoteCommon):
    def test_a_failed_quote_leaves_no_cache(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.count_max_bytes", "100"
        )
        folder = self.env["support.repository"]._cache_folder()
        before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.quote()
        after = set(os.listdir(folder)) if os.path.isdir(folder) else set()
        self.assertEqual(after, before, "the fetched cache was removed")
        self.assertFalse(
            self.env["support.repository"]
            .with_context(active_test=False)
            .search([("partner_id", "=", self.prospect.id)])
        )


@tagged("post_install", "-at_install")
class TestCountEntryPoints(HostileInstanceMixin, SupportQuoteCommon, HttpCase):
    """Every count entry point refuses a caller without the right before any
    network or disk work."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement = cls.start_agreement(
            cls.template_msa, cls.customer, date(2026, 1, 1), product=cls.code_product
        )
        cls.agent = new_test_user(
            cls.env,
            login="agent_entry",
            password="agent_entry",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )
        cls.portal = cls.portal_user("portal_entry", cls.contact)

    def test_no_right_no_request_no_disk(self):
        server, instance = self.hostile_instance(
            hostile_server.imported_module_answers()
        )
        repo = self.env["support.repository"].create(
            {"agreement_id": self.agreement.id, "url": self.fixture.url}
        )
        order = self.quote()
        quoted = order.support_quote_repository_id
        git_cache.remove_cache(quoted._cache_path())
        for user in (self.portal, self.accountant, self.agent):
            with self.assertRaises(AccessError, msg=user.login):
                instance.with_user(user).action_count_database()
            with self.assertRaises(AccessError, msg=user.login):
                repo.with_user(user).action_count_lines()
            with self.assertRaises(AccessError, msg=user.login):
                order.with_user(user).action_support_quote_recount()
            with self.assertRaises(AccessError, msg=user.login):
                self.quote(user=user, url=self.fixture.url)
        self.assertEqual(server.requests, [], "the instance was never called")
        self.assertFalse(os.path.exists(repo._cache_path()), "git never ran")
        self.assertFalse(os.path.exists(quoted._cache_path()), "git never ran")

    def test_portal_user_through_call_kw_gets_an_access_error(self):
        server, instance = self.hostile_instance(
            hostile_server.imported_module_answers()
        )
        instance.partner_id = self.customer
        self.authenticate("portal_entry", "portal_entry")
        with self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/support.instance/action_count_database",
                {
                    "model": "support.instance",
                    "method": "action_count_database",
                    "args": [instance.ids],
                    "kwargs": {},
                },
            )
        self.assertIn("AccessError", str(caught.exception))
        self.assertEqual(server.requests, [])


def excluding_addon(lines=200):
    body = "".join(f"V{i} = {i}\n" for i in range(lines))
    return {
        "kund/__manifest__.py": "{'name': 'kund', 'cloc_exclude': ['**/*'], "
        "'demo': ['demo/demo.xml']}",
        "kund/models.py": body,
        "kund/demo/demo.xml": "<odoo>\n<record id='a' model='res.partner'/>\n</odoo>\n",
    }


@tagged("post_install", "-at_install")
class TestDeclaredExclusions(CodeLineAgreementCommon, HttpCase):
    """``cloc_exclude: ['**/*']`` made an addon of any size count 0, silently:
    now its lines are counted aside, shown, and wait for a Support Manager."""

    def test_exclusions_are_counted_aside_shown_and_confirmed(self):
        repo = self.new_repository(excluding_addon(200))
        quantity = self.agreement._support_code_line_line().product_uom_qty
        repo.with_user(self.support_user).action_count_lines()
        self.assertEqual(repo.state, "to_confirm")
        snapshot = repo.snapshot_ids
        line = snapshot.line_ids
        self.assertEqual((line.code_lines, line.declared_files), (0, 2))
        self.assertEqual(line.declared_code_lines, 200 + 3)
        self.assertIn("kund: 2 files, 203 code lines", repo.activity_ids.note)
        self.assertEqual(
            self.agreement._support_code_line_line().product_uom_qty, quantity
        )
        with self.assertRaises(UserError):
            repo.with_user(self.support_user).action_confirm_count()
        repo.with_user(self.support_manager).action_confirm_count()
        self.assertEqual(repo.state, "ok")
        # The same exclusions again: applied at once.
        repo.with_user(self.support_user).action_count_lines()
        self.assertEqual(repo.state, "ok")
        # Other exclusions (the manifest keeps only its demo file): held again.
        self.fixture.commit(
            {"kund/__manifest__.py": "{'name': 'kund', 'demo': ['demo/demo.xml']}"}
        )
        repo.with_user(self.support_user).action_count_lines()
        self.assertEqual(repo.state, "to_confirm")
        self.assertEqual(repo._support_latest_snapshot().line_ids.declared_files, 1)
        repo.with_user(self.support_manager).action_confirm_count()
        self.assertEqual(repo.last_code_lines, 200)
        # The customer sees them on the portal, per addon.
        self.portal_user("excl_portal", self.contact)
        self.authenticate("excl_portal", "excl_portal")
        page = self.url_open(f"/my/agreements/{self.agreement.id}").text
        self.assertIn("Excluded by your own declarations", page)
        self.assertRegex(page, r'o_support_declared">\s*1 / 3\s*<')


@tagged("post_install", "-at_install")
class TestDeclaredExclusionsOnQuote(SupportQuoteCommon):
    def test_the_quote_shows_the_exclusions_per_addon(self):
        fixture = GitFixture(excluding_addon(50))
        self.addCleanup(fixture.cleanup)
        order = self.quote(url=fixture.url)
        self.assertEqual(order.support_quote_snapshot_id.declared_files, 2)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.support_user)
            ._render_qweb_html("sale.action_report_saleorder", order.ids)[0]
            .decode()
        )
        self.assertIn("Excluded by your own declarations", html)
        self.assertRegex(html, r'o_support_declared">\s*2 / 53\s*<')
