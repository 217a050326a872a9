from odoo import api, fields, models
from odoo.exceptions import AccessError

MANAGER_GROUP = "support_contract.group_support_manager"


class SupportSettings(models.TransientModel):
    """The support settings of one company, for its Support Managers.

    Odoo's own Settings are for administrators only; these are the company's
    support fields (``_support_company_fields``), read from the company when
    the screen opens and written back to it when saved.
    """

    _name = "support.settings"
    _description = "Support settings"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    hourly_product_id = fields.Many2one(
        "product.product",
        string="Hourly product",
        domain="[('support_hourly_service', '=', True), "
        "('company_id', 'in', [company_id, False])]",
        help="The hourly service whose price, with the customer's agreement "
        "discount, is the rate of billable ticket time.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Default payment terms",
        domain="[('company_id', 'in', [company_id, False])]",
        help="The payment terms of quotations and agreements for customers "
        "without payment terms of their own.",
    )
    cloc_max_drop_percent = fields.Float(
        string="Drop to confirm (%)",
        help="A count that drops by more than this share waits for a Support "
        "Manager; the price stays as it is until then.",
    )
    quote_recount_days = fields.Integer(
        string="Recount quotations after (days)",
        help="A quotation counted longer ago must be counted again before it "
        "is confirmed or signed.",
    )
    count_max_seconds = fields.Float(
        string="Time for one count (seconds)",
        help="A repository whose fetch and count take longer is put in error "
        "and retried the next day.",
    )
    manager_user_id = fields.Many2one(
        "res.users",
        string="Manager for counts and approvals",
        domain=lambda self: [
            ("share", "=", False),
            ("all_group_ids", "in", self.env.ref(MANAGER_GROUP).ids),
        ],
        help="Gets the activities only a Support Manager can act on when the "
        "agreement's responsible is not one. Empty: the company's first "
        "Support Manager.",
    )

    def _compute_display_name(self):
        # The screen's breadcrumb, not "support.settings,1".
        for settings in self:
            settings.display_name = self.env._("Support settings")

    @api.model
    def _support_company_fields(self):
        """{settings field: company field}."""
        return {
            "hourly_product_id": "support_hourly_product_id",
            "payment_term_id": "support_payment_term_id",
            "cloc_max_drop_percent": "support_cloc_max_drop_percent",
            "quote_recount_days": "support_quote_recount_days",
            "count_max_seconds": "support_count_max_seconds",
            "manager_user_id": "support_manager_user_id",
        }

    def _support_check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a Support Manager can change the support settings: "
                    "ask one, or an administrator."
                )
            )

    @api.model
    def default_get(self, fields_list):
        self._support_check_manager()
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(
            values.get("company_id") or self.env.company.id
        )
        company = company.sudo()
        for name, company_field in self._support_company_fields().items():
            if name in fields_list:
                value = company[company_field]
                values[name] = (
                    value.id if isinstance(value, models.BaseModel) else value
                )
        return values

    @api.model_create_multi
    def create(self, vals_list):
        self._support_check_manager()
        return super().create(vals_list)

    def action_save(self):
        """Write the settings to their company."""
        self.ensure_one()
        self._support_check_manager()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You do not work in %(company)s: its settings stay as they are.",
                    company=self.company_id.name,
                )
            )
        values = {}
        for name, company_field in self._support_company_fields().items():
            value = self[name]
            values[company_field] = (
                value.id if isinstance(value, models.BaseModel) else value
            )
        self.company_id.sudo().write(values)
        return True
