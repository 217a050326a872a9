"""A database with the customizations Odoo's cloc counts, made in the test's
own database (served by HttpCase's live server), and the technical user
whose API key reads them."""

import json
from datetime import datetime, timedelta
from io import BytesIO
from zipfile import ZipFile

from odoo.tests import new_test_user

MODULE = "support_cloc_probe"
QWEB = """<odoo>
    <template id="probe_page" name="Probe page">
        <t t-call="web.layout">
            <!-- a comment, not code -->
            <div class="probe">
                <span t-out="'Hello'"/>
            </div>
        </t>
    </template>
</odoo>
"""
JS = """/** @odoo-module */
// a comment
import { registry } from "@web/core/registry";

function probe() {
    /* block
       comment */
    return "probe";
}
registry.category("probe").add("probe", probe);
"""
SCSS = """.o_probe {
    // comment
    color: red;
}
"""


def probe_zip():
    manifest = {
        "name": "Cloc probe",
        "author": "Odoo Support Contracts",
        "license": "LGPL-3",
        "depends": ["web"],
        "data": ["views/templates.xml"],
        "assets": {
            "web.assets_backend": [
                f"{MODULE}/static/src/probe.js",
                f"{MODULE}/static/src/probe.scss",
            ]
        },
    }
    stream = BytesIO()
    with ZipFile(stream, "w") as archive:
        archive.writestr(f"{MODULE}/__manifest__.py", json.dumps(manifest))
        archive.writestr(f"{MODULE}/views/templates.xml", QWEB)
        archive.writestr(f"{MODULE}/static/src/probe.js", JS)
        archive.writestr(f"{MODULE}/static/src/probe.scss", SCSS)
    return stream


def xmlid(env, module, name, record):
    env["ir.model.data"].create(
        {"module": module, "name": name, "model": record._name, "res_id": record.id}
    )


def manual_field(env, name, compute):
    return (
        env["ir.model.fields"]
        .with_context(studio=True)
        .create(
            {
                "name": name,
                "field_description": name,
                "model_id": env.ref("base.model_res_partner").id,
                "ttype": "integer",
                "store": False,
                "compute": compute,
            }
        )
    )


def server_action(env, name, code):
    return env["ir.actions.server"].create(
        {
            "name": name,
            "state": "code",
            "model_id": env.ref("base.model_res_partner").id,
            "code": code,
        }
    )


def make_customizations(env):
    """Server actions with code (one excluded, one broken), manual computed
    fields (one Studio-named, one Studio-generated), an imported module."""
    records = {}
    records["action"] = server_action(
        env,
        "Tag big customers",
        "# a comment\nfor partner in records:\n"
        "    if partner.credit_limit > 1000:\n"
        "        partner['comment'] = 'big'\n",
    )
    records["excluded"] = server_action(
        env, "Vendored action", "for partner in records:\n    pass\n"
    )
    xmlid(env, "__cloc_exclude__", "vendored_action", records["excluded"])
    records["broken"] = server_action(env, "Broken action", "pass\n")
    # Odoo refuses to save such code now; older databases may hold it.
    env.cr.execute(
        "UPDATE ir_act_server SET code = %s WHERE id = %s",
        ("if True\n", records["broken"].id),
    )
    records["broken"].invalidate_recordset(["code"])
    records["field"] = manual_field(
        env,
        "x_probe_score",
        "for partner in self:\n"
        "    partner['x_probe_score'] = len(partner.name or '')\n",
    )
    xmlid(env, "base", "field_res_partner__x_probe_score", records["field"])
    records["studio_field"] = manual_field(
        env,
        "x_studio_probe_total",
        "for partner in self:\n    partner['x_studio_probe_total'] = 2\n",
    )
    xmlid(env, "studio_customization", "probe_total", records["studio_field"])
    records["generated"] = manual_field(
        env,
        "x_probe_generated",
        "for partner in self:\n    partner['x_probe_generated'] = 3\n",
    )
    xmlid(env, "studio_customization", "probe_generated", records["generated"])
    env["ir.module.module"]._import_zipfile(probe_zip())
    return records


def technical_user(env, login="cloc_reader"):
    """A user as the README says (Settings: Administration) and its API key."""
    user = new_test_user(env, login=login, groups="base.group_user,base.group_system")
    key = (
        env["res.users.apikeys"]
        .with_user(user)
        ._generate(
            scope="rpc",
            name="Support database count",
            expiration_date=datetime.now() + timedelta(days=1),
        )
    )
    return user, key
