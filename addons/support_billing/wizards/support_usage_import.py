import base64

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date
from odoo.tools.sql import escape_psql

from ..tools import usage_file


class SupportUsageImport(models.TransientModel):
    _name = "support.usage.import"
    _description = "Import a usage statement"

    provider_id = fields.Many2one(
        "support.usage.provider",
        string="Provider",
        help="Who sent the statement, e.g. InExchange. Needed unless the file has "
        "a provider column.",
    )
    file = fields.Binary(required=True)
    filename = fields.Char()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    state = fields.Selection(
        [("draft", "Draft"), ("errors", "Errors"), ("done", "Done")], default="draft"
    )
    result = fields.Text(readonly=True)

    def _file_error(self, error):
        detail = error.detail if isinstance(error.detail, dict) else {}
        if error.kind == "too_large":
            return {
                "bytes": self.env._(
                    "The file is too large (%(found)s bytes, at most %(limit)s): "
                    "split the statement into smaller files.",
                    **detail,
                ),
                "unpacked": self.env._(
                    "The workbook unpacks to %(found)s bytes, more than the "
                    "%(limit)s an import reads: save only the statement's rows in "
                    "a new file.",
                    **detail,
                ),
                "rows": self.env._(
                    "The file has more than %(limit)s rows: split the statement "
                    "into smaller files.",
                    **detail,
                ),
                "columns": self.env._(
                    "The file has a row with %(found)s columns, more than the "
                    "%(limit)s an import reads: remove the extra columns.",
                    **detail,
                ),
            }[detail["what"]]
        messages = {
            "format": lambda: self.env._(
                "%(file)s is not a CSV, XLSX or XLS file.", file=error.detail
            ),
            "mismatch": lambda: self.env._(
                "%(file)s does not hold what its name says: an .xls file must be "
                "an Excel 97-2003 workbook, an .xlsx file an Excel workbook and a "
                ".csv file text.",
                file=error.detail,
            ),
            "declared": lambda: self.env._(
                "The sheet declares the range %(ref)s, larger than the %(rows)s "
                "rows and %(columns)s columns an import reads: save only the "
                "statement's rows in a new file.",
                **detail,
            ),
            "empty": lambda: self.env._("The file has no rows."),
            "columns": lambda: self.env._(
                "The file lacks the column(s): %(columns)s. Expected: customer, "
                "service, date, quantity, unit price, reference.",
                columns=error.detail,
            ),
            "unreadable": lambda: self.env._(
                "The file cannot be read: %(detail)s", detail=error.detail
            ),
        }
        return messages[error.kind]() if error.kind in messages else error.kind

    def _exact(self, records, field, text, domain):
        """Records whose ``field`` is ``text``, case aside: no wildcard matches."""
        found = records.search([(field, "=ilike", escape_psql(text)), *domain])
        wanted = usage_file.same_text(text)
        return found.filtered(lambda r: usage_file.same_text(r[field]) == wanted)

    def _find_customers(self, text):
        """The commercial partners of the company whose VAT, reference or name
        is ``text`` exactly (case aside), tried in that order."""
        domain = [("company_id", "in", [False, self.company_id.id])]
        Partner = self.env["res.partner"].with_context(active_test=False)
        compact = text.replace(" ", "")
        for field, value in (("vat", compact), ("ref", text), ("name", text)):
            found = self._exact(Partner, field, value, domain)
            if found:
                return found.commercial_partner_id
        return Partner

    def _find_service(self, text):
        domain = [
            ("support_usage_service", "=", True),
            ("company_id", "in", [False, self.company_id.id]),
        ]
        Product = self.env["product.product"]
        return self._exact(Product, "support_usage_code", text, domain) or self._exact(
            Product, "name", text, domain
        )

    def _row_provider(self, raw, providers):
        """(provider, error) of one row: its provider column, else the chosen one."""
        text = usage_file.reference_text(raw.get("provider"))
        if not text:
            if self.provider_id:
                return self.provider_id, None
            return None, self.env._(
                "no provider: choose the provider or add a provider column"
            )
        provider = providers.get(usage_file.same_text(text))
        if not provider:
            return None, self.env._("unknown provider %(value)s", value=text)
        if self.provider_id and provider != self.provider_id:
            return None, self.env._(
                "the provider %(value)s is not %(provider)s, chosen for this import",
                value=text,
                provider=self.provider_id.name,
            )
        return provider, None

    def _row_customer(self, raw, cache):
        """(customer, error) of one row, looked up once per cell value."""
        text = usage_file.reference_text(raw["customer"])
        if text not in cache:
            cache[text] = (
                self._find_customers(text) if text else self.env["res.partner"]
            )
        customer = cache[text]
        if not customer:
            return customer, self.env._(
                "no customer has the VAT number, reference or name %(value)s",
                value=text or "-",
            )
        if len(customer) > 1:
            return customer, self.env._(
                "%(value)s matches several customers: %(names)s",
                value=text,
                names=", ".join(customer.mapped("display_name")),
            )
        return customer, None

    def _row_service(self, raw, cache):
        """(service, error) of one row, looked up once per cell value."""
        text = usage_file.reference_text(raw["service"])
        if text not in cache:
            cache[text] = (
                self._find_service(text) if text else self.env["product.product"]
            )
        service = cache[text]
        if not service:
            return service, self.env._(
                "%(value)s is not a pay-per-transaction service", value=text or "-"
            )
        if len(service) > 1:
            return service, self.env._(
                "%(value)s matches several services: %(names)s",
                value=text,
                names=", ".join(service.mapped("display_name")),
            )
        return service, None

    def _row_agreement(self, customer, day, cache):
        """(agreement, error): the agreement of the company running on ``day``."""
        key = (customer, day)
        if key not in cache:
            cache[key] = (
                self.env["sale.subscription"]
                .sudo()
                ._support_covering_agreement(customer, day, self.company_id)
            )
        if cache[key]:
            return cache[key], None
        return cache[key], self.env._(
            "%(customer)s has no running support agreement of %(company)s on %(date)s",
            customer=customer.display_name,
            company=self.company_id.name,
            date=format_date(self.env, day),
        )

    def _row_amounts(self, raw):
        """(quantity, unit price, [errors]): finite, the quantity above zero."""
        errors = []
        quantity = usage_file.parse_number(raw["quantity"])
        if quantity is None or quantity <= 0:
            errors.append(
                self.env._(
                    "the quantity %(value)s is not a positive number",
                    value=raw["quantity"] if raw["quantity"] is not None else "-",
                )
            )
        price = usage_file.parse_number(raw["price_unit"])
        if price is None or price < 0:
            errors.append(
                self.env._(
                    "the unit price %(value)s is not a number",
                    value=raw["price_unit"] if raw["price_unit"] is not None else "-",
                )
            )
        return quantity, price, errors

    def _validate(self, rows):
        """(values to create, [error lines]) for every row of the file."""
        errors, values, seen = [], [], set()
        providers = self.env["support.usage.provider"]._support_by_name()
        customers, services, agreements = {}, {}, {}
        for number, raw in rows:
            provider, provider_error = self._row_provider(raw, providers)
            customer, customer_error = self._row_customer(raw, customers)
            service, service_error = self._row_service(raw, services)
            row_errors = [
                e for e in (provider_error, customer_error, service_error) if e
            ]
            day = usage_file.parse_date(raw["date"])
            agreement = None
            if not day:
                row_errors.append(
                    self.env._(
                        "%(value)s is not a date (YYYY-MM-DD)",
                        value=raw["date"] or "-",
                    )
                )
            elif not customer_error:
                agreement, error = self._row_agreement(customer, day, agreements)
                row_errors += [error] if error else []
            quantity, price, amount_errors = self._row_amounts(raw)
            row_errors += amount_errors
            reference = usage_file.reference_text(raw["reference"])
            if not reference:
                row_errors.append(self.env._("the provider reference is missing"))
            elif (provider, reference) in seen:
                row_errors.append(
                    self.env._(
                        "the provider reference %(value)s appears twice in the file",
                        value=reference,
                    )
                )
            seen.add((provider, reference))
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
                    "agreement_id": agreement.id,
                    "product_id": service.id,
                    "date": day,
                    "quantity": quantity,
                    "price_unit": price,
                    "provider_id": provider.id,
                    "provider_reference": reference,
                    "company_id": self.company_id.id,
                }
            )
        return values, errors

    def _check_import_company(self):
        """The company written into is one the user works in."""
        if not self.env.su and self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You can import usage only into a company you work in: choose "
                    "one of your companies."
                )
            )

    def action_import(self):
        self.ensure_one()
        lang = self.env.context.get("lang") or self.env.user.lang
        wizard = self.with_context(lang=lang)
        wizard._check_import_company()
        return wizard.with_company(self.company_id)._import()

    def _import(self):
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
        # Every usage of the company counts, also those the user cannot read:
        # the database constraint would refuse them anyway.
        existing = {
            (usage.provider_id.id, usage.provider_reference)
            for usage in self.env["support.usage"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("provider_id", "in", list({v["provider_id"] for v in values})),
                    (
                        "provider_reference",
                        "in",
                        [v["provider_reference"] for v in values],
                    ),
                ]
            )
        }
        new = [
            v
            for v in values
            if (v["provider_id"], v["provider_reference"]) not in existing
        ]
        self.env["support.usage"].create(new)
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
