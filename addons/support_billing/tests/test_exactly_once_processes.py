"""Exactly once with real processes: two runs at once, and a run killed.

These tests commit: they make their own customer and agreements in the test
database, run the invoicing in other processes, and remove what they made.
"""

import os
import uuid
from datetime import date

from odoo import api

from odoo.addons.support_contract.tests.processes import ProcessRunCase

RUNNER = os.path.join(os.path.dirname(__file__), "invoicing_runner.py")
TODAY = "2026-11-15"  # two periods due: October and November
AGREEMENTS = 40


class TestExactlyOnceProcesses(ProcessRunCase):
    runner = RUNNER

    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            income = env["account.account"].search(
                [("account_type", "=", "income"), ("company_ids", "in", company.ids)],
                limit=1,
            )
            product = env["product.product"].create(
                {
                    "name": f"Fee {self.tag}",
                    "type": "service",
                    "list_price": 100,
                    "property_account_income_id": income.id,
                }
            )
            template = env["sale.subscription.template"].create(
                {"name": f"Ops {self.tag}", "support_kind": "operations"}
            )
            partner = env["res.partner"].create(
                {"name": f"Process {self.tag}", "street": "Gatan 1", "city": "Lund"}
            )
            pricelist = env["product.pricelist"].create(
                {"name": f"P {self.tag}", "currency_id": company.currency_id.id}
            )
            stage = env.ref("subscription_oca.subscription_stage_in_progress")
            agreements = env["sale.subscription"].create(
                [
                    {
                        "partner_id": partner.id,
                        "template_id": template.id,
                        "pricelist_id": pricelist.id,
                        "company_id": company.id,
                        "stage_id": stage.id,
                        "in_progress": True,
                        "date_start": date(2026, 1, 1),
                        "sale_subscription_line_ids": [
                            (0, 0, {"product_id": product.id, "product_uom_qty": 1})
                        ],
                    }
                    for _i in range(AGREEMENTS)
                ]
            )
            agreements.write({"recurring_next_date": date(2026, 10, 1)})
            # Only this test's agreements are due in the processes' runs.
            others = env["sale.subscription"].search(
                [("id", "not in", agreements.ids), ("recurring_next_date", "<=", TODAY)]
            )
            self.paused = others.filtered(lambda a: not a.is_paused)
            self.paused.write({"is_paused": True})
            cr.commit()
            self.agreement_ids = agreements.ids
            self.ids = {
                "product": product.id,
                "template": template.id,
                "partner": partner.id,
                "pricelist": pricelist.id,
            }
        self.addCleanup(self.cleanup)

    def cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            moves = env["account.move"].search(
                [("subscription_id", "in", self.agreement_ids)]
            )
            moves.filtered(lambda m: m.state == "posted").button_draft()
            moves.unlink()
            # A signed agreement cannot be deleted: back to a draft first.
            agreements = env["sale.subscription"].browse(self.agreement_ids)
            agreements.write(
                {"stage_id": env.ref("subscription_oca.subscription_stage_draft").id}
            )
            agreements.unlink()
            env["sale.subscription.template"].browse(self.ids["template"]).unlink()
            env["product.pricelist"].browse(self.ids["pricelist"]).unlink()
            env["product.product"].browse(self.ids["product"]).unlink()
            env["res.partner"].browse(self.ids["partner"]).unlink()
            self.paused.with_env(env).write({"is_paused": False})
            cr.commit()

    def invoice_periods(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT subscription_id, support_period_start FROM account_move "
                "WHERE subscription_id = ANY(%s) AND state != 'cancel'",
                (self.agreement_ids,),
            )
            return cr.fetchall()

    def assert_exactly_once(self):
        rows = self.invoice_periods()
        self.assertEqual(len(rows), len(set(rows)), "an agreement was invoiced twice")
        expected = {
            (agreement_id, period)
            for agreement_id in self.agreement_ids
            for period in (date(2026, 10, 1), date(2026, 11, 1))
        }
        self.assertEqual(set(rows), expected, "a period is missing")

    def test_two_processes_at_once_make_one_invoice_per_period(self):
        first, second = self.start(TODAY), self.start(TODAY)
        for proc in (first, second):
            self.finish(proc)
        self.assert_exactly_once()

    def test_a_run_killed_halfway_and_started_again_misses_nothing(self):
        self.kill_when(
            self.start(TODAY), lambda: len(self.invoice_periods()) >= AGREEMENTS // 2
        )
        done = len(self.invoice_periods())
        self.assertLess(done, 2 * AGREEMENTS, "the run was not killed halfway")
        self.finish(self.start(TODAY))
        self.assert_exactly_once()
