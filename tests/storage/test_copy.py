"""`storage.copy`: a populated SQLite installation copied row for row into an empty PostgreSQL schema (and a
new SQLite file), then used through the repositories; refusals write nothing, failures leave no row behind."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text

from storage import copy, migrate
from storage.copy import CopyError, copy_database
from storage.db import Database
from storage.demo import load_demo_units
from storage.models import Base, Unit
from storage.reports import progress
from tests.conftest import POSTGRES_URL, require_postgres

SENT = datetime(2026, 11, 18, 8, 0, tzinfo=timezone.utc)
PNG = bytes(range(256)) * 8  # every byte value, NUL included


async def create_schema() -> str:
    """A new empty schema on the test server (nothing migrated); skips, or fails under REQUIRE_POSTGRES=1."""
    await require_postgres()
    schema = f"copy_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE SCHEMA "{schema}"')
    return schema


async def drop_schema(schema: str) -> None:
    await _admin(f'DROP SCHEMA "{schema}" CASCADE')


async def _admin(statement: str) -> None:
    admin = Database.from_url(POSTGRES_URL)
    async with admin.engine.begin() as conn:
        await conn.execute(text(statement))
    await admin.close()


async def populate(db: Database) -> None:
    """Something in every table, through the repositories, with a unit moved under one made after it."""
    async with db.transaction() as tx:
        await load_demo_units(tx)
        school, sector = await tx.units.by_code("CDCS-MN-KIMHY"), await tx.units.by_code("CDN-GD-HN")
        phase = await tx.phases.add("GD1", "Giai đoạn 2026", date(2026, 1, 1), date(2026, 12, 31))
        await tx.phases.set_target(school.id, phase.id, 12)
        moved = await tx.units.add(code="CDCS-CHUYEN", name="Công đoàn Công ty Chuyển", kind="grassroots",
                                   parent=None, member_count=40)
        newer = await tx.units.add(code="CDCT-MOI", name="Công đoàn cấp trên mới", kind="direct_superior",
                                   parent=sector, member_count=0)
        moved.parent_id = newer.id
        await tx.units.repath()
        lan = await tx.members.register(channel="telegram", external_user_id="1001", name="Nguyễn Thị Lan",
                                        unit_id=school.id, target_group="Khác", locale="vi")
        binh = await tx.members.register(channel="zalo", external_user_id="z-77", name="Trần Văn Bình",
                                         unit_id=sector.id, target_group=None, locale="en")
        await tx.roles.grant(binh.id, "officer", sector.id)
        await tx.roles.grant(binh.id, "support", school.id)
        answers = {"title": "Gá kẹp phôi", "field": "Sản xuất kinh doanh", "problem": "Phôi hay lệch",
                   "solution": "Làm gá định vị", "estimated_value": 25_000_000, "coauthors": ["Lê Văn Nam"],
                   "first_applied": {"date": "2026-03-01", "precision": "month"},
                   "attachments": [{"field": "solution", "kind": "photo", "channel": "telegram", "ref": "AgAD-1",
                                    "caption": "Ảnh gá", "mime_type": "image/jpeg", "size": 52_311},
                                   {"field": "problem", "kind": "voice", "channel": "telegram", "ref": "AwAD-2",
                                    "stored": "ab12.ogg", "transcript": "Phôi hay bị lệch khi kẹp"}]}
        for title, decision in (("Gá kẹp phôi", "valid"), ("Sổ tay an toàn", "needs_changes")):
            sent = await tx.initiatives.save_draft(draft_id=None, author_id=lan.id, answers={**answers, "title": title},
                                                   step="review")
            await tx.initiatives.submit(sent, actor_id=lan.id, unit_id=school.id, now=SENT)
            await tx.initiatives.decide(sent, decision, actor_id=binh.id, reason="Thiếu số liệu" if decision != "valid" else None)
        draft = await tx.initiatives.save_draft(draft_id=None, author_id=lan.id, answers={"title": "Nháp"}, step="field")
        await tx.conversations.save(None, channel="telegram", chat_id="1001", user_id="1001", flow="submission",
                                    step="field", answers={"title": "Nháp"}, meta={"draft_id": draft.id})
        await tx.updates.mark_processed("telegram", "5001")
        await tx.outbox.add("telegram", "1001", {"text": "Đã nhận sáng kiến", "buttons": [["Xem"]]}, "reply:5001")
        await tx.outbox.lease("telegram", "1001", "worker-1", SENT + timedelta(seconds=30), SENT)
        await tx.hearings.add("telegram", "1001", "1001", "AwAD-2", "ab12.ogg")
        await tx.images.add(PNG)
        await tx.images.add(b"PK\x03\x04\x00xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            filename="bao-cao.xlsx")
        await tx.bound_chats.bind("telegram", "-100200", kind="group", unit_id=sector.id, member_id=binh.id,
                                  title="Nhóm công đoàn ngành giáo dục")
        await tx.campaigns.create(name="Tuần cao điểm", kind="peak_week", unit=sector, starts_on=date(2026, 11, 23),
                                  ends_on=date(2026, 11, 29), target=18, slogan="Sáng tạo mỗi ngày", created_by_id=binh.id)
        await tx.invites.create(role="support", unit_id=school.id, created_by_id=binh.id, now=SENT, lifetime=timedelta(days=7))
        await tx.help_requests.open(member_id=lan.id, name=lan.name, unit_id=school.id, initiative_id=draft.id,
                                    channel="telegram", chat_id="1001", step="field")


@pytest.fixture
async def source(tmp_path):
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'source.db'}")
    await migrate.upgrade(db)
    await populate(db)
    yield db
    await db.close()


@pytest.fixture(params=["postgres", "sqlite"])
async def target(request, tmp_path):
    """An empty database, not even migrated."""
    schema = await create_schema() if request.param == "postgres" else None
    db = Database.from_url(POSTGRES_URL if schema else f"sqlite+aiosqlite:///{tmp_path / 'target.db'}", search_path=schema)
    yield db
    await db.close()
    if schema:
        await drop_schema(schema)


async def rows_of(db: Database) -> dict[str, list[tuple]]:
    async with db.engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in await conn.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }


async def root_report(db: Database):
    async with db.session() as session:
        root = (await session.execute(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))).scalars().first()
        report = await progress(session, root, None, SENT + timedelta(days=1))
    return [(f.code, f.submitted, f.valid, f.under_review, f.value, f.participants, f.target, f.rank)
            for f in (report.unit, *report.children)]


async def test_every_row_arrives_as_it_was_and_the_copy_works(source, target):
    counts, before = await copy_database(source, target, batch=3), await rows_of(source)  # batches of 3 rows
    assert all(before.values()), [name for name, rows in before.items() if not rows]  # the test covers every table
    assert counts == {name: len(rows) for name, rows in before.items()}
    assert await rows_of(target) == before
    assert await migrate.current_revision(target) == await migrate.current_revision(source)
    assert await root_report(target) == await root_report(source)

    async with target.transaction() as tx:
        unit = await tx.units.add(code="CDCS-SAU", name="Công đoàn sau khi chuyển", kind="grassroots",
                                  parent=await tx.units.by_code("CDN-GD-HN"), member_count=5)
        member = await tx.members.register(channel="telegram", external_user_id="2002", name="Phạm Thu Hà",
                                           unit_id=unit.id, target_group=None, locale="vi")
        image = await tx.images.add(b"\x89PNG")
        draft = await tx.initiatives.save_draft(draft_id=None, author_id=member.id, answers={"title": "Mới"}, step="field")
        code = await tx.initiatives.submit(draft, actor_id=member.id, unit_id=unit.id, now=SENT)
        fresh = await tx.images.get(image)
    assert unit.id == max(r[0] for r in before["units"]) + 1
    assert member.id == max(r[0] for r in before["members"]) + 1
    assert draft.id == max(r[0] for r in before["initiatives"]) + 1
    assert fresh.id == max(r[0] for r in before["generated_images"]) + 1
    assert code == "SK-2026-000003"  # the year's counter came along too


async def test_a_target_holding_data_is_refused_and_left_as_it_was(source, target):
    await migrate.upgrade(target)
    async with target.transaction() as tx:
        await tx.phases.add("GD0", "Giai đoạn thử", date(2025, 1, 1), date(2025, 12, 31))
    before = await rows_of(target)
    with pytest.raises(CopyError, match=r"already holds data \(phases\).*empty database"):
        await copy_database(source, target)
    assert await rows_of(target) == before


async def test_a_source_behind_the_newest_migration_is_refused(tmp_path, target):
    old = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await migrate.upgrade(old, "0004")
        with pytest.raises(CopyError, match=r"migration 0004, not the newest .*sangkien db upgrade"):
            await copy_database(old, target)
    finally:
        await old.close()
    async with target.engine.connect() as conn:
        assert await conn.run_sync(lambda sync: inspect(sync).get_table_names()) == []  # not even migrated


async def test_a_failure_half_way_leaves_no_row_behind(source, target):
    async with source.engine.connect() as conn:  # a dangling reference the target's foreign keys refuse
        await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await conn.exec_driver_sql("INSERT INTO status_changes (initiative_id, to_status, created_at) "
                                   "VALUES (999, 'valid', '2026-11-18 08:00:00')")
        await conn.commit()
    with pytest.raises(CopyError, match="rolled back"):
        await copy_database(source, target, batch=2)
    assert not any((await rows_of(target)).values())


async def test_a_source_written_to_during_the_copy_fails_loudly_and_rolls_back(source, target, monkeypatch):
    copy_table = copy._copy_table

    async def and_the_bot_writes(src, dst, table, batch):
        copied = await copy_table(src, dst, table, batch)
        if table.name == "outbox":
            async with source.transaction() as tx:
                await tx.outbox.add("telegram", "1001", {"text": "Tin mới"}, "reply:5002")
        return copied

    monkeypatch.setattr(copy, "_copy_table", and_the_bot_writes)
    with pytest.raises(CopyError, match=r"does not match the source.*outbox: source 2, copied 1, target 1"):
        await copy_database(source, target)
    assert not any((await rows_of(target)).values())
