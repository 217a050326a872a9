from odoo import api, fields, models


class SupportUsage(models.Model):
    _name = "support.usage"
    _description = "Pay-per-transaction usage"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, check_company=True
    )
    agreement_id = fields.Many2one(
        "sale.subscription",
        string="Agreement",
        compute="_compute_agreement_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        required=True,
        domain=[("support_usage_service", "=", True)],
        check_company=True,
    )
    date = fields.Date(required=True)
    quantity = fields.Float(required=True)
    price_unit = fields.Monetary(string="Unit price", required=True)
    provider_id = fields.Many2one(
        "support.usage.provider",
        string="Provider",
        required=True,
        index=True,
        ondelete="restrict",
    )
    provider_reference = fields.Char(required=True)
    invoice_line_id = fields.Many2one(
        "account.move.line",
        string="Billed on",
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )

    _provider_reference_unique = models.Constraint(
        "UNIQUE(provider_id, provider_reference, company_id)",
        "This provider's statement line is already imported.",
    )

    @api.depends("partner_id", "date", "company_id")
    def _compute_agreement_id(self):
        Agreement = self.env["sale.subscription"].sudo()
        for usage in self:
            usage.agreement_id = (
                Agreement._support_covering_agreement(
                    usage.partner_id, usage.date, usage.company_id
                )
                if usage.partner_id and usage.date
                else Agreement
            )
