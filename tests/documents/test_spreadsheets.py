"""Spreadsheets: text never runs as a formula, dates and money keep their types, headers come from the catalogs."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from documents.spreadsheets import Column, Sheet, csv_bytes, header, neutralise, xlsx_bytes

COLUMNS = (Column("title", width=40), Column("estimated_value", "money", 18), Column("first_applied", "applied"),
           Column("submitted_at", "datetime"), Column("percent", "percent"), Column("attachments", "int"))
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SENT = datetime(2026, 11, 21, 9, 30, tzinfo=HANOI)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","x")', "+1-2", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1",
                                  "  =1+1", " +84 912"])
def test_text_a_spreadsheet_would_evaluate_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Cải tiến gá may", "1+1", "a=b", "", 12, None, 2.5])
def test_other_values_are_left_alone(value):
    assert neutralise(value) == value


def test_headers_are_vietnamese_first_and_english_second():
    assert header(COLUMNS[:2], "vi") == ["Tên sáng kiến", "Giá trị làm lợi (đồng)"]
    assert header(COLUMNS[:2], "en") == ["Title", "Estimated value (VND)"]


def rows_of(data: bytes, index: int = 0):
    return load_workbook(io.BytesIO(data)).worksheets[index]


def test_xlsx_keeps_formula_looking_text_as_text():
    texts = ['=HYPERLINK("http://evil","x")', "+1-2", "#N/A", "=", "@me"]
    sheet = rows_of(xlsx_bytes([Sheet("Sáng kiến", COLUMNS[:1], [[t] for t in texts])]))
    cells = [sheet.cell(row=n, column=1) for n in range(2, 2 + len(texts))]
    assert [c.value for c in cells] == texts
    assert {c.data_type for c in cells} == {"s"}


def test_xlsx_writes_money_dates_and_numbers_with_their_types():
    row = ["Sáng kiến", 2_500_000_000, (date(2025, 3, 1), "month"), SENT, 66.6667, 3]
    year = ["Khác", None, (date(2024, 1, 1), "year"), None, 0.0, 0]
    sheet = rows_of(xlsx_bytes([Sheet("Sáng kiến", COLUMNS, [row, year])], locale="vi"))
    title, money, applied, sent, percent, count = (sheet.cell(row=2, column=n) for n in range(1, 7))
    assert money.value == 2_500_000_000 and money.number_format == "#,##0"
    assert applied.value == datetime(2025, 3, 1) and applied.number_format == "mm/yyyy"  # a real date, shown as month
    assert sheet.cell(row=3, column=3).number_format == "yyyy"
    assert sent.value == datetime(2026, 11, 21, 9, 30) and sent.is_date  # local time, as shown to people
    assert (percent.value, count.value) == (66.7, 3)
    assert sheet.cell(row=3, column=2).value is None


def test_xlsx_header_is_bold_frozen_and_columns_have_widths():
    data = xlsx_bytes([Sheet("Sáng kiến", COLUMNS, []), Sheet("Theo đơn vị", COLUMNS[:1], [["x"]])], locale="en")
    book = load_workbook(io.BytesIO(data))
    first = book.worksheets[0]
    assert book.sheetnames == ["Sáng kiến", "Theo đơn vị"]
    assert first.cell(row=1, column=1).value == "Title" and first.cell(row=1, column=1).font.b
    assert first.freeze_panes == "A2" and first.column_dimensions["A"].width == 40


def test_xlsx_drops_characters_excel_refuses():
    sheet = rows_of(xlsx_bytes([Sheet("Sáng kiến", COLUMNS[:1], [["Dòng\x0bmột\x00"]])]))
    assert sheet.cell(row=2, column=1).value == "Dòngmột"


def test_csv_is_utf8_with_bom_iso_dates_and_neutralised_text():
    rows = [['=HYPERLINK("http://evil","x")', 2_500_000_000, (date(2025, 3, 1), "month"), SENT, 66.6667, 3],
            ["Nhiều dòng\nvà \"ngoặc\"", None, (date(2025, 3, 9), "day"), None, 0, 0]]
    data = csv_bytes(COLUMNS, rows, locale="vi")
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert read[0][:2] == ["Tên sáng kiến", "Giá trị làm lợi (đồng)"]
    assert read[1] == ["'=HYPERLINK(\"http://evil\",\"x\")", "2500000000", "2025-03", "2026-11-21T09:30:00+07:00", "66.7", "3"]
    assert read[2] == ["Nhiều dòng\nvà \"ngoặc\"", "", "2025-03-09", "", "0.0", "0"]


def test_an_unknown_column_kind_is_a_mistake():
    with pytest.raises(ValueError):
        Column("title", "formula")
