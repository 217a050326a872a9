import base64

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import usage_file


class SupportUsageImport(models.TransientModel):
    _name = "support.usage.import"
    _description = "Import a usage statement"

    provider = fields.Char(
        required=True, help="Who sent the statement, e.g. InExchange."
    )
    file = fields.Binary(required=True)
    filename = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("draft", "Draft"), ("errors", "Errors"), ("done", "Done")], default="draft"
    )
    result = fields.Text(readonly=True)

    def _file_error(self, error):
        messages = {
            "format": self.env._(
                "%(file)s is not a CSV, XLSX or XLS file.", file=error.detail
            ),
            "empty": self.env._("The file has no rows."),
            "columns": self.env._(
                "The file lacks the column(s): %(columns)s. Expected: customer, "
                "service, date, quantity, unit price, reference.",
                columns=error.detail,
            ),
            "unreadable": self.env._(
                "The file cannot be read: %(detail)s", detail=error.detail
            ),
        }
        return messages.get(error.kind, error.kind)

    def _find_customer(self, value):
        text = usage_file.reference_text(value)
        if not text:
            return self.env["res.partner"]
        compact = text.replace(" ", "").upper()
        Partner = self.env["res.partner"].with_context(active_test=False)
        partner = Partner.search([("vat", "=ilike", compact)], limit=1)
        if not partner:
            partner = Partner.search([("ref", "=", text)], limit=1)
        return partner.commercial_partner_id

    def _find_service(self, value):
        text = usage_file.reference_text(value)
        if not text:
            return self.env["product.product"]
        Product = self.env["product.product"]
        domain = [("support_usage_service", "=", True)]
        return Product.search(
            domain + [("support_usage_code", "=ilike", text)], limit=1
        ) or Product.search(domain + [("name", "=ilike", text)], limit=1)

    def _validate(self, rows):
        """(values to create, [error lines]) for every row of the file."""
        errors, values, seen = [], [], set()
        for number, raw in rows:
            row_errors = []
            customer = self._find_customer(raw["customer"])
            if not customer:
                row_errors.append(
                    self.env._(
                        "no customer has the VAT number or reference %(value)s",
                        value=usage_file.reference_text(raw["customer"]) or "-",
                    )
                )
            service = self._find_service(raw["service"])
            if not service:
                row_errors.append(
                    self.env._(
                        "%(value)s is not a pay-per-transaction service",
                        value=usage_file.reference_text(raw["service"]) or "-",
                    )
                )
            day = usage_file.parse_date(raw["date"])
            if not day:
                row_errors.append(
                    self.env._(
                        "%(value)s is not a date (YYYY-MM-DD)",
                        value=raw["date"] or "-",
                    )
                )
            quantity = usage_file.parse_number(raw["quantity"])
            if quantity is None or quantity <= 0:
                row_errors.append(
                    self.env._(
                        "the quantity %(value)s is not a positive number",
                        value=raw["quantity"] if raw["quantity"] is not None else "-",
                    )
                )
            price = usage_file.parse_number(raw["price_unit"])
            if price is None or price < 0:
                row_errors.append(
                    self.env._(
                        "the unit price %(value)s is not a number",
                        value=raw["price_unit"]
                        if raw["price_unit"] is not None
                        else "-",
                    )
                )
            reference = usage_file.reference_text(raw["reference"])
            if not reference:
                row_errors.append(self.env._("the provider reference is missing"))
            elif reference in seen:
                row_errors.append(
                    self.env._(
                        "the provider reference %(value)s appears twice in the file",
                        value=reference,
                    )
                )
            seen.add(reference)
            if row_errors:
                errors.append(
                    self.env._(
                        "Row %(row)s: %(errors)s.",
                        row=number,
                        errors="; ".join(row_errors),
                    )
                )
                continue
            values.append(
                {
                    "partner_id": customer.id,
                    "product_id": service.id,
                    "date": day,
                    "quantity": quantity,
                    "price_unit": price,
                    "provider": self.provider.strip(),
                    "provider_reference": reference,
                    "company_id": self.company_id.id,
                }
            )
        return values, errors

    def action_import(self):
        self.ensure_one()
        try:
            rows = usage_file.read_rows(base64.b64decode(self.file), self.filename)
        except usage_file.UsageFileError as error:
            raise UserError(self._file_error(error)) from None
        values, errors = self._validate(rows)
        if errors:
            self.write(
                {
                    "state": "errors",
                    "result": self.env._(
                        "Nothing was imported: correct these rows and import the "
                        "file again.\n%(errors)s",
                        errors="\n".join(errors),
                    ),
                }
            )
            return self._reopen()
        Usage = self.env["support.usage"]
        existing = set(
            Usage.search(
                [
                    ("provider", "=", self.provider.strip()),
                    (
                        "provider_reference",
                        "in",
                        [v["provider_reference"] for v in values],
                    ),
                ]
            ).mapped("provider_reference")
        )
        new = [v for v in values if v["provider_reference"] not in existing]
        Usage.create(new)
        self.write(
            {
                "state": "done",
                "result": self.env._(
                    "%(new)s usage line(s) imported, %(old)s already imported before.",
                    new=len(new),
                    old=len(values) - len(new),
                ),
            }
        )
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
