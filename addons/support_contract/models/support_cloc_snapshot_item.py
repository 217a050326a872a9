from odoo import fields, models


class SupportClocSnapshotItem(models.Model):
    """One thing a database count counted, named as Odoo's cloc names it
    (``ir.actions.server/<id>: <name>``, ``ir.model.fields/<id>: <name>``, an
    imported module's view or asset)."""

    _name = "support.cloc.snapshot.item"
    _description = "Counted customization"
    _order = "module_name, code_lines desc, name"

    snapshot_id = fields.Many2one(
        "support.cloc.snapshot", required=True, index=True, ondelete="cascade"
    )
    module_name = fields.Char(string="Module", required=True)
    name = fields.Char(string="Customization", required=True)
    code_lines = fields.Integer(string="Code")
    total_lines = fields.Integer(string="Total")
