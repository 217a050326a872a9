"""Reading providers' usage statements (CSV, XLSX, XLS), without the ORM.

Only reading and shaping: every row comes back with its number and its raw
values by column; checking them against customers and services is the
wizard's job.

A statement is bounded before it is loaded (``MAX_BYTES``, ``MAX_ROWS``,
``MAX_COLUMNS``, and for XLSX ``MAX_UNPACKED_BYTES``): an XLSX sheet is first
scanned as a stream, its declared dimension checked and its real rows and
cells counted, then read in openpyxl's read-only mode with the declared
dimension ignored. An .xls file is read only when it is a real Excel 97-2003
(OLE2/BIFF) workbook, an .xlsx file only when it is a ZIP archive.
"""

import csv
import io
import math
import re
import zipfile
from datetime import date, datetime
from xml.parsers import expat

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50000
MAX_COLUMNS = 50

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

COLUMNS = {
    "customer": (
        "customer",
        "vat",
        "vat number",
        "customer vat",
        "reference customer",
    ),
    "service": ("service", "product"),
    "date": ("date",),
    "quantity": ("quantity", "qty"),
    "price_unit": ("unit price", "unit_price", "price"),
    "reference": ("reference", "provider reference", "provider_reference", "ref"),
}
OPTIONAL_COLUMNS = {"provider": ("provider", "sender")}

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?$")


class UsageFileError(Exception):
    """The file as a whole cannot be read: ``kind`` says why.

    ``detail`` holds what the message needs (a dict for the bounds).
    """

    def __init__(self, kind, detail=""):
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


def _too_large(what, found, limit):
    raise UsageFileError("too_large", {"what": what, "found": found, "limit": limit})


def read_rows(content: bytes, filename: str):
    """[(row number, {column: raw value})] of a statement, bounded."""
    if len(content) > MAX_BYTES:
        _too_large("bytes", len(content), MAX_BYTES)
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        if not content.startswith(ZIP_MAGIC):
            raise UsageFileError("mismatch", filename)
        table = _read_xlsx(content)
    elif name.endswith(".xls"):
        if not content.startswith(OLE_MAGIC):
            raise UsageFileError("mismatch", filename)
        table = _read_xls(content)
    elif name.endswith(".csv"):
        if content.startswith((OLE_MAGIC, ZIP_MAGIC)):
            raise UsageFileError("mismatch", filename)
        table = _read_csv(content)
    else:
        raise UsageFileError("format", filename)
    table = [row for row in table if any(str(v).strip() for v in row if v is not None)]
    if not table:
        raise UsageFileError("empty")
    header = [str(h or "").strip().lower() for h in table[0]]
    positions = {}
    for column, aliases in {**COLUMNS, **OPTIONAL_COLUMNS}.items():
        for index, title in enumerate(header):
            if title in aliases:
                positions[column] = index
                break
    missing = [column for column in COLUMNS if column not in positions]
    if missing:
        raise UsageFileError("columns", ", ".join(missing))
    rows = []
    for number, row in enumerate(table[1:], start=2):
        values = {column: None for column in OPTIONAL_COLUMNS}
        values.update(
            {
                column: row[index] if index < len(row) else None
                for column, index in positions.items()
            }
        )
        rows.append((number, values))
    return rows


def _bounded(rows):
    """The rows of an iterator, refused past MAX_ROWS rows or MAX_COLUMNS cells."""
    table = []
    for row in rows:
        row = list(row)
        while row and row[-1] in (None, ""):
            row.pop()
        if len(row) > MAX_COLUMNS:
            _too_large("columns", len(row), MAX_COLUMNS)
        table.append(row)
        if len(table) > MAX_ROWS:
            _too_large("rows", len(table), MAX_ROWS)
    return table


def _read_csv(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin1")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _bounded(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise UsageFileError("unreadable", str(error)) from None


def _column_number(letters):
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _first_sheet_path(archive):
    """The archive path of the workbook's first sheet, from workbook.xml."""
    found = {"sheet": None, "targets": {}}

    def workbook_start(tag, attrs):
        if tag == f"{_SHEET_NS} sheet" and found["sheet"] is None:
            found["sheet"] = attrs.get(f"{_REL_NS} id")

    def rels_start(tag, attrs):
        if tag == f"{_PKG_REL_NS} Relationship":
            found["targets"][attrs.get("Id")] = attrs.get("Target", "")

    _parse_member(archive, "xl/workbook.xml", workbook_start)
    _parse_member(archive, "xl/_rels/workbook.xml.rels", rels_start)
    target = found["targets"].get(found["sheet"])
    if not target:
        raise UsageFileError("unreadable", "no worksheet")
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _parse_member(archive, path, start_handler):
    """Stream one XML member of the archive through expat, no tree built."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse_dtd(*args):
        raise UsageFileError("unreadable", "document type declaration")

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start_handler
    try:
        with archive.open(path) as member:
            while chunk := member.read(65536):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except KeyError:
        raise UsageFileError("unreadable", f"{path} is missing") from None
    except (expat.ExpatError, zipfile.BadZipFile, ValueError, OSError) as error:
        raise UsageFileError("unreadable", str(error)) from None


def _scan_sheet(archive, path):
    """Refuse a sheet whose declared or real size exceeds the bounds.

    Streams the sheet's XML once, keeping only counters: the declared
    dimension, the number of rows, the highest row and column numbers used
    and the number of cells in each row.
    """
    state = {"rows": 0, "cells": 0, "row": 0}

    def start(tag, attrs):
        if tag == f"{_SHEET_NS} dimension":
            last = (attrs.get("ref") or "").split(":")[-1]
            match = _CELL_REF.match(last)
            if match:
                letters, digits = match.groups()
                if letters and _column_number(letters) > MAX_COLUMNS:
                    raise UsageFileError(
                        "declared",
                        {
                            "ref": attrs.get("ref"),
                            "rows": MAX_ROWS,
                            "columns": MAX_COLUMNS,
                        },
                    )
                if digits and int(digits) > MAX_ROWS + 1:
                    raise UsageFileError(
                        "declared",
                        {
                            "ref": attrs.get("ref"),
                            "rows": MAX_ROWS,
                            "columns": MAX_COLUMNS,
                        },
                    )
        elif tag == f"{_SHEET_NS} row":
            state["rows"] += 1
            state["cells"] = 0
            number = attrs.get("r")
            state["row"] = (
                int(number) if number and number.isdigit() else state["row"] + 1
            )
            if state["rows"] > MAX_ROWS + 1 or state["row"] > MAX_ROWS + 1:
                _too_large("rows", max(state["rows"], state["row"]) - 1, MAX_ROWS)
        elif tag == f"{_SHEET_NS} c":
            state["cells"] += 1
            column = state["cells"]
            match = _CELL_REF.match(attrs.get("r") or "")
            if match and match.group(1):
                column = _column_number(match.group(1))
            if column > MAX_COLUMNS:
                _too_large("columns", column, MAX_COLUMNS)

    _parse_member(archive, path, start)


def _read_xlsx(content):
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UsageFileError("unreadable", str(error)) from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        _too_large("unpacked", unpacked, MAX_UNPACKED_BYTES)
    _scan_sheet(archive, _first_sheet_path(archive))
    import openpyxl  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
        sheet = book.worksheets[0]
        # Never trust the declared dimension: read the rows that are there.
        sheet.reset_dimensions()
        table = _bounded(sheet.iter_rows(values_only=True))
        book.close()
    except UsageFileError:
        raise
    except Exception as error:  # noqa: BLE001 any unreadable workbook
        raise UsageFileError("unreadable", str(error)) from None
    return table


def _read_xls(content):
    import xlrd  # noqa: PLC0415

    try:
        book = xlrd.open_workbook(
            file_contents=content, on_demand=True, ragged_rows=True
        )
        sheet = book.sheet_by_index(0)
    except Exception as error:  # noqa: BLE001 any unreadable workbook
        raise UsageFileError("unreadable", str(error)) from None
    if sheet.nrows > MAX_ROWS + 1:
        _too_large("rows", sheet.nrows - 1, MAX_ROWS)
    rows = []
    for r in range(sheet.nrows):
        width = sheet.row_len(r)
        row = []
        for c in range(min(width, MAX_COLUMNS + 1)):
            cell = sheet.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            else:
                row.append(cell.value)
        rows.append(row)
    book.release_resources()
    return _bounded(rows)


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
    """A finite float from a cell: a number, or text with a dot or comma decimal.

    ``nan``, ``inf`` and anything else that is not a finite number is None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            return None
    else:
        text = str(value or "").strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            return None
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except (ValueError, OverflowError):
            return None
    return number if math.isfinite(number) else None


def reference_text(value):
    """A provider reference: numbers read from sheets lose their '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value or "").strip()


def same_text(value):
    """The form of a name compared exactly, whatever its case and spacing."""
    return " ".join(str(value or "").split()).casefold()
