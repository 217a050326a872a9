from odoo import fields, models


class SupportClocSnapshotLine(models.Model):
    _name = "support.cloc.snapshot.line"
    _description = "Code lines of one addon"
    _order = "code_lines desc, module_name"

    snapshot_id = fields.Many2one(
        "support.cloc.snapshot", required=True, index=True, ondelete="cascade"
    )
    module_name = fields.Char(string="Addon", required=True)
    path = fields.Char()
    code_lines = fields.Integer(string="Code")
    other_lines = fields.Integer(string="Other")
    total_lines = fields.Integer(string="Total")
    excluded = fields.Boolean(
        string="Not charged", help="An override excludes this addon from the price."
    )
    exclusion_reason = fields.Char(string="Why not charged")
    declared_files = fields.Integer(
        string="Files excluded by the customer",
        help="Files the addon's own manifest excludes from the count "
        "(cloc_exclude, demo data; for a database, items marked "
        "__cloc_exclude__): counted aside, not charged.",
    )
    declared_code_lines = fields.Integer(
        string="Code lines excluded by the customer",
        help="Code lines of the files the customer's manifest excludes.",
    )
