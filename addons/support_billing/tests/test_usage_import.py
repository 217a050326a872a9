import base64
import io
import time
import tracemalloc
import zipfile
from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..tools.usage_file import OLE_MAGIC
from .common import SupportBillingCommon

HEADER = "customer;service;date;quantity;unit price;reference\n"
CSV = (
    HEADER + "SE556000111101;OCR;2026-10-02;120;0,85;INX-1\n"
    "SE556000111101;OCR;2026-10-03;80;0,85;INX-2\n"
)


def with_provider(csv, spelling):
    """The same statement with a provider column spelt ``spelling``."""
    header, *rows = csv.strip().split("\n")
    return "\n".join([f"provider;{header}"] + [f"{spelling};{r}" for r in rows])


def xlsx(sheet_xml):
    """A real XLSX archive (the parts Excel writes) around one sheet's XML."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
            "application/vnd.openxmlformats-officedocument.spreadsheetml."
            'worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" '
            f'xmlns:r="{rel}"><sheets><sheet name="Usage" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
            f"{sheet_xml}</worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def xlsx_row(number, values):
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


@tagged("post_install", "-at_install")
class TestUsageImport(SupportBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env, "acc", groups="account.group_account_invoice"
        )

    def import_file(self, content, filename, user=None, **values):
        """The accountant (or ``user``) imports through the wizard's button."""
        values.setdefault("provider_id", self.usage_provider.id)
        wizard = (
            self.env["support.usage.import"]
            .with_user(user or self.accountant)
            .create(
                {
                    "file": base64.b64encode(content),
                    "filename": filename,
                    **values,
                }
            )
        )
        wizard.action_import()
        return wizard

    def usages(self):
        return self.env["support.usage"].search(
            [("provider_id", "=", self.usage_provider.id)]
        )

    def test_csv_imports_and_reimport_adds_nothing(self):
        wizard = self.import_file(CSV.encode(), "statement.csv")
        self.assertEqual(wizard.state, "done")
        self.assertEqual(len(self.usages()), 2)
        self.assertEqual(self.usages().agreement_id, self.agreement)
        self.assertEqual(sum(self.usages().mapped("quantity")), 200)
        again = self.import_file(CSV.encode(), "statement.csv")
        self.assertIn("2 already imported", again.result)
        self.assertEqual(len(self.usages()), 2)

    def test_reimport_under_another_spelling_of_the_provider_adds_nothing(self):
        self.import_file(CSV.encode(), "statement.csv")
        Provider = self.env["support.usage.provider"]
        providers = Provider.search_count([])
        for spelling in ("inexchange (test)", "INEXCHANGE  (Test)"):
            again = self.import_file(
                with_provider(CSV, spelling).encode(),
                "statement.csv",
                provider_id=False,
            )
            self.assertEqual(again.state, "done", again.result)
            self.assertIn("0 usage line(s) imported, 2 already", again.result)
        wizard = self.import_file(
            with_provider(CSV, "InExchange2").encode(),
            "statement.csv",
            provider_id=False,
        )
        self.assertEqual(wizard.state, "errors")
        self.assertIn("Row 2: unknown provider InExchange2", wizard.result)
        chosen_other = Provider.create({"name": "Other provider (test)"})
        wizard = self.import_file(
            with_provider(CSV, "InExchange (test)").encode(),
            "statement.csv",
            provider_id=chosen_other.id,
        )
        self.assertIn("is not Other provider (test), chosen", wizard.result)
        self.assertEqual(Provider.search_count([]), providers + 1)
        self.assertEqual(len(self.usages()), 2)
        self.assertEqual(sum(self.usages().mapped("quantity")), 200)
        # Billed once: the invoices bill 200 transactions, and the statement
        # imported again after billing adds nothing to bill.
        self.run_invoicing(date(2026, 11, 15))
        billed = self.usages().invoice_line_id
        self.assertEqual(len(billed.move_id), 1)
        self.assertEqual(sum(billed.mapped("quantity")), 200)
        again = self.import_file(
            with_provider(CSV, "InExchange (TEST)").encode(),
            "statement.csv",
            provider_id=False,
        )
        self.assertIn("0 usage line(s) imported, 2 already", again.result)
        self.assertEqual(self.usages().invoice_line_id, billed)
        # Two imports at once cannot both insert: the database refuses.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["support.usage"].create(
                {
                    "partner_id": self.customer.id,
                    "product_id": self.ocr.id,
                    "date": "2026-10-02",
                    "quantity": 120,
                    "price_unit": 0.85,
                    "provider_id": self.usage_provider.id,
                    "provider_reference": "INX-1",
                }
            )

    def test_one_invalid_row_imports_nothing_and_names_the_rows(self):
        bad = CSV + (
            "SE000;OCR;2026-10-04;10;1;INX-3\n"
            "SE556000111101;Telefax;31/31/2026;-1;x;INX-1\n"
        )
        wizard = self.import_file(bad.encode(), "statement.csv")
        self.assertEqual(wizard.state, "errors")
        self.assertFalse(self.usages())
        self.assertIn(
            "Row 4: no customer has the VAT number, reference or name SE000",
            wizard.result,
        )
        self.assertIn("Row 5:", wizard.result)
        self.assertIn("Telefax is not a pay-per-transaction service", wizard.result)
        self.assertIn("31/31/2026 is not a date", wizard.result)
        self.assertIn("appears twice", wizard.result)

    def test_wildcards_match_no_customer_or_service(self):
        self.customer.ref = "KUND1"
        rows = (
            "%;OCR;2026-10-02;1;1;W-1\n"
            "Kund%;OCR;2026-10-02;1;1;W-2\n"
            "_UND1;OCR;2026-10-02;1;1;W-3\n"
            "SE55600011110_;OCR;2026-10-02;1;1;W-4\n"
            "SE556000111101;%;2026-10-02;1;1;W-5\n"
        )
        wizard = self.import_file((HEADER + rows).encode(), "statement.csv")
        self.assertEqual(wizard.state, "errors")
        for row, value in ((2, "%"), (3, "Kund%"), (4, "_UND1"), (5, "SE55600011110_")):
            self.assertIn(
                f"Row {row}: no customer has the VAT number, reference or name {value}",
                wizard.result,
            )
        self.assertIn("Row 6: % is not a pay-per-transaction service", wizard.result)
        self.assertFalse(self.usages())
        exact = (
            "kund ett ab;ocr;2026-10-02;1;1;E-1\n"
            "kund1;OCR;2026-10-02;1;1;E-2\n"
            "se556000111101;OCR;2026-10-02;1;1;E-3\n"
        )
        wizard = self.import_file((HEADER + exact).encode(), "statement.csv")
        self.assertEqual(wizard.state, "done", wizard.result)
        self.assertEqual(self.usages().partner_id, self.customer)

    def test_quantities_must_be_finite_and_positive(self):
        rows = "".join(
            f"SE556000111101;OCR;2026-10-02;{quantity};1;Q-{n}\n"
            for n, quantity in enumerate(("nan", "inf", "-inf", "1e400", "-1", "0"))
        )
        wizard = self.import_file((HEADER + rows).encode(), "statement.csv")
        self.assertEqual(wizard.state, "errors")
        for row, quantity in enumerate(("nan", "inf", "-inf", "1e400", "-1", "0"), 2):
            self.assertIn(
                f"Row {row}: the quantity {quantity} is not a positive number",
                wizard.result,
            )
        wizard = self.import_file(
            (HEADER + "SE556000111101;OCR;2026-10-02;3;nan;P-1\n").encode(),
            "statement.csv",
        )
        self.assertIn("Row 2: the unit price nan is not a number", wizard.result)
        self.assertFalse(self.usages())

    def test_customer_without_running_agreement_is_a_row_error(self):
        self.other_customer.vat = "SE556000222201"
        rows = (
            "SE556000111101;OCR;2026-10-02;5;1;A-1\n"
            "SE556000222201;OCR;2026-10-02;5;1;A-2\n"
            "SE556000111101;OCR;2025-12-31;5;1;A-3\n"
        )
        wizard = self.import_file((HEADER + rows).encode(), "statement.csv")
        self.assertEqual(wizard.state, "errors")
        self.assertIn(
            "Row 3: Kund Två AB has no running support agreement of", wizard.result
        )
        self.assertIn(
            "Row 4: Kund Ett AB has no running support agreement of", wizard.result
        )
        self.assertNotIn("Row 2", wizard.result)
        self.assertFalse(self.usages())

    def test_errors_are_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("sv_SE")
        swede = new_test_user(
            self.env, "acc_sv", groups="account.group_account_invoice", lang="sv_SE"
        )
        wizard = self.import_file(
            (HEADER + "SE000;OCR;2026-10-04;nan;1;A\n").encode(),
            "statement.csv",
            user=swede,
        )
        self.assertIn("Rad 2", wizard.result)
        self.assertIn("kvantiteten nan är inget positivt tal", wizard.result)

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

    def test_xlsx_declaring_the_whole_sheet_is_refused_fast(self):
        content = xlsx(
            '<dimension ref="A1:XFD1048576"/><sheetData>'
            + xlsx_row(1, ["customer", "service", "date", "quantity", "unit price"])
            + "".join(
                xlsx_row(n, ["SE556000111101", "OCR", "2026-10-02", "1", "1"])
                for n in range(2, 120)
            )
            + "</sheetData>"
        )
        self.assertLess(len(content), 6000)
        tracemalloc.start()
        started = time.monotonic()
        try:
            with self.assertRaisesRegex(UserError, "declares the range A1:XFD1048576"):
                self.import_file(content, "statement.xlsx")
            elapsed = time.monotonic() - started
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        self.assertLess(elapsed, 0.5)
        self.assertLess(peak, 20 * 1024 * 1024)

    def test_xlsx_cells_beyond_the_bounds_are_refused(self):
        far_column = xlsx(
            '<sheetData><row r="1"><c r="XFD1"><v>1</v></c></row></sheetData>'
        )
        with self.assertRaisesRegex(UserError, "a row with 16384 columns"):
            self.import_file(far_column, "statement.xlsx")
        far_row = xlsx(
            "<sheetData>"
            + xlsx_row(1, ["customer"])
            + xlsx_row(1048576, ["x"])
            + "</sheetData>"
        )
        with self.assertRaisesRegex(UserError, "more than 50000 rows"):
            self.import_file(far_row, "statement.xlsx")

    def test_files_not_what_their_name_says_are_refused(self):
        with self.assertRaisesRegex(UserError, "does not hold what its name says"):
            self.import_file(CSV.encode(), "statement.xls")
        with self.assertRaisesRegex(UserError, "does not hold what its name says"):
            self.import_file(xlsx("<sheetData/>"), "statement.xls")
        with self.assertRaisesRegex(UserError, "does not hold what its name says"):
            self.import_file(xlsx("<sheetData/>"), "statement.csv")
        with self.assertRaisesRegex(UserError, "cannot be read"):
            self.import_file(OLE_MAGIC + b"\0" * 600, "statement.xls")
        with self.assertRaisesRegex(UserError, "too large"):
            self.import_file(b"x" * (5 * 1024 * 1024 + 1), "statement.csv")

    def test_unreadable_files_say_why(self):
        with self.assertRaisesRegex(UserError, "not a CSV, XLSX or XLS"):
            self.import_file(b"x", "statement.pdf")
        with self.assertRaisesRegex(UserError, "lacks the column"):
            self.import_file(b"customer;date\nA;B\n", "statement.csv")

    def test_support_manager_imports_and_accountant_sees_the_menus(self):
        wizard = self.import_file(
            CSV.encode(), "statement.csv", user=self.support_manager
        )
        self.assertEqual(wizard.state, "done", wizard.result)
        visible = self.env["ir.ui.menu"].with_user(self.accountant)._visible_menu_ids()
        for xmlid in (
            "support_usage_import_account_menu",
            "support_usage_account_menu",
        ):
            self.assertIn(self.env.ref(f"support_billing.{xmlid}").id, visible)
        self.assertEqual(
            len(self.usages().with_user(self.accountant).read(["quantity"])), 2
        )


@tagged("post_install", "-at_install")
class TestUsageCompanies(SupportBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Bolag B (test)"})
        cls.accountant = new_test_user(
            cls.env, "acc_a", groups="account.group_account_invoice"
        )
        cls.accountant_b = new_test_user(
            cls.env,
            "acc_b",
            groups="account.group_account_invoice",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )

    def wizard(self, user, company):
        return (
            self.env["support.usage.import"]
            .with_user(user)
            .create(
                {
                    "provider_id": self.usage_provider.id,
                    "file": base64.b64encode(CSV.encode()),
                    "filename": "statement.csv",
                    "company_id": company.id,
                }
            )
        )

    def test_a_user_of_another_company_reads_none_of_its_usage(self):
        wizard = self.wizard(self.accountant, self.company)
        wizard.action_import()
        self.assertEqual(wizard.state, "done", wizard.result)
        usages = self.env["support.usage"].search(
            [("provider_id", "=", self.usage_provider.id)]
        )
        self.assertEqual(len(usages), 2)
        Usage = self.env["support.usage"].with_user(self.accountant_b)
        self.assertFalse(Usage.search([]))
        with self.assertRaises(AccessError):
            usages.with_user(self.accountant_b).read(["quantity"])

    def test_import_into_a_company_the_user_is_not_in_is_refused(self):
        wizard = self.wizard(self.accountant_b, self.company)
        with self.assertRaisesRegex(AccessError, "only into a company you work in"):
            wizard.action_import()
        self.assertFalse(
            self.env["support.usage"].search(
                [("provider_id", "=", self.usage_provider.id)]
            )
        )

    def test_customers_of_another_company_are_not_matched(self):
        self.env["res.partner"].create(
            {
                "name": "Kund i Bolag B",
                "is_company": True,
                "vat": "SE556000333301",
                "company_id": self.company_b.id,
            }
        )
        wizard = self.wizard(self.accountant, self.company)
        wizard.file = base64.b64encode(
            (HEADER + "SE556000333301;OCR;2026-10-02;5;1;B-1\n").encode()
        )
        wizard.action_import()
        self.assertEqual(wizard.state, "errors")
        self.assertIn(
            "no customer has the VAT number, reference or name SE556000333301",
            wizard.result,
        )
