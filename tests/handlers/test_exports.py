"""The export use case: one XLSX with both sheets, or two CSV files, carrying every field, text that never runs
as a formula, nothing outside the subtree and no drafts, and per-unit figures that roll up."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from handlers.exports import CSV_TYPE, XLSX_TYPE, build_export, slug
from tests.storage.test_exports import FORMULA_TITLE, FULL, GD_PATH, T1, seed
from tests.storage.test_reports_partition import KIM_HY, NGHIA_TAN, SECTOR, every_status

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 22, 6, 30, tzinfo=HANOI)


async def export(db, unit_code: str = "CDN-GD-HN", **kwargs):
    calls = []
    async with db.transaction() as tx:
        unit = await tx.units.by_code(unit_code)
        files = await build_export(tx, unit, None, NOW, progress=lambda done, total: calls.append((done, total)), **kwargs)
    return files, calls


def records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


async def test_xlsx_carries_every_field_and_the_figures_of_every_unit(demo_db):
    codes = await seed(demo_db)
    [file], calls = await export(demo_db)
    assert (file.filename, file.content_type) == ("sangkien-CDN-GD-HN-20261122.xlsx", XLSX_TYPE)
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)
    book = load_workbook(io.BytesIO(file.data))
    assert book.sheetnames == ["Sáng kiến", "Theo đơn vị"]
    listing = records(book["Sáng kiến"])
    assert [r["Mã sáng kiến"] for r in listing] == [codes["early"], codes["full"], codes["evil"]]
    full = listing[1]
    assert full == {
        "Mã sáng kiến": codes["full"], "Trạng thái": "Hợp lệ", "Tên sáng kiến": FULL["title"], "Lĩnh vực": FULL["field"],
        "Thực trạng/vấn đề": f"{FULL['problem']} (ghi âm)",  # a voice note answered it too
        "Giải pháp": FULL["solution"], "Hiệu quả": FULL["benefit"],
        "Giá trị làm lợi (đồng)": 2_500_000_000, "Ngày áp dụng lần đầu": datetime(2025, 3, 1),
        "Đồng tác giả": "Lê Thị Hoa, Phạm Văn Đức", "Tác giả": "Nguyễn Thị Hoa", "Điện thoại": "0912345678",
        "Người nhập hộ": "Tổ hỗ trợ Giáo dục", "Mã đơn vị": "CDCS-MN-KIMHY",
        "Đơn vị": "Công đoàn cơ sở Trường Mầm non Kim Hỷ",
        "Đường dẫn đơn vị": f"{GD_PATH} / Công đoàn cơ sở Trường Mầm non Kim Hỷ",
        "Ngày tạo": full["Ngày tạo"], "Ngày gửi": datetime(2026, 11, 19, 9, 0),  # 02:00 UTC is 09:00 in Hà Nội
        "Ngày quyết định": datetime(2026, 11, 20, 9, 0), "Lý do/ý kiến": "Đạt yêu cầu", "Số tệp đính kèm": 3,
        "Tệp đính kèm (đường dẫn)": (  # kept by the platform's reference only (never downloaded): no link
            "Nội dung, bản chất giải pháp · ảnh: chưa có đường dẫn tải (mở sáng kiến trong bot để nghe, xem)\n"
            "Thực trạng, vấn đề cần giải quyết · ghi âm: chưa có đường dẫn tải (mở sáng kiến trong bot để nghe, xem)\n"
            "Hiệu quả, lợi ích mang lại · tài liệu: chưa có đường dẫn tải (mở sáng kiến trong bot để nghe, xem)"),
    }
    assert isinstance(full["Ngày tạo"], datetime)
    assert [r["Trạng thái"] for r in listing] == ["Không hợp lệ", "Hợp lệ", "Đang xem xét"]
    figures = records(book["Theo đơn vị"])
    assert list(figures[0]) == ["Mã đơn vị", "Đơn vị", "Cấp", "Số đoàn viên", "Chỉ tiêu", "Đã gửi", "Hợp lệ",
                                "Đang xem xét", "Cần bổ sung", "Không hợp lệ", "Người tham gia", "% chỉ tiêu",
                                "Giá trị làm lợi (đồng)"]
    by_code = {r["Mã đơn vị"]: r for r in figures}
    assert list(by_code) == ["CDN-GD-HN", "CDCS-MN-KIMHY", "CDCS-TH-DICHVONG", "CDCS-TH-NGHIATAN"]
    assert (by_code["CDN-GD-HN"]["Cấp"], by_code["CDN-GD-HN"]["Đã gửi"], by_code["CDN-GD-HN"]["Người tham gia"]) == (1, 3, 3)
    assert by_code["CDN-GD-HN"]["Giá trị làm lợi (đồng)"] == 2_501_000_000
    kim_hy = by_code["CDCS-MN-KIMHY"]
    assert (kim_hy["Cấp"], kim_hy["Số đoàn viên"], kim_hy["Chỉ tiêu"], kim_hy["Đã gửi"], kim_hy["Hợp lệ"],
            kim_hy["Đang xem xét"], kim_hy["% chỉ tiêu"]) == (2, 38, 4, 2, 1, 1, 50.0)


STATUS_COLUMNS = {"valid": "Hợp lệ", "submitted": "Đang xem xét", "needs_changes": "Cần bổ sung",
                  "rejected": "Không hợp lệ"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_both_sheets_split_what_was_sent_in_into_the_four_statuses(demo_db, fmt):
    await every_status(demo_db)
    files, _ = await export(demo_db, fmt=fmt)
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(files[0].data))
        listing, figures = records(book["Sáng kiến"]), records(book["Theo đơn vị"])
    else:
        listing, figures = (list(csv.DictReader(io.StringIO(f.data.decode("utf-8-sig")))) for f in files)
        figures = [{k: int(v) if k in (*STATUS_COLUMNS.values(), "Đã gửi") else v for k, v in r.items()} for r in figures]
    statuses = [r["Trạng thái"] for r in listing]  # one row an initiative sent in: no draft, nothing withdrawn
    assert {label: statuses.count(label) for label in STATUS_COLUMNS.values()} == {
        STATUS_COLUMNS[status]: count for status, count in SECTOR.items()}
    assert len(statuses) == sum(SECTOR.values()) == 10
    by_code = {r["Mã đơn vị"]: r for r in figures}
    for code, want in (("CDN-GD-HN", SECTOR), ("CDCS-MN-KIMHY", KIM_HY), ("CDCS-TH-NGHIATAN", NGHIA_TAN)):
        assert {status: by_code[code][label] for status, label in STATUS_COLUMNS.items()} == want, code
    for row in figures:
        assert sum(row[label] for label in STATUS_COLUMNS.values()) == row["Đã gửi"], row["Mã đơn vị"]
    assert by_code["CDN-GD-HN"]["Đã gửi"] == len(listing)  # both sheets count the same initiatives


async def test_xlsx_text_that_looks_like_a_formula_stays_text(demo_db):
    codes = await seed(demo_db)
    [file], _ = await export(demo_db)
    sheet = load_workbook(io.BytesIO(file.data))["Sáng kiến"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == codes["evil"])
    title, problem = row[2], row[4]
    assert (title.value, title.data_type) == (FORMULA_TITLE, "s")
    assert (problem.value, problem.data_type) == ("+1-2", "s")


async def test_csv_gives_two_files_with_vietnamese_headers_and_neutralised_text(demo_db):
    codes = await seed(demo_db)
    files, _ = await export(demo_db, fmt="csv")
    assert [(f.filename, f.content_type) for f in files] == [
        ("sangkien-CDN-GD-HN-20261122.csv", CSV_TYPE), ("sangkien-CDN-GD-HN-20261122-don-vi.csv", CSV_TYPE)]
    listing = list(csv.DictReader(io.StringIO(files[0].data.decode("utf-8-sig"))))
    assert [r["Mã sáng kiến"] for r in listing] == [codes["early"], codes["full"], codes["evil"]]
    evil = listing[2]
    assert (evil["Tên sáng kiến"], evil["Thực trạng/vấn đề"]) == ("'" + FORMULA_TITLE, "'+1-2")
    full = listing[1]
    assert (full["Ngày gửi"], full["Ngày áp dụng lần đầu"], full["Giá trị làm lợi (đồng)"]) == (
        "2026-11-19T09:00:00+07:00", "2025-03", "2500000000")
    figures = list(csv.DictReader(io.StringIO(files[1].data.decode("utf-8-sig"))))
    assert [(r["Mã đơn vị"], r["Cấp"], r["Đã gửi"]) for r in figures][:2] == [("CDN-GD-HN", "1", "3"), ("CDCS-MN-KIMHY", "2", "2")]


async def test_english_headers_and_status_labels(demo_db):
    await seed(demo_db)
    [file], _ = await export(demo_db, locale="en")
    book = load_workbook(io.BytesIO(file.data))
    assert book.sheetnames == ["Initiatives", "By unit"]
    listing = records(book["Initiatives"])
    assert [r["Status"] for r in listing] == ["Not valid", "Valid", "Under review"]
    assert listing[1]["Field"] != FULL["field"]  # the configured label, translated


async def test_a_unit_with_nothing_sent_in_still_gets_its_figures(demo_db):
    await seed(demo_db)
    [file], calls = await export(demo_db, "CDCS-TH-DICHVONG")
    book = load_workbook(io.BytesIO(file.data))
    assert records(book["Sáng kiến"]) == [] and calls == [(0, 0)]
    [only] = records(book["Theo đơn vị"])
    assert (only["Mã đơn vị"], only["Đã gửi"], only["Chỉ tiêu"]) == ("CDCS-TH-DICHVONG", 0, 8)


async def test_a_phase_limits_both_sheets(demo_db):
    await seed(demo_db)
    async with demo_db.transaction() as tx:
        phase = await tx.phases.add("TUAN", "Tuần cao điểm", T1.date(), NOW.date())
        await tx.phases.set_target((await tx.units.by_code("CDN-GD-HN")).id, phase.id, 40)
        [file] = await build_export(tx, await tx.units.by_code("CDN-GD-HN"), phase, NOW)
    book = load_workbook(io.BytesIO(file.data))
    assert len(records(book["Sáng kiến"])) == 2
    top = records(book["Theo đơn vị"])[0]
    assert (top["Đã gửi"], top["Chỉ tiêu"], top["% chỉ tiêu"]) == (2, 40, 5.0)


async def test_an_unknown_format_is_refused(demo_db):
    async with demo_db.transaction() as tx:
        with pytest.raises(ValueError):
            await build_export(tx, await tx.units.by_code("LDLD-HN"), None, NOW, fmt="pdf")


@pytest.mark.parametrize(("code", "expected"), [("CDN-GD-HN", "CDN-GD-HN"), ("CĐCS-Đồng Nai/1", "CDCS-Dong-Nai-1"),
                                                ("Ủy ban xã", "Uy-ban-xa"), ("***", "unit")])
def test_file_names_are_ascii(code, expected):
    assert slug(code) == expected


def test_words_the_worker_confirmed_from_the_machine_say_so_and_typed_ones_do_not():
    from handlers.file_links import listed, with_voice_mark

    note = {"field": "problem", "kind": "voice", "transcript": "Máy hay kẹt giấy", "token": "t0k", "stored": "k.ogg"}
    assert with_voice_mark("Máy hay kẹt giấy", [note], "problem", "vi") == \
        "Máy hay kẹt giấy (máy chép từ ghi âm, người gửi đã xác nhận)"
    assert with_voice_mark("Máy đóng gói hay kẹt giấy", [note], "problem", "vi") == "Máy đóng gói hay kẹt giấy (ghi âm)"
    assert with_voice_mark(None, [note], "problem", "vi") == "(ghi âm)"
    assert with_voice_mark("Máy hay kẹt giấy", [note], "solution", "vi") == "Máy hay kẹt giấy"  # another answer's note
    assert with_voice_mark("Máy hay kẹt giấy", [note], "problem", "en") == \
        "Máy hay kẹt giấy (machine-transcribed from a voice note, confirmed by the sender)"
    [line] = listed([note], "https://bot.example.vn", "vi")
    assert "máy nghe được: «Máy hay kẹt giấy»" in line and line.endswith("https://bot.example.vn/files/t0k")


def test_an_answer_told_in_several_notes_is_marked_as_the_machines_too():
    from handlers.file_links import with_voice_mark
    from locales import show

    notes = [{"field": "problem", "kind": "voice", "transcript": "nghe sai"},  # before "Sửa"
             {"field": "problem", "kind": "voice", "transcript": "Máy hay kẹt giấy"},
             {"field": "problem", "kind": "voice", "transcript": "vào ca đêm"}]
    answer = "Máy hay kẹt giấy vào ca đêm"
    assert with_voice_mark(answer, notes, "problem", "vi").endswith("(máy chép từ ghi âm, người gửi đã xác nhận)")
    assert show("problem", {"problem": answer, "attachments": notes}, "vi").startswith(f"{answer} (máy chép từ ghi âm)")
    assert with_voice_mark("Máy hay kẹt", notes, "problem", "vi") == "Máy hay kẹt (ghi âm)"
