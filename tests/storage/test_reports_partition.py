"""Figures add up: what was sent in is split into the four statuses (đang xem xét, cần bổ sung, hợp lệ, không hợp
lệ), with nothing counted twice or in no status, and drafts and withdrawn initiatives nowhere, in a unit's
report and in the rollup of its subtree alike.

`every_status` is the tree the handler, reminder and export tests read their figures from.
"""

from __future__ import annotations

from datetime import timedelta

from storage.reports import STATUSES, progress, rollup
from tests.storage.test_exports import NOW, T0, T1, T2, register, send

# Under the education sector union (CDN-GD-HN): Kim Hỷ has one initiative in every status, Nghĩa Tân only
# reviewed ones, Dịch Vọng only a draft. Each status's total differs, so a status counted as another shows.
KIM_HY = {"valid": 2, "submitted": 1, "needs_changes": 1, "rejected": 1}
NGHIA_TAN = {"valid": 0, "submitted": 0, "needs_changes": 2, "rejected": 3}
SECTOR = {status: KIM_HY[status] + NGHIA_TAN[status] for status in STATUSES}  # 2 + 1 + 3 + 4 = 10 sent in


async def every_status(db) -> None:
    """The tree above: every status present, plus drafts and a withdrawn initiative that count nowhere, and an
    initiative of another sector that stays out of the education sector's figures."""
    async with db.transaction() as tx:
        hoa = await register(tx, "11", "CDCS-MN-KIMHY", "Nguyễn Thị Hoa")
        nam = await register(tx, "12", "CDCS-TH-NGHIATAN", "Lê Văn Nam")
        vong = await register(tx, "13", "CDCS-TH-DICHVONG", "Đỗ Văn Vọng")
        other = await register(tx, "14", "CDCS-MAY-SONGNHUE", "Phạm Văn Bình")
        for author, unit, counts in ((hoa, "CDCS-MN-KIMHY", KIM_HY), (nam, "CDCS-TH-NGHIATAN", NGHIA_TAN)):
            for status, count in counts.items():
                for i in range(count):
                    decided = [] if status == "submitted" else [(status, "Ý kiến của cán bộ", T2 + timedelta(hours=i))]
                    await send(tx, author, unit, {"title": f"{status} {i}", "estimated_value": 1_000}, T1,
                               decisions=decided)
        for author in (hoa, nam, vong):
            await tx.initiatives.save_draft(draft_id=None, author_id=author.id, answers={"title": "Nháp"}, step="problem")
        gone = await send(tx, hoa, "CDCS-MN-KIMHY", {"title": "Đã rút"}, T0)
        await tx.initiatives.withdraw(gone, actor_id=hoa.id)
        await send(tx, other, "CDCS-MAY-SONGNHUE", {"title": "Ngành khác"}, T1, decisions=[("needs_changes", "Thêm ảnh", T2)])


def parts(figures) -> dict[str, int]:
    return {"valid": figures.valid, "submitted": figures.under_review, "needs_changes": figures.needs_changes,
            "rejected": figures.rejected}


async def test_a_units_report_splits_what_was_sent_in_into_the_four_statuses(demo_db):
    await every_status(demo_db)
    async with demo_db.transaction() as tx:
        report = await progress(tx.session, await tx.units.by_code("CDN-GD-HN"), None, NOW)
    assert parts(report.unit) == report.unit.by_status == SECTOR
    assert report.unit.submitted == sum(SECTOR.values()) == 10  # no draft, nothing withdrawn, nothing from outside
    by_code = {c.code: c for c in report.children}
    assert by_code["CDCS-MN-KIMHY"].by_status == KIM_HY and by_code["CDCS-MN-KIMHY"].submitted == 5
    assert by_code["CDCS-TH-NGHIATAN"].by_status == NGHIA_TAN and by_code["CDCS-TH-NGHIATAN"].submitted == 5
    assert by_code["CDCS-TH-DICHVONG"].submitted == 0 == sum(by_code["CDCS-TH-DICHVONG"].by_status.values())
    for figures in (report.unit, *report.children):
        assert sum(figures.by_status.values()) == figures.submitted, figures.code


async def test_the_rollup_of_a_subtree_splits_every_units_figures_alike(demo_db):
    await every_status(demo_db)
    async with demo_db.transaction() as tx:
        city = await rollup(tx.session, await tx.units.by_code("LDLD-HN"), None, NOW)
    by_code = {f.code: f for f in city}
    assert by_code["CDN-GD-HN"].by_status == SECTOR
    assert by_code["CDCS-MN-KIMHY"].by_status == KIM_HY and by_code["CDCS-TH-NGHIATAN"].by_status == NGHIA_TAN
    assert by_code["CDN-CT-HN"].by_status == {"valid": 0, "submitted": 0, "needs_changes": 1, "rejected": 0}
    assert by_code["LDLD-HN"].submitted == 11 and by_code["LDLD-HN"].needs_changes == 4
    for figures in city:
        assert sum(figures.by_status.values()) == figures.submitted, figures.code

