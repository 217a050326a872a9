from odoo import fields, models


class SupportClocSnapshotIssue(models.Model):
    _name = "support.cloc.snapshot.issue"
    _description = "File not counted"
    _order = "module_name, path"

    snapshot_id = fields.Many2one(
        "support.cloc.snapshot", required=True, index=True, ondelete="cascade"
    )
    module_name = fields.Char(string="Addon")
    path = fields.Char(string="File")
    reason = fields.Char()
