"""Unit tree files: CSV (UTF-8, Excel-friendly) or XLSX, read as records and written back the same way."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook, load_workbook

from locales.spreadsheets import neutralise as safe_cell


def read_records(path: Path) -> list[tuple[int, dict]]:
    """(line number as a person sees it in the file, {column: value}) for every non-empty row."""
    if path.suffix.lower() == ".xlsx":
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = list(workbook.active.iter_rows(values_only=True))
        finally:
            workbook.close()
    elif path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    else:
        raise ValueError(f"{path.name}: use a .csv or .xlsx file")
    if not rows:
        return []
    header = [str(h or "").strip() for h in rows[0]]
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if any(str(cell).strip() for cell in row if cell is not None):
            records.append((number, dict(zip(header, row))))
    return records


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
