"""Reading a unit tree file (issue 15, defect 5): what people really send is named for what it is, on its line."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from bot.unit_files import UnreadableFile, read_table, write_table
from storage.unit_import import check_header

HEADER = "code,name,parent_code,kind,member_count\n"


def unreadable(path) -> tuple[int, str, str]:
    with pytest.raises(UnreadableFile) as refused:
        read_table(path)
    return refused.value.problem.line, refused.value.problem.key, refused.value.problem.message


def test_a_windows_1258_file_is_named_not_utf8(tmp_path):
    """Defect 5: a cp1258 file gave a UnicodeDecodeError traceback; now it says to save the file as CSV UTF-8."""
    path = tmp_path / "units.csv"
    path.write_bytes((HEADER + "LDLD-QN,Lien doan tinh,,province_federation,900\n"
                      "CDCS-A,Công đoàn Đông Hà,LDLD-QN,grassroots,10\n").encode("cp1258"))
    line, key, message = unreadable(path)
    assert (line, key) == (3, "not_utf8") and "CSV UTF-8" in message


def test_a_semicolon_separated_file_is_named_so(tmp_path):
    """Defect 5: a file separated by semicolons (Excel in a European locale) was read as one column called
    'code;name;...'; now the semicolons are named."""
    path = tmp_path / "units.csv"
    path.write_text(HEADER.replace(",", ";") + "A;Đơn vị A;;grassroots;10\n", encoding="utf-8-sig")
    line, key, message = unreadable(path)
    assert (line, key) == (1, "separator") and ";" in message


def test_an_empty_file_is_an_error(tmp_path):
    """Defect 5: an empty file imported "0 rows" as a success; now it is an error, and so is a header alone."""
    path = tmp_path / "units.csv"
    for content, expected in ((b"", (1, "empty")), (b"\xef\xbb\xbf\r\n \r\n", (1, "empty")),
                              (HEADER.encode(), (2, "no_units"))):
        path.write_bytes(content)
        assert unreadable(path)[:2] == expected


def test_a_cell_over_the_csv_limit_is_read_for_its_line_problem(tmp_path):
    """Defect 5: a cell over 128 KB raised _csv.Error; now it is read, and the import names its length on its line."""
    path = tmp_path / "units.csv"
    path.write_text(HEADER + "A," + "Đ" * 200_000 + ",,grassroots,10\n", encoding="utf-8")
    table = read_table(path)
    assert [(line, len(record["name"])) for line, record in table.records] == [(2, 200_000)]


def test_a_wrong_header_names_the_header_expected(tmp_path):
    """Defect 5: wrong column names made every row 'code is missing'; now line 1 names the columns and the header."""
    path = tmp_path / "units.csv"
    path.write_text("code,ten,parent,kind,members,target:GD1,target:gd1\nA,Đơn vị A,,grassroots,10,1,2\n",
                    encoding="utf-8")
    table = read_table(path)
    problems = check_header(table.header, {"GD1"})
    assert {(p.line, p.key) for p in problems} == {(1, "missing_columns"), (1, "unknown_columns"),
                                                   (1, "repeated_column")}
    missing = next(p for p in problems if p.key == "missing_columns")
    assert "name, parent_code, member_count" in missing.message
    assert "code,name,parent_code,kind,member_count" in missing.message


def test_an_xlsx_named_csv_or_a_broken_xlsx_is_named(tmp_path):
    """Defect 5: a workbook saved as .csv, or a broken .xlsx, gave a traceback; now each is named."""
    book = Workbook()
    book.active.append(["code"])
    named_csv = tmp_path / "units.csv"
    book.save(named_csv)
    assert unreadable(named_csv)[1] == "xlsx_named_csv"
    broken = tmp_path / "units.xlsx"
    broken.write_bytes(b"not a workbook")
    assert unreadable(broken)[1] == "unreadable_xlsx"


def test_reading_its_own_csv_export_strips_the_apostrophe_it_added(tmp_path):
    """Defect 5: re-importing its own CSV export added a leading apostrophe to a formula-looking name; now exactly the
    export's escaping is undone, and an apostrophe someone typed stays."""
    path = tmp_path / "units.csv"
    names = ["=HYPERLINK(\"http://x\")", "-Tổ 3", " @home", "'Quote' Co", "Plain"]
    write_table(path, ["code", "name"], [[f"U{n}", name] for n, name in enumerate(names)])
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")  # the export's escaping is there
    assert [record["name"] for _, record in read_table(path).records] == names


def test_a_row_with_more_cells_than_the_header_is_named(tmp_path):
    """Defect 5: an unquoted comma in a name shifted the row's cells into the wrong columns; now the line is named
    (empty columns a spreadsheet writes at the end of every line, the header's too, are no problem)."""
    path = tmp_path / "units.csv"
    path.write_text(HEADER.replace("\n", ",,\n") + "A,Đơn vị A,,grassroots,10,,\n"
                    "B,Đơn vị B,,grassroots,10,,\nC,Công ty C, Huế,,grassroots,10,,\n", encoding="utf-8")
    [problem] = read_table(path).problems
    assert (problem.line, problem.key, problem.params) == (4, "extra_cells", {"cells": 8, "columns": 7})
