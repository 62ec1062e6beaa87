"""Spreadsheets people open in Excel: XLSX written row by row, and CSV, with headers from the catalogs.

User text never runs as a formula. In XLSX every text is a string cell, whatever it starts
with (openpyxl would otherwise turn '=...' into a formula); in CSV, where a cell carries no
type, text a spreadsheet would evaluate gets a leading apostrophe (OWASP's CSV injection advice).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

import locales
from locales.format import one_decimal

# Spreadsheets evaluate a cell starting with these; a tab or carriage return first also fools some.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KINDS = ("text", "int", "money", "date", "applied", "datetime", "percent")
_DATE_FORMATS = {
    "vi": {"day": "dd/mm/yyyy", "month": "mm/yyyy", "year": "yyyy", "datetime": "dd/mm/yyyy hh:mm"},
    "en": {"day": "yyyy-mm-dd", "month": "yyyy-mm", "year": "yyyy", "datetime": "yyyy-mm-dd hh:mm"},
}
_ISO_PRECISION = {"day": 10, "month": 7, "year": 4}  # characters of date.isoformat() to keep


def neutralise(value):
    """CSV text a spreadsheet would run as a formula, even after leading spaces, gets a leading apostrophe."""
    if isinstance(value, str) and (value.startswith(FORMULA_START) or value.lstrip().startswith(FORMULA_START)):
        return "'" + value
    return value


def restored(value):
    """What `neutralise` was given: exactly its apostrophe taken off again (one typed before other text stays)."""
    if isinstance(value, str) and value.startswith("'") and neutralise(value[1:]) == value:
        return value[1:]
    return value


@dataclass(frozen=True)
class Column:
    """One column: its header is the catalog string `export.col.<key>`; `kind` says how a value is written.

    text: str; int, money (đồng): int; date: date; applied: (date, 'day'|'month'|'year') shown at its
    precision; datetime: aware datetime, already in the time zone to show; percent: float.
    """

    key: str
    kind: str = "text"
    width: int = 14

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


def header(columns: Sequence[Column], locale: str) -> list[str]:
    return [locales.render(f"export.col.{column.key}", {}, locale) for column in columns]


class XlsxSheet:
    def __init__(self, book: XlsxBook, title: str, columns: Sequence[Column]) -> None:
        self._book, self._columns = book, tuple(columns)
        self._sheet = book.workbook.create_sheet(title[:31])
        for number, column in enumerate(self._columns, start=1):
            self._sheet.column_dimensions[get_column_letter(number)].width = column.width
        self._sheet.freeze_panes = "A2"  # write-only sheets take views only before the first row
        bold = Font(bold=True)
        cells = []
        for text in header(self._columns, book.locale):
            cell = WriteOnlyCell(self._sheet, value=text)
            cell.font = bold
            cells.append(cell)
        self._sheet.append(cells)
        self.rows = 0

    def append(self, values: Sequence) -> None:
        self._sheet.append([self._cell(column, value) for column, value in zip(self._columns, values)])
        self.rows += 1

    def _cell(self, column: Column, value):
        if value is None:
            return None
        formats = _DATE_FORMATS.get(self._book.locale, _DATE_FORMATS["vi"])
        kind = column.kind
        if kind == "text":
            text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            if text.startswith("=") or text in ERROR_CODES:  # openpyxl would make it a formula or an error
                cell = WriteOnlyCell(self._sheet, value=text)
                cell.data_type = "s"
                return cell
            return text
        if kind == "applied":
            day, precision = value
            return self._styled(day, formats.get(precision or "day", formats["day"]))
        if kind == "date":
            return self._styled(value, formats["day"])
        if kind == "datetime":
            return self._styled(value.replace(tzinfo=None), formats["datetime"])  # Excel has no time zones
        if kind == "money":
            return self._styled(int(value), "#,##0")
        if kind == "percent":
            return self._styled(one_decimal(value), "0.0")
        return int(value)

    def _styled(self, value, number_format: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self._sheet, value=value)
        cell.number_format = number_format
        return cell


class XlsxBook:
    """An XLSX written row by row (openpyxl's write-only mode keeps rows on disk, not in memory)."""

    def __init__(self, locale: str = locales.DEFAULT_LOCALE) -> None:
        self.locale = locale
        self.workbook = Workbook(write_only=True)

    def sheet(self, title: str, columns: Sequence[Column]) -> XlsxSheet:
        return XlsxSheet(self, title, columns)

    def finish(self) -> bytes:
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]


def xlsx_bytes(sheets: Iterable[Sheet], locale: str = locales.DEFAULT_LOCALE) -> bytes:
    book = XlsxBook(locale)
    for sheet in sheets:
        writer = book.sheet(sheet.title, sheet.columns)
        for row in sheet.rows:
            writer.append(row)
    return book.finish()


class CsvTable:
    """A CSV in UTF-8 with a byte order mark (so Excel reads Vietnamese right), dates as ISO text."""

    def __init__(self, columns: Sequence[Column], locale: str = locales.DEFAULT_LOCALE) -> None:
        self._columns = tuple(columns)
        self._out = io.BytesIO()
        self._text = io.TextIOWrapper(self._out, encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._text)
        self._writer.writerow(header(self._columns, locale))
        self.rows = 0

    def append(self, values: Sequence) -> None:
        self._writer.writerow([_csv_value(c, v) for c, v in zip(self._columns, values)])
        self.rows += 1

    def finish(self) -> bytes:
        self._text.flush()
        data = self._out.getvalue()
        self._text.close()
        return data


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence], locale: str = locales.DEFAULT_LOCALE) -> bytes:
    table = CsvTable(columns, locale)
    for row in rows:
        table.append(row)
    return table.finish()


def _csv_value(column: Column, value) -> str | int:
    if value is None:
        return ""
    kind = column.kind
    if kind == "text":
        return neutralise(str(value))
    if kind == "applied":
        day, precision = value
        return day.isoformat()[: _ISO_PRECISION.get(precision or "day", 10)]  # ISO 8601 reduced precision: 2025-03
    if kind in ("date", "datetime"):
        return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()
    if kind == "percent":
        return f"{one_decimal(value):.1f}"
    return int(value)

