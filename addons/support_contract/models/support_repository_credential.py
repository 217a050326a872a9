from odoo import fields, models
from odoo.tools import SQL, sql

PARAM_ALLOW_LOCAL = "support_contract.allow_local_repositories"


class SupportRepositoryCredential(models.Model):
    """A repository's HTTPS token or SSH private key.

    No group may read, write, create or delete these records: only the
    server's own code does, with ``sudo()`` (the git call, and the
    repository's write-only fields and buttons for Support Managers). A token
    is therefore never returned through the ORM or the API, to anyone.
    """

    _name = "support.repository.credential"
    _description = "Repository credentials"

    repository_id = fields.Many2one(
        "support.repository", required=True, index=True, ondelete="cascade"
    )
    auth_token = fields.Char(copy=False)
    ssh_private_key = fields.Text(copy=False)

    _repository_unique = models.Constraint(
        "UNIQUE(repository_id)", "A repository has one set of credentials."
    )

    def init(self):
        """On update of a database made before this model: move the
        credentials out of the repositories' old columns (readable by
        Support Managers) and drop those columns; and turn off local paths,
        which the demo of that version left on."""
        cr = self.env.cr
        self.env.flush_all()
        old = [
            column
            for column in ("auth_token", "ssh_private_key")
            if sql.column_exists(cr, "support_repository", column)
        ]
        if old:
            cr.execute(
                SQL(
                    "INSERT INTO support_repository_credential "
                    "(repository_id, auth_token, ssh_private_key) "
                    "SELECT id, %s, %s FROM support_repository WHERE %s "
                    "ON CONFLICT (repository_id) DO NOTHING",
                    SQL.identifier("auth_token") if "auth_token" in old else None,
                    SQL.identifier("ssh_private_key")
                    if "ssh_private_key" in old
                    else None,
                    SQL(" OR ").join(
                        SQL("%s IS NOT NULL", SQL.identifier(column)) for column in old
                    ),
                )
            )
            for column in old:
                cr.execute(
                    SQL(
                        "ALTER TABLE support_repository DROP COLUMN %s",
                        SQL.identifier(column),
                    )
                )
        cr.execute(
            SQL(
                "UPDATE ir_config_parameter SET value = 'False' "
                "WHERE key = %s AND lower(value) IN ('1', 'true', 'yes')",
                PARAM_ALLOW_LOCAL,
            )
        )
        if cr.rowcount:
            self.env["ir.config_parameter"].invalidate_model(["value"])
            self.env.registry.clear_cache("stable")
