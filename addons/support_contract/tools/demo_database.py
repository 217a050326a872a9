"""Demo: the instance whose database is the demo database itself.

Called from ``demo/support_repository_demo.xml`` (through ``support.demo``):
demo generation lives with the demo, not in the production models.
"""

from dateutil.relativedelta import relativedelta

from odoo import fields, tools

from . import db_api, db_cloc, db_read


def setup_database(env, instance_xmlid):
    """The demo instance whose database is the demo database itself.

    Makes a few customizations here (a server action with code, a manual
    computed field), a technical user with an API key, allows exactly
    this server's own address for this instance only, and makes the
    first count (read through the ORM: no server answers during the
    install). "Count database" then reads it through JSON-2.
    """
    instance = env.ref(instance_xmlid)
    partner_model = env.ref("base.model_res_partner")
    env["ir.actions.server"].create(
        {
            "name": "Solberga: flag customers without VAT number",
            "state": "code",
            "model_id": partner_model.id,
            "code": "for partner in records:\n"
            "    if partner.is_company and not partner.vat:\n"
            "        partner['comment'] = 'VAT number missing'\n",
        }
    )
    env["ir.model.fields"].with_context(studio=True).create(
        {
            "name": "x_studio_contact_count",
            "field_description": "Contacts",
            "model_id": partner_model.id,
            "ttype": "integer",
            "store": False,
            "depends": "child_ids",
            "compute": "for partner in self:\n"
            "    partner['x_studio_contact_count'] = len(partner.child_ids)\n",
        }
    )
    user = env["res.users"].create(
        {
            "name": "Support count (demo)",
            "login": "support_count_demo",
            "group_ids": [
                fields.Command.set(
                    [
                        env.ref("base.group_user").id,
                        env.ref("base.group_system").id,
                    ]
                )
            ],
        }
    )
    key = (
        env["res.users.apikeys"]
        .with_user(user)
        ._generate(
            scope="rpc",
            name="Support database count (demo)",
            expiration_date=fields.Datetime.now() + relativedelta(years=1),
        )
    )
    port = tools.config.get("http_port") or 8069
    instance.sudo().write(
        {
            "url": f"http://127.0.0.1:{port}",
            "database_name": env.cr.dbname,
            "count_database": True,
            "demo_allowed_endpoint": f"127.0.0.1:{port}",
        }
    )
    instance.sudo()._set_credentials(api_login=user.login, api_key=key)
    cloc = db_cloc.count(db_read.read_customization(db_api.LocalReader(env)))
    snapshot = (
        env["support.cloc.snapshot"]
        .sudo()
        ._create_from_count(
            instance.sudo(),
            env.cr.dbname,
            db_cloc.module_counts(cloc),
            items=db_cloc.items(cloc),
        )
    )
    snapshot._apply()
    instance.next_count_date = fields.Date.context_today(instance) + relativedelta(
        months=1
    )
    return True
