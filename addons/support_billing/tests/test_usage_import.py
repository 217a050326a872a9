import base64
import io

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SupportBillingCommon

CSV = (
    "customer;service;date;quantity;unit price;reference\n"
    "SE556000111101;OCR;2026-10-02;120;0,85;INX-1\n"
    "SE556000111101;OCR;2026-10-03;80;0,85;INX-2\n"
)


@tagged("post_install", "-at_install")
class TestUsageImport(SupportBillingCommon):
    def import_file(self, content, filename):
        wizard = self.env["support.usage.import"].create(
            {
                "provider": "Test provider",
                "file": base64.b64encode(content),
                "filename": filename,
            }
        )
        wizard.action_import()
        return wizard

    def usages(self):
        return self.env["support.usage"].search([("provider", "=", "Test provider")])

    def test_csv_imports_and_reimport_adds_nothing(self):
        wizard = self.import_file(CSV.encode(), "statement.csv")
        self.assertEqual(wizard.state, "done")
        self.assertEqual(len(self.usages()), 2)
        self.assertEqual(self.usages().agreement_id, self.agreement)
        self.assertEqual(sum(self.usages().mapped("quantity")), 200)
        again = self.import_file(CSV.encode(), "statement.csv")
        self.assertIn("2 already imported", again.result)
        self.assertEqual(len(self.usages()), 2)

    def test_one_invalid_row_imports_nothing_and_names_the_rows(self):
        bad = CSV + (
            "SE000;OCR;2026-10-04;10;1;INX-3\n"
            "SE556000111101;Telefax;31/31/2026;-1;x;INX-1\n"
        )
        wizard = self.import_file(bad.encode(), "statement.csv")
        self.assertEqual(wizard.state, "errors")
        self.assertFalse(self.usages())
        self.assertIn(
            "Row 4: no customer has the VAT number or reference SE000", wizard.result
        )
        self.assertIn("Row 5:", wizard.result)
        self.assertIn("Telefax is not a pay-per-transaction service", wizard.result)
        self.assertIn("31/31/2026 is not a date", wizard.result)
        self.assertIn("appears twice", wizard.result)

    def test_errors_are_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("sv_SE")
        wizard = self.import_file(
            b"customer;service;date;quantity;unit price;reference\n"
            b"SE000;OCR;2026-10-04;1;1;A\n",
            "statement.csv",
        ).with_context(lang="sv_SE")
        wizard.with_context(lang="sv_SE").action_import()
        self.assertIn("Rad 2", wizard.result)

    def test_xlsx_and_xls_statements(self):
        import openpyxl
        import xlwt

        rows = [
            ["Customer", "Service", "Date", "Quantity", "Unit price", "Reference"],
            ["SE556000111101", "OCR", "2026-10-02", 50, 0.85, "X-1"],
        ]
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        self.assertEqual(self.import_file(buffer.getvalue(), "s.xlsx").state, "done")
        xls = xlwt.Workbook()
        sheet = xls.add_sheet("usage")
        rows[1][-1] = "X-2"
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        buffer = io.BytesIO()
        xls.save(buffer)
        self.assertEqual(self.import_file(buffer.getvalue(), "s.xls").state, "done")
        self.assertEqual(len(self.usages()), 2)

    def test_unreadable_files_say_why(self):
        with self.assertRaisesRegex(UserError, "not a CSV, XLSX or XLS"):
            self.import_file(b"x", "statement.pdf")
        with self.assertRaisesRegex(UserError, "lacks the column"):
            self.import_file(b"customer;date\nA;B\n", "statement.csv")
