"""Counting with real processes: two runs at once, and a run killed.

These tests commit: they make their own customer, agreement and git
repositories in the test database, count them in other processes, and remove
what they made.
"""

import os
import uuid
from datetime import date

from odoo import api

from .git_fixtures import GitFixture
from .processes import ProcessRunCase

RUNNER = os.path.join(os.path.dirname(__file__), "counting_runner.py")
REPOSITORIES = 6
PARAM = "support_contract.allow_local_repositories"


def addon(name, code_lines):
    body = "\n".join(f"V{i} = {i}" for i in range(code_lines)) + "\n"
    return {f"{name}/__manifest__.py": "{'name': 'x'}", f"{name}/models.py": body}


class TestCountingProcesses(ProcessRunCase):
    runner = RUNNER

    def setUp(self):
        super().setUp()
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
            # A signed agreement cannot be deleted: back to a draft first.
            agreement = env["sale.subscription"].browse(agreement_id)
            agreement.write(
                {"stage_id": env.ref("subscription_oca.subscription_stage_draft").id}
            )
            agreement.unlink()
            env["sale.subscription.template"].browse(template_id).unlink()
            env["product.pricelist"].browse(pricelist_id).unlink()
            env["res.partner"].browse(partner_id).unlink()
            for repo_id, next_date in self.others.items():
                env["support.repository"].browse(repo_id).next_count_date = next_date
            env["ir.config_parameter"].set_param(PARAM, self.old_param or False)
            cr.commit()

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
        done = sum(
            int(self.finish(proc).strip().splitlines()[-1]) for proc in (first, second)
        )
        self.assertEqual(done, REPOSITORIES)
        self.assert_each_counted_once()

    def test_a_run_killed_halfway_and_started_again_counts_the_rest(self):
        self.kill_when(self.start(), lambda: len(self.counts()) >= 2)
        self.assertLess(len(self.counts()), REPOSITORIES, "not killed halfway")
        self.finish(self.start())
        self.assert_each_counted_once()
