"""The officer's progress report (/baocao): its figures add up by status in the text and in the chart, and
the unit it is about is named by code or by name (accents optional), a name that fits several is asked
about, and a unit outside the officer's scope stays refused."""

from __future__ import annotations

import pytest

from handlers.officer import chart_rows
from storage.reports import progress
from tests.handlers.office import person
from tests.storage.test_reports_partition import KIM_HY, NGHIA_TAN, SECTOR, every_status

GROUP = "-100555"


@pytest.fixture
async def officer(dispatcher, demo_db):
    """An officer of the education sector union, with every status present below it."""
    await every_status(demo_db)
    return await person(demo_db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")


async def test_the_report_splits_what_was_sent_in_by_status_in_its_text_and_its_chart(officer, demo_db, clock):
    await officer.say("/baocao")
    report = next(r for r in officer.replies if r.image)
    assert "Đã gửi 10/18 sáng kiến" in report.text  # drafts and the withdrawn one are not sent in
    assert "Hợp lệ 2 · Đang xem xét 1 · Cần bổ sung 3 · Không hợp lệ 4" in report.text
    assert "#1 Công đoàn cơ sở Trường Mầm non Kim Hỷ: 5/4 (125%)" in report.text
    assert "   Hợp lệ 2 · Đang xem xét 1 · Cần bổ sung 1 · Không hợp lệ 1\n" in report.text
    assert "   Cần bổ sung 2 · Không hợp lệ 3\n" in report.text  # Nghĩa Tân: the statuses it has
    assert "Dịch Vọng: 0/8 (0%) ░░░░░░░░░░\n" in report.text + "\n"  # a draft only: nothing to split
    async with demo_db.transaction() as tx:
        drawn = chart_rows(await progress(tx.session, await tx.units.by_code("CDN-GD-HN"), None, clock.now))
    by_code = {row["code"]: row for row in drawn}
    assert by_code["CDCS-MN-KIMHY"]["statuses"] == KIM_HY and by_code["CDCS-TH-NGHIATAN"]["statuses"] == NGHIA_TAN
    assert sum(SECTOR.values()) == sum(sum(row["statuses"].values()) for row in drawn)
    for row in drawn:
        assert sum(row["statuses"].values()) * 100 / row["target"] == row["percent"], row["code"]


async def test_the_english_report_adds_up_too(officer, demo_db):
    async with demo_db.transaction() as tx:
        (await tx.members.by_identity("console", "gd")).locale = "en"
    await officer.say("/report")
    assert "Submitted 10/18" in officer.text
    assert "Valid 2 · Under review 1 · Needs changes 3 · Not valid 4" in officer.text


@pytest.mark.parametrize("asked", ["CDCS-MN-KIMHY", "cdcs-mn-kimhy", "Trường Mầm non Kim Hỷ", "mam non kim hy",
                                   "truong mam non kim hi"])
async def test_a_unit_is_named_by_code_or_by_name_accents_optional(officer, asked):
    await officer.say(f"/baocao {asked}")
    assert "Báo cáo tiến độ: Công đoàn cơ sở Trường Mầm non Kim Hỷ" in officer.text, officer.text
    assert "Đã gửi 5/4" in officer.text


async def test_a_name_that_fits_one_unit_whole_is_that_unit(dispatcher, demo_db):
    async with demo_db.transaction() as tx:
        trade = await tx.units.by_code("CDN-CT-HN")
        for code, name in (("CDCS-MAY10", "Công đoàn Công ty May 10"), ("CDCS-MAY105", "Công đoàn Công ty May 105")):
            await tx.units.add(code=code, name=name, kind="grassroots", parent=trade, member_count=100)
    city = await person(demo_db, dispatcher, "hn", "Phạm Minh Hà", "LDLD-HN", "officer")
    await city.say("/baocao cong ty may 10")
    assert "Báo cáo tiến độ: Công đoàn Công ty May 10\n" in city.text


async def test_a_name_that_fits_several_units_is_picked_by_number(dispatcher, demo_db):
    city = await person(demo_db, dispatcher, "hn", "Phạm Minh Hà", "LDLD-HN", "officer")
    await city.say("/baocao cong ty co phan may")
    assert 'Có 2 đơn vị khớp "cong ty co phan may"' in city.text
    assert "Báo cáo tiến độ:" not in city.text
    listed = [line for line in city.text.splitlines() if "Công ty Cổ phần May" in line]
    assert len(listed) == 2 and listed[0].startswith("1.") and listed[1].startswith("2.")
    assert "(CDCS-MAY-NGOCHA)" in city.text and "(CDCS-MAY-SONGNHUE)" in city.text
    wanted = "Ngọc Hà" if "Ngọc Hà" in listed[1] else "Sông Nhuệ"
    await city.say("2")
    assert f"Báo cáo tiến độ: Công đoàn cơ sở Công ty Cổ phần May {wanted}" in city.text
    assert "bạn muốn làm gì" in city.text  # back on the officer's menu


async def test_a_pick_screen_takes_a_better_name_and_repeats_itself_on_a_wrong_number(dispatcher, demo_db):
    city = await person(demo_db, dispatcher, "hn", "Phạm Minh Hà", "LDLD-HN", "officer")
    await city.say("/baocao cong ty co phan may")
    await city.say("7")
    assert "Mời bạn chọn một trong các lựa chọn" in city.text and 'Có 2 đơn vị khớp' in city.text
    await city.say("may song nhue")
    assert "Báo cáo tiến độ: Công đoàn cơ sở Công ty Cổ phần May Sông Nhuệ" in city.text


async def test_too_many_or_no_units_are_answered_in_a_line(officer, dispatcher, demo_db):
    city = await person(demo_db, dispatcher, "hn", "Phạm Minh Hà", "LDLD-HN", "officer")
    await city.say("/baocao cong doan")
    assert 'Có nhiều đơn vị khớp "cong doan"' in city.text and "Báo cáo tiến độ:" not in city.text
    await officer.say("/baocao truong dai hoc bach khoa")
    assert 'Không tìm thấy đơn vị nào có mã hoặc tên "truong dai hoc bach khoa"' in officer.text
    await officer.say("/baocao " + "rất dài " * 500)
    assert "Không tìm thấy đơn vị nào" in officer.text and len(officer.text) < 1000


@pytest.mark.parametrize("asked", ["CDCS-MAY-SONGNHUE", "may song nhue"])
async def test_a_unit_outside_the_scope_is_refused_by_code_and_by_name(officer, asked):
    await officer.say(f"/baocao {asked}")
    assert "không thuộc phạm vi bạn phụ trách" in officer.text and "Báo cáo tiến độ:" not in officer.text


async def test_in_a_group_several_units_are_listed_with_their_codes(dispatcher, demo_db):
    city = await person(demo_db, dispatcher, "hn", "Phạm Minh Hà", "LDLD-HN", "officer")
    await city.say_in_group(GROUP, "/baocao cong ty co phan may")
    assert "(CDCS-MAY-SONGNHUE)" in city.text and "(CDCS-MAY-NGOCHA)" in city.text
    assert "gõ lại lệnh kèm mã đơn vị" in city.text
    await city.say_in_group(GROUP, "/baocao may ngoc ha")
    assert "Báo cáo tiến độ: Công đoàn cơ sở Công ty Cổ phần May Ngọc Hà" in city.text


async def test_an_export_is_named_by_name_too(officer, demo_db):
    await officer.say("/xuat mam non kim hy csv")
    assert [m.text for m in officer.replies if m.document][0].startswith("📊 Dữ liệu Công đoàn cơ sở Trường Mầm non Kim Hỷ")


async def test_the_daily_report_is_asked_for_by_name_too(officer, demo_db):
    await officer.say("/nhanbaocao tieu hoc nghia tan")
    assert "Bạn sẽ nhận báo cáo tiến độ của Công đoàn cơ sở Trường Tiểu học Nghĩa Tân" in officer.text
    async with demo_db.transaction() as tx:
        [(chat, unit)] = await tx.bound_chats.receiving(kind="private")
    assert unit.code == "CDCS-TH-NGHIATAN"
