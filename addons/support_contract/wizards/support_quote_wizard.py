from odoo import api, fields, models
from odoo.exceptions import UserError


class SupportQuoteWizard(models.TransientModel):
    _name = "support.quote.wizard"
    _description = "Quote from repository"

    order_id = fields.Many2one(
        "sale.order",
        string="Quotation",
        help="Empty: a new quotation is made for the customer.",
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    template_id = fields.Many2one(
        "sale.subscription.template",
        string="Agreement template",
        required=True,
        domain=[
            ("support_kind", "=", "maintenance"),
            ("support_code_line_product_id", "!=", False),
        ],
    )
    url = fields.Char(
        string="Git URL",
        required=True,
        help="https://host/owner/repo.git, ssh://git@host/owner/repo.git or "
        "git@host:owner/repo.git. Credentials never go in the URL.",
    )
    branch = fields.Char(help="The branch to count. Empty: the remote's default.")
    folders = fields.Text(
        string="Addon folders",
        help="Sub-folders that hold addons, one per line. Empty: every addon.",
    )
    # As on repositories: only Support Managers enter credentials; they are
    # moved to the repository's credential record and wiped from the wizard.
    auth_token = fields.Char(
        string="HTTPS token",
        groups="support_contract.group_support_manager",
        exportable=False,
    )
    ssh_private_key = fields.Text(
        string="SSH private key",
        groups="support_contract.group_support_manager",
        exportable=False,
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(values.get("order_id"))
        if order:
            values.setdefault("partner_id", order.partner_id.id)
            values["company_id"] = order.company_id.id
            template = order.support_quote_template_id
            repository = order.support_quote_repository_id
            if template:
                values.setdefault("template_id", template.id)
            if repository:
                values.setdefault("url", repository.url)
                values.setdefault("branch", repository.branch)
                values.setdefault("folders", repository.folders)
        if "template_id" in fields_list and not values.get("template_id"):
            # The one template that can price code lines is the choice.
            templates = self.env["sale.subscription.template"].search(
                [
                    ("support_kind", "=", "maintenance"),
                    ("support_code_line_product_id", "!=", False),
                ],
                limit=2,
            )
            if len(templates) == 1:
                values["template_id"] = templates.id
        return values

    def _secrets(self):
        wizard = self.sudo()
        return {
            key: value.strip()
            for key, value in (
                ("auth_token", wizard.auth_token),
                ("ssh_private_key", wizard.ssh_private_key),
            )
            if value and value.strip()
        }

    def action_quote(self):
        """Count the repository and price the quotation from it."""
        self.ensure_one()
        self.env["sale.order"]._support_check_quote_right()
        secrets = self._secrets()
        # Moved to the repository's credential record, wiped from the wizard.
        # (When the count fails the request is rolled back: the wizard row
        # keeps them until the transient rows are vacuumed, readable only by
        # its creator, a Support Manager.)
        self.sudo().write({"auth_token": False, "ssh_private_key": False})
        order = self.order_id
        if order and order.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "%(order)s belongs to another company than the one quoted for.",
                    order=order.name,
                )
            )
        # A count that fails leaves everything as it was: no new quotation,
        # no repository, the quotation's lines unchanged.
        with self.env.cr.savepoint():
            if not order:
                order = self.env["sale.order"].create(
                    {
                        "partner_id": self.partner_id.id,
                        "company_id": self.company_id.id,
                    }
                )
            order._support_quote_check(self.template_id)
            repository = (
                self.env["support.repository"]
                .with_company(order.company_id)
                .create(
                    {
                        "sale_order_id": order.id,
                        "url": (self.url or "").strip(),
                        "branch": (self.branch or "").strip() or False,
                        "folders": self.folders,
                        "active": False,
                    }
                )
            )
            if secrets:
                repository._set_credentials(**secrets)
            try:
                snapshot = order._support_quote_count(repository)
                order._support_quote_write(repository, snapshot, self.template_id)
            except Exception:
                # The repository is rolled back with the quote: so is its cache.
                repository._remove_cache()
                raise
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
