"""Progress figures: counts per child unit, rank, participants, value, today's change, phases, and a
bounded number of queries however large the tree (10,000 units, 200,000 initiatives)."""

import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event, insert, select, text

from storage.models import Initiative, Member, Unit
from storage.reports import progress, rollup

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)


async def add_initiative(tx, member, unit_code, status="submitted", value=None, when=NOW - timedelta(days=3)):
    unit = await tx.units.by_code(unit_code)
    tx.session.add(
        Initiative(title="Sáng kiến", status=status, author_id=member.id, unit_id=unit.id, estimated_value=value,
                   submitted_at=when, coauthors=[], code=None)
    )
    await tx.session.flush()


async def register(tx, user, unit_code):
    unit = await tx.units.by_code(unit_code)
    return await tx.members.register(channel="console", external_user_id=user, name=f"Người {user}", unit_id=unit.id,
                                     target_group=None, locale="vi")


async def test_figures_per_child_unit_with_rank_participants_value_and_today(demo_db):
    async with demo_db.transaction() as tx:
        hoa = await register(tx, "1", "CDCS-MN-KIMHY")
        lan = await register(tx, "2", "CDCS-MN-KIMHY")
        nam = await register(tx, "3", "CDCS-TH-NGHIATAN")
        await add_initiative(tx, hoa, "CDCS-MN-KIMHY", "valid", 20_000_000)
        await add_initiative(tx, hoa, "CDCS-MN-KIMHY", "submitted", None, when=NOW - timedelta(hours=1))
        await add_initiative(tx, lan, "CDCS-MN-KIMHY", "rejected", 5_000_000)
        await add_initiative(tx, nam, "CDCS-TH-NGHIATAN", "submitted", 1_000_000)
        await add_initiative(tx, nam, "CDCS-TH-NGHIATAN", "draft")
        await add_initiative(tx, nam, "CDCS-TH-NGHIATAN", "withdrawn")
        sector = await tx.units.by_code("CDN-GD-HN")
        report = await progress(tx.session, sector, None, NOW)
    assert (report.unit.submitted, report.unit.valid, report.unit.under_review) == (4, 1, 2)
    assert report.unit.participants == 3 and report.unit.value == 26_000_000 and report.unit.since_yesterday == 1
    kim_hy = next(c for c in report.children if c.code == "CDCS-MN-KIMHY")
    assert (kim_hy.submitted, kim_hy.participants, kim_hy.target, kim_hy.rank) == (3, 2, 4, 1)
    assert round(kim_hy.percent) == 75
    assert [c.code for c in report.children][-1] == "CDCS-TH-DICHVONG"  # nothing yet: last


async def test_a_phase_counts_its_own_dates_and_targets(demo_db):
    async with demo_db.transaction() as tx:
        hoa = await register(tx, "1", "CDCS-MN-KIMHY")
        await add_initiative(tx, hoa, "CDCS-MN-KIMHY", when=datetime(2025, 6, 1, tzinfo=timezone.utc))
        await add_initiative(tx, hoa, "CDCS-MN-KIMHY", when=datetime(2026, 6, 1, tzinfo=timezone.utc))
        phase = await tx.phases.add("GD2026", "Giai đoạn 2026", date(2026, 1, 1), date(2026, 12, 31))
        school = await tx.units.by_code("CDCS-MN-KIMHY")
        await tx.phases.set_target(school.id, phase.id, 10)
        report = await progress(tx.session, await tx.units.by_code("CDN-GD-HN"), phase, NOW)
    kim_hy = next(c for c in report.children if c.code == "CDCS-MN-KIMHY")
    assert (kim_hy.submitted, kim_hy.target) == (1, 10)


async def big_tree(db, units_per_level=(1, 10, 100, 9889), initiatives=200_000) -> dict[str, int]:
    """A national-size tree in 4 levels, filled with bulk inserts; returns how many lie under each unit code."""
    assert initiatives % 8 == 0
    async with db.transaction() as tx:
        session = tx.session
        next_id, parents, rows = 1, [None], []
        paths = {None: "/"}
        for level, count in enumerate(units_per_level):
            layer = []
            for i in range(count):
                parent = parents[i % len(parents)]
                path = f"{paths[parent]}{next_id}/"
                rows.append({"id": next_id, "code": f"U{next_id}", "name": f"Đơn vị {next_id}", "name_folded": f"don vi {next_id}",
                             "kind": "grassroots" if level == 3 else "union", "parent_id": parent, "path": path,
                             "member_count": 100})
                paths[next_id] = path
                layer.append(next_id)
                next_id += 1
            parents = layer
        await session.execute(insert(Unit.__table__), rows)
        await session.execute(insert(Member.__table__), [{"id": 1, "name": "Tác giả", "unit_id": parents[0], "locale": "vi",
                                                 "created_at": NOW}])
        grassroots = parents
        # An eighth written from here, then doubled three times by the database (INSERT ... SELECT): the same
        # rows as writing them all, without passing 200,000 of them through Python.
        first = initiatives // 8
        batch = []
        for i in range(first):
            batch.append({"status": "valid" if i % 3 == 0 else "submitted", "author_id": 1, "unit_id": grassroots[i % len(grassroots)],
                          "estimated_value": 1000, "submitted_at": NOW - timedelta(days=i % 30), "coauthors": [],
                          "created_at": NOW, "updated_at": NOW})
            if len(batch) == 20_000:
                await session.execute(insert(Initiative.__table__), batch)
                batch = []
        if batch:
            await session.execute(insert(Initiative.__table__), batch)
        table = Initiative.__table__
        copied = [column for column in table.c if column.name != "id"]
        for _ in range(3):
            await session.execute(insert(table).from_select(copied, select(*copied)))
    async with db.engine.connect() as conn:  # as autovacuum would after a bulk load: the planner needs statistics
        await conn.execute(text("ANALYZE"))
        await conn.commit()
    under: dict[str, int] = {}
    for i in range(first):
        for unit_id in paths[grassroots[i % len(grassroots)]].strip("/").split("/"):
            under[f"U{unit_id}"] = under.get(f"U{unit_id}", 0) + 8
    return under


async def test_a_national_report_takes_a_bounded_number_of_queries(db):
    started = time.monotonic()
    under = await big_tree(db)
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.transaction() as tx:
            root = (await tx.session.execute(select(Unit).where(Unit.parent_id.is_(None)))).scalar_one()
            middle = await tx.units.by_code("U2")
            statements.clear()
            whole = await progress(tx.session, root, None, NOW)
            root_queries = len(statements)
            statements.clear()
            part = await progress(tx.session, middle, None, NOW)
            middle_queries = len(statements)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert whole.unit.submitted == 200_000 and len(whole.children) == 10
    assert sum(c.submitted for c in whole.children) == 200_000
    assert part.unit.submitted == under["U2"] and len(part.children) == 10
    assert {c.code: c.submitted for c in part.children} == {c.code: under[c.code] for c in part.children}
    assert root_queries <= 4 and middle_queries <= 4, (root_queries, middle_queries)
    assert time.monotonic() - started < 600  # a guard against a runaway, not a timing target


async def test_an_author_of_several_units_is_one_participant_wherever_their_units_meet(demo_db):
    async with demo_db.transaction() as tx:
        hoa = await register(tx, "1", "CDCS-MN-KIMHY")
        lan = await register(tx, "2", "CDCS-MN-KIMHY")
        for unit in ("CDCS-MN-KIMHY", "CDCS-TH-NGHIATAN", "CDCS-BV-DONGANH", "LDLD-HN"):  # the city's own office too
            await add_initiative(tx, hoa, unit)
        await add_initiative(tx, lan, "CDCS-MN-KIMHY")
        await add_initiative(tx, lan, "CDCS-MN-KIMHY", "valid")
        city = await tx.units.by_code("LDLD-HN")
        report = await progress(tx.session, city, None, NOW)
        everyone = {f.code: f for f in await rollup(tx.session, city, None, NOW)}
        education = await progress(tx.session, await tx.units.by_code("CDN-GD-HN"), None, NOW)
    children = {c.code: c for c in report.children}
    assert (report.unit.submitted, report.unit.participants) == (6, 2)
    assert (children["CDN-GD-HN"].submitted, children["CDN-GD-HN"].participants) == (4, 2)
    assert (children["CDN-YT-HN"].submitted, children["CDN-YT-HN"].participants) == (1, 1)
    assert {c.code: c.participants for c in education.children if c.submitted} == {"CDCS-MN-KIMHY": 2,
                                                                                   "CDCS-TH-NGHIATAN": 1}
    assert {code: f.participants for code, f in everyone.items() if f.submitted} == {
        "LDLD-HN": 2, "CDN-GD-HN": 2, "CDCS-MN-KIMHY": 2, "CDCS-TH-NGHIATAN": 1, "CDN-YT-HN": 1, "CDCS-BV-DONGANH": 1}
    assert everyone["LDLD-HN"].submitted == 6 and everyone["CDN-GD-HN"].valid == 1
