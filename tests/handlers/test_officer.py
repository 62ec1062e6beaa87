"""The officer's progress report (/baocao): its figures add up by status in the text and in the chart."""

from __future__ import annotations

import pytest

from handlers.officer import chart_rows
from storage.reports import progress
from tests.handlers.office import person
from tests.storage.test_reports_partition import KIM_HY, NGHIA_TAN, SECTOR, every_status

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
