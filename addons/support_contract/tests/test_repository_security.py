"""Repositories against a hostile user or customer, as the roles do it."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import date

from odoo import tools
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..tools import demo_git
from .common import SupportContractCommon
from .git_fixtures import GitFixture

TOKEN = "ghp_theverysecrettoken9876"


def addon(name, lines):
    body = "".join(f"V{i} = {i}\n" for i in range(lines))
    return {f"{name}/__manifest__.py": "{'name': 'x'}", f"{name}/models.py": body}


@tagged("post_install", "-at_install")
class TestRepositorySecurity(SupportContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement = cls.start_agreement(
            cls.template_msa, cls.customer, date(2026, 1, 1)
        )
        cls.admin = cls.env.ref("base.user_admin")
        cls.repo = cls.env["support.repository"].create(
            {
                "agreement_id": cls.agreement.id,
                "url": "https://git.example.com/kund/addons.git",
            }
        )

    def set_token(self):
        self.repo.with_user(self.support_manager).write({"auth_token_input": TOKEN})

    def local_fixture(self, files):
        fixture = GitFixture(files)
        self.addCleanup(fixture.cleanup)
        return fixture

    # -- credentials ---------------------------------------------------------

    def test_nobody_reads_a_token_through_the_orm_or_the_api(self):
        self.set_token()
        self.assertEqual(self.repo._credential().auth_token, TOKEN)
        for user in (self.support_manager, self.admin, self.support_user):
            repo = self.repo.with_user(user)
            with self.subTest(user=user.login):
                for fields in (["auth_token"], ["ssh_private_key"]):
                    with self.assertRaises(ValueError):
                        repo.read(fields)
                    with self.assertRaises(ValueError):
                        repo.search_read([("id", "=", repo.id)], fields)
                data = repo.search_read([("id", "=", repo.id)])
                self.assertNotIn(TOKEN, str(data))
                self.assertNotIn(TOKEN, str(repo.read()))
                if user == self.support_user:
                    self.assertNotIn(TOKEN[-4:], str(repo.read()))
                Credential = self.env["support.repository.credential"].with_user(user)
                with self.assertRaises(AccessError):
                    Credential.search_read([], ["auth_token"])
                with self.assertRaises(AccessError):
                    Credential.create({"repository_id": repo.id, "auth_token": "x"})

    def test_form_shows_the_host_key_to_all_and_credentials_to_managers(self):
        for user, sees_credentials in (
            (self.support_user, False),
            (self.support_manager, True),
        ):
            with self.subTest(user=user.login):
                views = (
                    self.env["support.repository"]
                    .with_user(user)
                    .get_views([(False, "form")])
                )
                arch = views["views"]["form"]["arch"]
                self.assertIn('name="ssh_host_key"', arch)
                self.assertEqual('name="credential_summary"' in arch, sees_credentials)
                self.assertEqual('name="auth_token_input"' in arch, sees_credentials)

    def test_summary_and_clearing_are_for_support_managers(self):
        self.set_token()
        as_user = self.repo.with_user(self.support_user)
        self.assertNotIn("credential_summary", as_user.fields_get())
        with self.assertRaises(AccessError):
            as_user.action_clear_credentials()
        with self.assertRaises(AccessError):
            as_user.write({"auth_token_input": "ghp_mine"})
        self.assertEqual(self.repo._credential().auth_token, TOKEN)
        as_manager = self.repo.with_user(self.support_manager)
        self.assertIn("…9876", as_manager.credential_summary)
        as_manager.action_clear_credentials()
        self.assertFalse(self.repo._credential())
        self.assertIn("None", as_manager.credential_summary)

    def test_token_stays_off_another_host(self):
        self.set_token()
        as_user = self.repo.with_user(self.support_user)
        # Another path, branch or folders on the same host keep the token.
        as_user.write({"url": "https://git.example.com/kund/other.git", "branch": "x"})
        self.assertEqual(self.repo._credential().auth_token, TOKEN)
        for url in (
            "https://attacker.example/kund/addons.git",
            "git@git.example.com:kund/addons.git",
        ):
            with self.subTest(url=url):
                self.set_token()
                as_user.write({"url": url})
                self.assertFalse(self.repo._credential(), "gone with the old host")
                note = self.repo.message_ids[:1].body
                self.assertIn("credentials", note)
                self.assertIn("Support Manager", note)
                with self.assertRaises(AccessError):
                    as_user.write({"auth_token_input": TOKEN})

    def test_support_user_edits_a_repository_but_not_its_host_key(self):
        as_user = self.repo.with_user(self.support_user)
        as_user.write({"branch": "main", "folders": "addons"})
        with self.assertRaises(AccessError):
            as_user.write({"ssh_host_key": "git.example.com ssh-ed25519 AAAA"})
        with self.assertRaises(AccessError):
            self.env["support.repository"].with_user(self.support_user).create(
                {
                    "agreement_id": self.agreement.id,
                    "url": "git@git.example.com:kund/other.git",
                    "ssh_host_key": "git.example.com ssh-ed25519 AAAAmine",
                }
            )
        self.repo.sudo().ssh_host_key = "git.example.com ssh-ed25519 AAAAold"
        with self.assertRaises(AccessError):
            as_user.action_clear_host_key()
        self.repo.with_user(self.support_manager).action_clear_host_key()
        self.assertFalse(self.repo.ssh_host_key)

    def test_update_moves_old_credentials_out_of_reach_and_turns_local_off(self):
        """A database of the previous version kept tokens in columns of the
        repository, readable by Support Managers, and its demo left local
        paths on: the module update fixes both."""
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE support_repository ADD COLUMN auth_token varchar, "
            "ADD COLUMN ssh_private_key text"
        )
        cr.execute(
            "UPDATE support_repository SET auth_token = %s WHERE id = %s",
            (TOKEN, self.repo.id),
        )
        self.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "True"
        )
        self.env["support.repository.credential"].init()
        self.assertEqual(self.repo._credential().auth_token, TOKEN)
        cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'support_repository' "
            "AND column_name IN ('auth_token', 'ssh_private_key')"
        )
        self.assertFalse(cr.fetchall())
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(
                "support_contract.allow_local_repositories"
            ),
            "False",
        )

    # -- agreements ---------------------------------------------------------

    def test_repository_only_on_a_maintenance_and_support_agreement(self):
        operations = self.start_agreement(
            self.template_ops, self.other_customer, date(2026, 1, 1)
        )
        with self.assertRaisesRegex(ValidationError, "not a Maintenance and Support"):
            self.env["support.repository"].with_user(self.support_user).create(
                {"agreement_id": operations.id, "url": "https://git.example.com/a.git"}
            )
        with self.assertRaisesRegex(ValidationError, "not a Maintenance and Support"):
            self.repo.agreement_id = operations

    # -- network policy -------------------------------------------------------

    def test_internal_addresses_are_refused_when_counting(self):
        for url in (
            "https://127.0.0.1/kund/addons.git",
            "https://169.254.169.254/latest/meta-data/x.git",
            "ssh://git@10.0.0.7/kund/addons.git",
            "git@localhost:kund/addons.git",
        ):
            with self.subTest(url=url):
                repo = self.repo.with_user(self.support_user)
                repo.url = url
                repo.action_count_lines()
                self.assertEqual(repo.state, "error")
                self.assertIn("internal address", repo.last_error)
                self.assertIn("support_contract.allowed_networks", repo.last_error)
                self.assertFalse(repo.snapshot_ids)

    def test_allowed_network_lets_the_fetch_go_and_shows_only_gits_error(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.allowed_networks", "127.0.0.0/8"
        )
        repo = self.repo.with_user(self.support_user)
        repo.url = "https://127.0.0.1:9/kund/addons.git"  # nothing listens there
        repo.action_count_lines()
        self.assertEqual(repo.state, "error")
        self.assertIn("cannot be reached", repo.last_error)
        detail = repo.last_error.splitlines()[1:]
        self.assertTrue(detail)
        self.assertTrue(all(line.startswith(("fatal:", "error:")) for line in detail))

    # -- local paths ------------------------------------------------------------

    def test_local_paths_only_for_the_demos_own_repositories(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "False"
        )
        fixture = self.local_fixture(addon("kund", 3))
        Repository = self.env["support.repository"].with_user(self.support_user)
        base = demo_git.demo_base(self.env.cr.dbname)
        os.makedirs(os.path.join(base, "kund"), exist_ok=True)
        own_cache = os.path.join(
            tools.config["data_dir"], "support_repositories", self.env.cr.dbname
        )
        for url in (
            fixture.url,
            own_cache,
            "file://" + fixture.url,
            os.path.join(base, "..", "..", "support_repositories"),
        ):
            with (
                self.subTest(url=url),
                self.assertRaisesRegex(ValidationError, "Local paths|not a git URL"),
            ):
                Repository.create({"agreement_id": self.agreement.id, "url": url})
        demo = Repository.create(
            {"agreement_id": self.agreement.id, "url": os.path.join(base, "kund")}
        )
        self.assertTrue(demo)

    def test_demo_leaves_local_paths_off(self):
        value = self.env["ir.config_parameter"].get_param(
            "support_contract.allow_local_repositories"
        )
        self.assertNotIn(str(value).lower(), ("1", "true", "yes"))

    # -- counting as a Support User ------------------------------------------

    def test_support_user_counts_now(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "True"
        )
        fixture = self.local_fixture(addon("kund_addon", 120))
        repo = self.repo.with_user(self.support_user)
        repo.url = fixture.url
        repo.action_count_lines()
        self.assertEqual(repo.state, "ok", repo.last_error)
        self.assertEqual(repo.last_code_lines, 120)
        self.assertEqual(len(repo.snapshot_ids), 1)

    def test_bounds_are_system_parameters(self):
        self.env["ir.config_parameter"].set_param(
            "support_contract.allow_local_repositories", "True"
        )
        self.env["ir.config_parameter"].set_param(
            "support_contract.count_max_tree_entries", "3"
        )
        fixture = self.local_fixture({**addon("one", 2), **addon("two", 2)})
        repo = self.repo.with_user(self.support_user)
        repo.url = fixture.url
        repo.action_count_lines()
        self.assertEqual(repo.state, "error")
        self.assertIn("more than 3 files and folders", repo.last_error)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def keygen(path):
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path],
        check=True,
        capture_output=True,
    )
    with open(path) as private, open(path + ".pub") as public:
        return private.read(), public.read()


@tagged("post_install", "-at_install")
class TestSshHostKeyPinning(SupportContractCommon):
    """A real OpenSSH server on 127.0.0.1 serves a fixture repository."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement = cls.start_agreement(
            cls.template_msa, cls.customer, date(2026, 1, 1)
        )

    def setUp(self):
        super().setUp()
        if not shutil.which("sshd") and not os.path.exists("/usr/sbin/sshd"):
            self.skipTest("OpenSSH server (sshd) is not installed")
        self.dir = tempfile.mkdtemp(prefix="support-sshd-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.port = free_port()
        self.client_key, public = keygen(os.path.join(self.dir, "client"))
        with open(os.path.join(self.dir, "authorized_keys"), "w") as handle:
            handle.write(public)
        self.sshd = None
        self.start_sshd("host_a")
        self.env["ir.config_parameter"].set_param(
            "support_contract.allowed_networks", "127.0.0.1/32"
        )
        self.fixture = GitFixture(addon("kund_addon", 7))
        self.addCleanup(self.fixture.cleanup)
        user = (
            os.environ.get("USER")
            or subprocess.run(
                ["id", "-un"], capture_output=True, text=True, check=True
            ).stdout.strip()
        )
        self.repo = self.env["support.repository"].create(
            {
                "agreement_id": self.agreement.id,
                "url": f"ssh://{user}@127.0.0.1:{self.port}{self.fixture.path}",
            }
        )

    def start_sshd(self, host_key):
        if self.sshd:
            self.sshd.terminate()
            self.sshd.wait(10)
        key = os.path.join(self.dir, host_key)
        if not os.path.exists(key):
            keygen(key)
        config = os.path.join(self.dir, "sshd_config")
        user = subprocess.run(
            ["id", "-un"], capture_output=True, text=True, check=True
        ).stdout.strip()
        with open(config, "w") as handle:
            handle.write(
                f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {key}\n"
                f"PidFile {self.dir}/sshd.pid\n"
                f"AuthorizedKeysFile {self.dir}/authorized_keys\n"
                "StrictModes no\nPasswordAuthentication no\n"
                "KbdInteractiveAuthentication no\nUsePAM no\n"
                f"PermitRootLogin prohibit-password\nAllowUsers {user}\n"
            )
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", exist_ok=True)
        sshd = shutil.which("sshd") or "/usr/sbin/sshd"
        self.sshd = subprocess.Popen(
            [sshd, "-D", "-e", "-f", config],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(self.stop_sshd, self.sshd)
        for _attempt in range(50):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        self.fail("sshd did not start")

    @staticmethod
    def stop_sshd(process):
        if process.poll() is None:
            process.terminate()
            process.wait(10)

    def test_host_key_pinned_on_first_contact_and_a_changed_key_refused(self):
        self.repo.with_user(self.support_manager).write(
            {"ssh_private_key_input": self.client_key}
        )
        as_user = self.repo.with_user(self.support_user)
        as_user.action_count_lines()
        self.assertEqual(as_user.state, "ok", as_user.last_error)
        self.assertEqual(as_user.last_code_lines, 7)
        pinned = as_user.ssh_host_key
        self.assertIn("ssh-ed25519", pinned)
        with open(os.path.join(self.dir, "host_a.pub")) as handle:
            self.assertIn(handle.read().split()[1], pinned)
        self.assertIn("pinned on first contact", self.repo.message_ids[:1].body)

        # Same server, same key: counted again.
        self.fixture.commit(addon("kund_addon", 9))
        as_user.action_count_lines()
        self.assertEqual(as_user.last_code_lines, 9)

        # Another key on the same address: refused, the price stays.
        self.start_sshd("host_b")
        self.fixture.commit(addon("kund_addon", 11))
        as_user.action_count_lines()
        self.assertEqual(as_user.state, "error")
        self.assertIn("another host key", as_user.last_error)
        self.assertEqual(as_user.last_code_lines, 9)
        self.assertEqual(as_user.ssh_host_key, pinned)
        with self.assertRaises(AccessError):
            as_user.action_clear_host_key()

        # A Support Manager who checked the new key removes the pinned one.
        self.repo.with_user(self.support_manager).action_clear_host_key()
        as_user.action_count_lines()
        self.assertEqual(as_user.state, "ok", as_user.last_error)
        self.assertEqual(as_user.last_code_lines, 11)
        with open(os.path.join(self.dir, "host_b.pub")) as handle:
            self.assertIn(handle.read().split()[1], as_user.ssh_host_key)
