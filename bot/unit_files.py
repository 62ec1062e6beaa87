"""Unit tree files: CSV (UTF-8, Excel-friendly) or XLSX, read as records and written back the same way.

What people really send is named for what it is, on its line (storage.unit_rows.Problem): a CSV not in UTF-8
(Excel's plain "CSV" on Vietnamese Windows is Windows-1258), one separated by semicolons or tabs, an empty file, a
workbook named .csv. A CSV cell may be as long as the file (the csv module stops at 128 KB): how long a value may be
is the import's to say, on its line. Text the CSV export escaped with an apostrophe is read back as it was.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from openpyxl import Workbook, load_workbook

from documents.spreadsheets import neutralise as safe_cell, restored
from storage.unit_rows import HEADER, Problem

XLSX_START = b"PK\x03\x04"  # a zip archive, as every .xlsx is


class UnreadableFile(Exception):
    """The file as a whole cannot be read as a unit tree; `problem` says why (and where)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Table:
    header: list[str]
    records: list[tuple[int, dict]]  # (line number as a person sees it, {column: value}) for every non-empty row
    problems: list[Problem] = field(default_factory=list)  # rows that could not be split into the header's columns


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    else:
        raise UnreadableFile(Problem(0, "not_a_table"))
    table = Table([str(h or "").strip() for h in next(rows, ())], [])
    for number, row in enumerate(rows, start=2):
        if not any(str(cell).strip() for cell in row if cell is not None):
            continue
        if suffix == ".csv" and len(row) > len(table.header):  # a spreadsheet writes every row as wide as the widest
            table.problems.append(Problem(number, "extra_cells", {"cells": len(row), "columns": len(table.header)}))
        table.records.append((number, dict(zip(table.header, row))))
    if not table.records:
        raise UnreadableFile(Problem(2, "no_units") if any(table.header) else Problem(1, "empty", {"header": HEADER}))
    return table


def _csv_rows(path: Path) -> Iterator[list[str]]:
    data = path.read_bytes()
    if data.startswith(XLSX_START):
        raise UnreadableFile(Problem(0, "xlsx_named_csv"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(Problem(data.count(b"\n", 0, error.start) + 1, "not_utf8")) from None
    del data
    first = text.lstrip("\r\n").split("\n", 1)[0]
    for separator in (";", "\t"):
        if separator in first and "," not in first:
            raise UnreadableFile(Problem(1, "separator", {"separator": separator}))
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield [restored(cell) for cell in row]
    except csv.Error as error:
        raise UnreadableFile(Problem(reader.line_num, "broken_csv", {"reason": str(error)})) from None


def _xlsx_rows(path: Path) -> Iterator[tuple]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            yield from workbook.active.iter_rows(values_only=True)
        finally:
            workbook.close()
    except Exception as error:  # noqa: BLE001  (a broken or foreign file: zip, XML and openpyxl's own errors)
        reason = " ".join(str(error).split())[:80] or type(error).__name__
        raise UnreadableFile(Problem(0, "unreadable_xlsx", {"reason": reason})) from None


def write_table(path: Path, header: list[str], rows: list[list]) -> None:
    if path.suffix.lower() == ".xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "units"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # user text that looks like a formula stays text
                    cell.data_type = "s"
        workbook.save(path)
    elif path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([["" if v is None else safe_cell(v) for v in row] for row in rows])
    else:
        raise ValueError(f"{path.name}: use a .csv or .xlsx file")
