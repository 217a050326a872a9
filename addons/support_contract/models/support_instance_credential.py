from odoo import fields, models


class SupportInstanceCredential(models.Model):
    """The login and API key of an instance's technical user.

    As for repositories, no group may read, write, create or delete these
    records: only the server's own code does, with ``sudo()`` (the database
    count, and the instance's write-only fields for Support Managers).
    """

    _name = "support.instance.credential"
    _description = "Instance API credentials"

    instance_id = fields.Many2one(
        "support.instance", required=True, index=True, ondelete="cascade"
    )
    api_login = fields.Char(string="Technical user's login", copy=False)
    api_key = fields.Char(string="API key", copy=False)

    _instance_unique = models.Constraint(
        "UNIQUE(instance_id)", "An instance has one set of API credentials."
    )
