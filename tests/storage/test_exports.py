"""Exports for the national portal: every field of the initiatives sent in from a subtree, never drafts or
withdrawn ones, in batches with a bounded number of queries, and the figures of every unit of the subtree."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event, insert, select

from storage.exports import count_initiatives, initiatives
from storage.models import Initiative, Member, StatusChange, Unit
from storage.reports import progress, rollup

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)
T0, T1, T2 = (datetime(2026, 11, d, 2, 0, tzinfo=timezone.utc) for d in (18, 19, 20))
FORMULA_TITLE = '=HYPERLINK("http://evil","x")'
FULL = {
    "title": "Cải tiến quy trình đón trẻ buổi sáng",
    "field": "Giáo dục - đào tạo",
    "problem": "Phụ huynh chờ lâu ở cổng trường.",
    "solution": "Chia hai luồng đón theo khối lớp.",
    "benefit": "Giảm một nửa thời gian chờ.",
    "estimated_value": 2_500_000_000,
    "first_applied": {"date": "2025-03-01", "precision": "month"},
    "coauthors": ["Lê Thị Hoa", "Phạm Văn Đức"],
    "attachments": [
        {"field": "solution", "kind": "photo", "channel": "telegram", "ref": "photo-1"},
        {"field": "problem", "kind": "voice", "channel": "telegram", "ref": "voice-1"},
        {"field": "benefit", "kind": "document", "channel": "zalo", "ref": "doc-1"},
    ],
}
GD_PATH = "Liên đoàn Lao động thành phố Hà Nội / Công đoàn ngành Giáo dục Hà Nội"


async def register(tx, user: str, unit_code: str, name: str, phone: str | None = None) -> Member:
    unit = await tx.units.by_code(unit_code)
    return await tx.members.register(channel="console", external_user_id=user, name=name, unit_id=unit.id,
                                     target_group=None, locale="vi", phone=phone)


async def send(tx, author: Member, unit_code: str, answers: dict, when: datetime, *, entered_by: Member | None = None,
               decisions=()) -> Initiative:
    """Submit an initiative, then record each (status, reason, time) review decision."""
    draft = await tx.initiatives.save_draft(draft_id=None, author_id=author.id, answers=answers, step=None)
    draft.entered_by_id = (entered_by or author).id
    unit = await tx.units.by_code(unit_code)
    await tx.initiatives.submit(draft, actor_id=(entered_by or author).id, unit_id=unit.id, now=when)
    for status, reason, at in decisions:
        tx.session.add(StatusChange(initiative_id=draft.id, from_status=draft.status, to_status=status, reason=reason,
                                    created_at=at))
        draft.status = status
    await tx.session.flush()
    return draft


async def seed(db) -> dict:
    """On the demo tree: three initiatives sent in under CDN-GD-HN (and a draft, a withdrawn one), one elsewhere."""
    async with db.transaction() as tx:
        hoa = await register(tx, "1", "CDCS-MN-KIMHY", "Nguyễn Thị Hoa", "0912345678")
        lan = await register(tx, "2", "CDCS-MN-KIMHY", "Trần Thị Lan")
        nam = await register(tx, "3", "CDCS-TH-NGHIATAN", "Lê Văn Nam")
        helper = await register(tx, "4", "CDN-GD-HN", "Tổ hỗ trợ Giáo dục")
        other = await register(tx, "5", "CDCS-MAY-SONGNHUE", "Phạm Văn Bình")
        full = await send(tx, hoa, "CDCS-MN-KIMHY", FULL, T1, entered_by=helper, decisions=[
            ("needs_changes", "Bổ sung ảnh", T1 + timedelta(hours=5)),
            ("valid", "Đạt yêu cầu", T1 + timedelta(days=1)),
        ])
        evil = await send(tx, lan, "CDCS-MN-KIMHY", {"title": FORMULA_TITLE, "problem": "+1-2"}, T2)
        early = await send(tx, nam, "CDCS-TH-NGHIATAN", {"title": "Sổ liên lạc điện tử", "estimated_value": 1_000_000}, T0,
                           decisions=[("rejected", "Trùng sáng kiến đã có", T0 + timedelta(days=2))])
        await tx.initiatives.save_draft(draft_id=None, author_id=nam.id, answers={"title": "Bản nháp bí mật"}, step="problem")
        gone = await send(tx, nam, "CDCS-TH-NGHIATAN", {"title": "Đã rút"}, T1)
        await tx.initiatives.withdraw(gone, actor_id=nam.id)
        await send(tx, other, "CDCS-MAY-SONGNHUE", {"title": "Ở đơn vị khác", "estimated_value": 7}, T1)
        return {"full": full.code, "evil": evil.code, "early": early.code, "people": (hoa.id, lan.id, nam.id)}


async def exported(db, unit_code: str, **kwargs) -> list:
    async with db.transaction() as tx:
        unit = await tx.units.by_code(unit_code)
        return [row async for batch in initiatives(tx.session, unit, **kwargs) for row in batch]


async def test_every_field_of_an_initiative_sent_in(demo_db):
    codes = await seed(demo_db)
    rows = {row.code: row for row in await exported(demo_db, "CDN-GD-HN")}
    row = rows[codes["full"]]
    assert (row.status, row.title, row.field) == ("valid", FULL["title"], FULL["field"])
    assert (row.problem, row.solution, row.benefit) == (FULL["problem"], FULL["solution"], FULL["benefit"])
    assert row.estimated_value == 2_500_000_000 and type(row.estimated_value) is int
    assert (row.first_applied_on, row.first_applied_precision) == (date(2025, 3, 1), "month")
    assert row.coauthors == ("Lê Thị Hoa", "Phạm Văn Đức")
    assert (row.author_name, row.author_phone, row.entered_by_name) == ("Nguyễn Thị Hoa", "0912345678", "Tổ hỗ trợ Giáo dục")
    assert (row.unit_code, row.unit_name) == ("CDCS-MN-KIMHY", "Công đoàn cơ sở Trường Mầm non Kim Hỷ")
    assert row.unit_path == f"{GD_PATH} / Công đoàn cơ sở Trường Mầm non Kim Hỷ"
    assert row.submitted_at == T1 and row.created_at.tzinfo is not None
    assert (row.decided_at, row.decision_reason) == (T1 + timedelta(days=1), "Đạt yêu cầu")  # the latest decision
    assert row.attachment_count == 3
    evil = rows[codes["evil"]]
    assert (evil.title, evil.problem, evil.entered_by_name) == (FORMULA_TITLE, "+1-2", None)  # typed by the author
    assert (evil.decided_at, evil.decision_reason, evil.attachment_count, evil.coauthors) == (None, None, 0, ())
    assert (evil.estimated_value, evil.first_applied_on, evil.first_applied_precision) == (None, None, None)


async def test_only_initiatives_sent_in_from_the_subtree_in_order_of_sending(demo_db):
    codes = await seed(demo_db)
    rows = await exported(demo_db, "CDN-GD-HN")
    assert [r.code for r in rows] == [codes["early"], codes["full"], codes["evil"]]  # no draft, withdrawn or other unit
    assert [r.title for r in await exported(demo_db, "CDCS-MN-KIMHY")] == [FULL["title"], FORMULA_TITLE]
    assert len(await exported(demo_db, "LDLD-HN")) == 4
    async with demo_db.transaction() as tx:
        assert await count_initiatives(tx.session, await tx.units.by_code("CDN-GD-HN")) == 3
        assert await count_initiatives(tx.session, await tx.units.by_code("CDCS-TH-DICHVONG")) == 0


async def test_a_phase_keeps_the_initiatives_sent_in_its_days(demo_db):
    codes = await seed(demo_db)
    async with demo_db.transaction() as tx:
        phase = await tx.phases.add("TUAN", "Tuần cao điểm", date(2026, 11, 19), date(2026, 11, 30))
        unit = await tx.units.by_code("CDN-GD-HN")
        assert await count_initiatives(tx.session, unit, phase, timezone.utc) == 2
        rows = [r async for batch in initiatives(tx.session, unit, phase, timezone.utc) for r in batch]
    assert [r.code for r in rows] == [codes["full"], codes["evil"]]


async def test_rollup_gives_every_unit_of_the_subtree_the_figures_progress_gives(demo_db):
    await seed(demo_db)
    statements = []

    def count(*_args):
        statements.append(1)

    async with demo_db.transaction() as tx:
        phase = await tx.phases.add("GD2026", "Giai đoạn 2026", date(2026, 1, 1), date(2026, 12, 31))
        await tx.phases.set_target((await tx.units.by_code("CDCS-MN-KIMHY")).id, phase.id, 3)
        root = await tx.units.by_code("LDLD-HN")
        event.listen(demo_db.engine.sync_engine, "before_cursor_execute", count)
        try:
            figures = await rollup(tx.session, root, phase, NOW)
        finally:
            event.remove(demo_db.engine.sync_engine, "before_cursor_execute", count)
        by_code = {f.code: f for f in figures}
        units = (await tx.session.execute(select(Unit))).scalars().all()
        for unit in units:
            report = await progress(tx.session, unit, phase, NOW)
            mine = by_code[unit.code]
            for got, want in [(mine, report.unit)] + [(by_code[c.code], c) for c in report.children]:
                assert (got.submitted, got.valid, got.under_review, got.participants, got.value, got.target) == (
                    want.submitted, want.valid, want.under_review, want.participants, want.value, want.target), got.code
    assert len(statements) <= 4, len(statements)
    assert len(figures) == len(units) and figures[0].code == "LDLD-HN" and figures[0].level == 1
    root_figures = figures[0]
    assert (root_figures.submitted, root_figures.valid, root_figures.under_review) == (4, 1, 2)
    assert (root_figures.participants, root_figures.value, root_figures.member_count) == (4, 2_501_000_007, 13198)
    kim_hy, education = by_code["CDCS-MN-KIMHY"], by_code["CDN-GD-HN"]
    assert (kim_hy.level, kim_hy.submitted, kim_hy.target, kim_hy.participants, round(kim_hy.percent)) == (3, 2, 3, 2, 67)
    assert (education.level, education.submitted, education.target) == (2, 3, math.ceil(173 / 10))
    codes = [f.code for f in figures]
    assert codes.index("CDN-GD-HN") < codes.index("CDCS-MN-KIMHY") < codes.index("CDN-YT-HN")  # tree order


async def test_rollup_of_a_leaf_unit_is_that_unit(demo_db):
    await seed(demo_db)
    async with demo_db.transaction() as tx:
        figures = await rollup(tx.session, await tx.units.by_code("CDCS-TH-NGHIATAN"), None, NOW)
    assert [(f.code, f.level, f.submitted, f.participants) for f in figures] == [("CDCS-TH-NGHIATAN", 1, 1, 1)]


async def test_thousands_of_rows_come_in_batches_with_two_queries_each(db):
    async with db.transaction() as tx:
        root = await tx.units.add(code="ROOT", name="Gốc", kind="province_federation", parent=None, member_count=10)
        leaf = await tx.units.add(code="LEAF", name="Lá", kind="grassroots", parent=root, member_count=10)
        elsewhere = await tx.units.add(code="ELSE", name="Khác", kind="grassroots", parent=None, member_count=10)
        author = await register(tx, "1", "LEAF", "Tác giả")
        rows = [{"status": ("submitted", "valid", "draft", "withdrawn")[i % 4], "author_id": author.id,
                 "unit_id": elsewhere.id if i % 10 == 9 else leaf.id, "title": f"Sáng kiến {i}", "coauthors": [],
                 "submitted_at": T0 + timedelta(minutes=i % 7), "created_at": T0, "updated_at": T0}  # many ties
                for i in range(4000)]
        await tx.session.execute(insert(Initiative), rows)
        expected = sorted(((r["submitted_at"], i) for i, r in enumerate(rows)
                           if r["status"] in ("submitted", "valid") and r["unit_id"] == leaf.id))
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.transaction() as tx:
            root = await tx.units.by_code("ROOT")
            statements.clear()
            sizes, titles = [], []
            async for batch in initiatives(tx.session, root, batch=250):
                sizes.append(len(batch))
                titles += [r.title for r in batch]
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert len(titles) == len(expected) == 1800 and len(set(titles)) == 1800
    assert titles == [f"Sáng kiến {i}" for _at, i in expected]  # by submitted_at, then id (ids follow i)
    assert max(sizes) == 250 and len(sizes) == math.ceil(1800 / 250)
    assert len(statements) <= 2 * len(sizes) + 2, (len(statements), len(sizes))  # the units, the rows, 2 a batch
