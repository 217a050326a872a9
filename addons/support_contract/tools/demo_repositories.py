"""Demo: the customers' git repositories, counted month by month.

Called from ``demo/support_repository_demo.xml`` (through ``support.demo``):
demo generation lives with the demo, not in the production models.
"""

import datetime
import os

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.modules import get_module_path

from . import demo_git


def setup_repositories(env, specs, months=12):
    """Real git repositories for the demo, counted month by month.

    ``specs``: [(folder, agreement xmlid, repository name, {addon: reason
    not charged}, [(customer addon, Odoo addon it is copied from, first
    month, full month, last month or None)])]. The customer addons are
    copies of Odoo Community addons of this server (never shipped in the
    repository), laid out in ``months`` monthly commits, each counted as
    of its month. A count that dropped more than allowed is confirmed by
    the demo Support Manager.
    """
    # The demo's repositories are local paths under the demo folder: they
    # are allowed by their place, the parameter stays off.
    base = demo_git.demo_base(env.cr.dbname)
    Repository = env["support.repository"]
    today = fields.Date.context_today(Repository)
    manager = env.ref("support_contract.user_manager_demo")
    Message = env["mail.message"].sudo()
    with Repository._worker_pool() as pool:
        for folder, agreement_xmlid, name, overrides, addons in specs:
            addons = [
                (target, get_module_path(source), first, full, last)
                for target, source, first, full, last in addons
                if get_module_path(source)
            ]
            target = os.path.join(base, folder)
            demo_git.init_repository(target)
            agreement = env.ref(agreement_xmlid)
            repo = Repository.create(
                {"name": name, "agreement_id": agreement.id, "url": target}
            )
            for module_name, reason in overrides.items():
                env["support.cloc.override"].create(
                    {
                        "repository_id": repo.id,
                        "module_name": module_name,
                        "reason": reason,
                    }
                )
            for month in range(1, months + 1):
                day = today + relativedelta(months=month - months, day=1)
                if month == 1:
                    # The first count is dated before the agreement's start
                    # (counted for its quotation) when that is earlier: the
                    # counts the first invoices bill exist before their
                    # periods, and are the ones in force when they begin.
                    day = min(day, agreement.date_start - relativedelta(days=1))
                when = datetime.datetime.combine(day, datetime.time(5, 0))
                last_message = Message.search([], order="id desc", limit=1).id
                demo_git.lay_out_month(target, addons, month)
                demo_git.commit_all(
                    target, f"{name}: work of {day:%Y-%m}", date=when.isoformat()
                )
                snapshot = repo._count(pool=pool)
                snapshot.sudo().date = when
                if repo.state == "to_confirm":
                    repo.with_user(manager).action_confirm_count()
                repo.last_count_date = when
                # The chatter of that month, dated when it happened.
                Message.search([("id", ">", last_message)]).write({"date": when})
            repo.next_count_date = today + relativedelta(months=1, day=1)
    return True
