"""Counting with real processes: two runs at once, and a run killed.

These tests commit: they make their own customer, agreement and git
repositories in the test database, count them in other processes, and remove
what they made.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from unittest import TestCase

import odoo
from odoo import api
from odoo.modules.registry import Registry

from .git_fixtures import GitFixture

RUNNER = os.path.join(os.path.dirname(__file__), "counting_runner.py")
REPOSITORIES = 6
PARAM = "support_contract.allow_local_repositories"


def addon(name, code_lines):
    body = "\n".join(f"V{i} = {i}" for i in range(code_lines)) + "\n"
    return {f"{name}/__manifest__.py": "{'name': 'x'}", f"{name}/models.py": body}


class TestCountingProcesses(TestCase):
    def setUp(self):
        super().setUp()
        self.database = odoo.tools.config["db_name"]
        if isinstance(self.database, list):
            self.database = self.database[0]
        self.config = odoo.tools.config.rcfile
        self.registry = Registry(self.database)
        tag = uuid.uuid4().hex[:8]
        self.fixtures = [
            GitFixture(addon(f"custom_{i}", 10 * (i + 1))) for i in range(REPOSITORIES)
        ]
        for fixture in self.fixtures:
            self.addCleanup(fixture.cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            params = env["ir.config_parameter"]
            self.old_param = params.get_param(PARAM)
            params.set_param(PARAM, "True")
            company = env.ref("base.main_company")
            template = env["sale.subscription.template"].create(
                {"name": f"MSA {tag}", "support_kind": "maintenance"}
            )
            partner = env["res.partner"].create({"name": f"Counted {tag}"})
            pricelist = env["product.pricelist"].create(
                {"name": f"P {tag}", "currency_id": company.currency_id.id}
            )
            agreement = env["sale.subscription"].create(
                {
                    "partner_id": partner.id,
                    "template_id": template.id,
                    "pricelist_id": pricelist.id,
                    "company_id": company.id,
                    "stage_id": env.ref(
                        "subscription_oca.subscription_stage_in_progress"
                    ).id,
                    "in_progress": True,
                    "date_start": date(2026, 1, 1),
                }
            )
            Repository = env["support.repository"]
            # Only this test's repositories are due in the processes' runs.
            self.others = {
                repo.id: repo.next_count_date
                for repo in Repository.search([("agreement_id", "!=", agreement.id)])
            }
            Repository.browse(list(self.others)).write(
                {"next_count_date": date(2099, 1, 1)}
            )
            repositories = Repository.create(
                [
                    {
                        "name": f"repo {i} {tag}",
                        "agreement_id": agreement.id,
                        "url": fixture.url,
                        "next_count_date": date(2026, 1, 1),
                    }
                    for i, fixture in enumerate(self.fixtures)
                ]
            )
            cr.commit()
            self.repository_ids = repositories.ids
            self.made = (agreement.id, template.id, partner.id, pricelist.id)
        self.addCleanup(self.cleanup)

    def cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            agreement_id, template_id, partner_id, pricelist_id = self.made
            env["support.repository"].browse(self.repository_ids).unlink()
            env["sale.subscription"].browse(agreement_id).unlink()
            env["sale.subscription.template"].browse(template_id).unlink()
            env["product.pricelist"].browse(pricelist_id).unlink()
            env["res.partner"].browse(partner_id).unlink()
            for repo_id, next_date in self.others.items():
                env["support.repository"].browse(repo_id).next_count_date = next_date
            env["ir.config_parameter"].set_param(PARAM, self.old_param or False)
            cr.commit()

    def start(self):
        return subprocess.Popen(
            [sys.executable, RUNNER, self.config, self.database],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def counts(self):
        """{repository id: number of counts}, committed ones."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT repository_id, count(*) FROM support_cloc_snapshot "
                "WHERE repository_id = ANY(%s) GROUP BY repository_id",
                (self.repository_ids,),
            )
            return dict(cr.fetchall())

    def assert_each_counted_once(self):
        self.assertEqual(
            self.counts(),
            dict.fromkeys(self.repository_ids, 1),
            "each repository counted exactly once",
        )
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM support_repository "
                "WHERE id = ANY(%s) AND next_count_date <= CURRENT_DATE",
                (self.repository_ids,),
            )
            self.assertEqual(cr.fetchone()[0], 0, "every next date moved on")

    def test_two_processes_at_once_count_each_repository_once(self):
        first, second = self.start(), self.start()
        done = 0
        for proc in (first, second):
            out, err = proc.communicate(timeout=600)
            self.assertEqual(proc.returncode, 0, err.decode()[-2000:])
            done += int(out.decode().strip().splitlines()[-1])
        self.assertEqual(done, REPOSITORIES)
        self.assert_each_counted_once()

    def test_a_run_killed_halfway_and_started_again_counts_the_rest(self):
        proc = self.start()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if len(self.counts()) >= 2:
                break
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.assertLess(len(self.counts()), REPOSITORIES, "not killed halfway")
        again = self.start()
        _out, err = again.communicate(timeout=600)
        self.assertEqual(again.returncode, 0, err.decode()[-2000:])
        self.assert_each_counted_once()
