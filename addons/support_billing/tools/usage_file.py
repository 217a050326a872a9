"""Reading providers' usage statements (CSV, XLSX, XLS), without the ORM.

Only reading and shaping: every row comes back with its number and its raw
values by column; checking them against customers and services is the
wizard's job.
"""

import csv
import io
from datetime import date, datetime

COLUMNS = {
    "customer": ("customer", "vat", "vat number", "customer vat", "reference customer"),
    "service": ("service", "product"),
    "date": ("date",),
    "quantity": ("quantity", "qty"),
    "price_unit": ("unit price", "unit_price", "price"),
    "reference": ("reference", "provider reference", "provider_reference", "ref"),
}


class UsageFileError(Exception):
    """The file as a whole cannot be read: ``kind`` says why."""

    def __init__(self, kind, detail=""):
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


def read_rows(content: bytes, filename: str):
    """(columns found, [(row number, {column: raw value})]) of a statement."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        table = _read_csv(content)
    elif name.endswith(".xlsx"):
        table = _read_xlsx(content)
    elif name.endswith(".xls"):
        table = _read_xls(content)
    else:
        raise UsageFileError("format", filename)
    table = [row for row in table if any(str(v).strip() for v in row if v is not None)]
    if not table:
        raise UsageFileError("empty")
    header = [str(h or "").strip().lower() for h in table[0]]
    positions = {}
    for column, aliases in COLUMNS.items():
        for index, title in enumerate(header):
            if title in aliases:
                positions[column] = index
                break
    missing = [column for column in COLUMNS if column not in positions]
    if missing:
        raise UsageFileError("columns", ", ".join(missing))
    rows = []
    for number, row in enumerate(table[1:], start=2):
        rows.append(
            (
                number,
                {
                    column: row[index] if index < len(row) else None
                    for column, index in positions.items()
                },
            )
        )
    return rows


def _read_csv(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin1")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _read_xlsx(content):
    import openpyxl  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except Exception as error:  # noqa: BLE001 any unreadable workbook
        raise UsageFileError("unreadable", str(error)) from None
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _read_xls(content):
    import xlrd  # noqa: PLC0415

    try:
        book = xlrd.open_workbook(file_contents=content)
    except Exception as error:  # noqa: BLE001 any unreadable workbook
        raise UsageFileError("unreadable", str(error)) from None
    sheet = book.sheet_by_index(0)
    rows = []
    for r in range(sheet.nrows):
        row = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            else:
                row.append(cell.value)
        rows.append(row)
    return rows


def parse_date(value):
    """A date from a cell: a date, a datetime, or YYYY-MM-DD text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_number(value):
    """A float from a cell: a number, or text with a dot or comma decimal."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def reference_text(value):
    """A provider reference: numbers read from sheets lose their '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value or "").strip()
