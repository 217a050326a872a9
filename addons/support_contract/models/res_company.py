from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    support_hourly_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Support hourly product",
        domain="[('support_hourly_service', '=', True)]",
        help="The hourly service whose price, with the customer's agreement "
        "discount, is the rate of billable ticket time.",
    )
    # Support settings a Support Manager keeps (Support > Configuration >
    # Settings); system parameters stay for what only an administrator sets.
    support_payment_term_id = fields.Many2one(
        comodel_name="account.payment.term",
        string="Default payment terms",
        check_company=True,
        help="The payment terms of quotations and agreements for customers "
        "without payment terms of their own. A customer who signs an agreement "
        "keeps them for its invoices.",
    )
    support_cloc_max_drop_percent = fields.Float(
        string="Drop to confirm (%)",
        default=30.0,
        help="A code-line count that drops by more than this share of the "
        "applied one waits for a Support Manager; the price stays as it is "
        "until then.",
    )
    support_quote_recount_days = fields.Integer(
        string="Recount quotations after (days)",
        default=30,
        help="A quotation whose code was counted longer ago than this must be "
        "counted again before it is confirmed or signed.",
    )
    support_count_max_seconds = fields.Float(
        string="Time for one count (seconds)",
        default=900.0,
        help="A repository whose fetch and count take longer is put in error "
        "and retried the next day.",
    )
    support_manager_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Manager for counts and approvals",
        domain="[('share', '=', False)]",
        help="Gets the activities that need a Support Manager (a count that "
        "dropped, a customer's answer to billable work) when the agreement's "
        "responsible is not a Support Manager. Empty: the first Support "
        "Manager of the company.",
    )

    _support_drop_range = models.Constraint(
        "CHECK(support_cloc_max_drop_percent >= 0 "
        "AND support_cloc_max_drop_percent <= 100)",
        "The drop to confirm must be between 0 and 100 percent.",
    )
    _support_recount_positive = models.Constraint(
        "CHECK(support_quote_recount_days > 0)",
        "Quotations must be recounted after at least one day.",
    )
    _support_count_seconds_positive = models.Constraint(
        "CHECK(support_count_max_seconds > 0)",
        "The time for one count must be more than 0 seconds.",
    )

    def _support_manager_for(self, agreement=None):
        """Who gets the work only a Support Manager can do (a count that
        dropped, a customer's answer to billable work): the agreement's
        responsible when he is a Support Manager, else the company's manager
        for counts and approvals, else its first Support Manager."""
        self.ensure_one()
        group = "support_contract.group_support_manager"
        responsible = agreement.user_id if agreement else self.env["res.users"]
        if responsible and responsible.has_group(group):
            return responsible
        chosen = self.sudo().support_manager_user_id
        if chosen.active and chosen.has_group(group):
            return chosen
        managers = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("company_ids", "in", self.ids),
                    ("all_group_ids", "in", self.env.ref(group).ids),
                    ("id", "!=", self.env.ref("base.user_root").id),
                ],
                order="id",
            )
        )
        # The administrator is a Support Manager too: a real one first.
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        return (managers - admin)[:1] or managers[:1] or responsible
