from odoo import fields, models


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
