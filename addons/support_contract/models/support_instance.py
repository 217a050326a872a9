from odoo import api, fields, models


class SupportInstance(models.Model):
    _name = "support.instance"
    _description = "Customer instance"
    _inherit = ["mail.thread"]
    _order = "partner_id, environment, name"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_company", "=", True)],
    )
    agreement_id = fields.Many2one(
        comodel_name="sale.subscription",
        string="Agreement",
        index=True,
        tracking=True,
        domain="[('support_kind', '!=', False), "
        "('partner_id', 'child_of', partner_id)]",
        check_company=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    environment = fields.Selection(
        selection=[
            ("production", "Production"),
            ("test", "Test"),
            ("development", "Development"),
        ],
        required=True,
        default="production",
        tracking=True,
    )
    odoo_version = fields.Char(
        string="Odoo version",
        tracking=True,
        help="The Odoo series the instance runs, such as 17.0 or 18.0.",
    )
    edition = fields.Selection(
        selection=[("community", "Community"), ("enterprise", "Enterprise")],
        default="community",
        tracking=True,
    )
    url = fields.Char(string="URL")
    notes = fields.Html(groups="base.group_user")  # internal, never on the portal
    included_at_no_cost = fields.Boolean(
        string="Included at no extra cost",
        compute="_compute_included_at_no_cost",
        help="Test and development instances are part of the agreement and "
        "are never billed.",
    )
    upgrade_ids = fields.One2many(
        comodel_name="support.upgrade",
        inverse_name="instance_id",
        string="Upgrades",
    )

    @api.depends("environment")
    def _compute_included_at_no_cost(self):
        for instance in self:
            instance.included_at_no_cost = instance.environment in (
                "test",
                "development",
            )

    @api.onchange("agreement_id")
    def _onchange_agreement_id(self):
        if self.agreement_id:
            self.partner_id = self.agreement_id.partner_id.commercial_partner_id
            self.company_id = self.agreement_id.company_id
