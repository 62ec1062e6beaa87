"""Importing the unit tree: every row valid or nothing written; re-import updates, never duplicates."""

from datetime import date

from storage.unit_import import apply, check_tree, export_rows, parse


def records(*rows: dict) -> list[tuple[int, dict]]:
    return [(n, row) for n, row in enumerate(rows, start=2)]


TREE = records(
    {"code": "ldld-dn", "name": "LĐLĐ thành phố Đà Nẵng", "parent_code": "", "kind": "province_federation", "member_count": 1200},
    {"code": "CD-KCN-DN", "name": "Công đoàn các KCN Đà Nẵng", "parent_code": "LDLD-DN", "kind": "industrial_zone_union", "member_count": "1.100"},
    {"code": "CDCS-A", "name": "Công đoàn cơ sở Công ty A", "parent_code": "CD-KCN-DN", "kind": "grassroots", "member_count": 700.0, "target": 90, "target:GD1": 120},
    {"code": "CDCS-B", "name": "Công đoàn cơ sở Công ty B", "parent_code": "CD-KCN-DN", "kind": "grassroots", "member_count": "400"},
)


async def import_rows(db, recs, phases=frozenset()):
    async with db.transaction() as tx:
        rows, problems = parse(recs, set(phases))
        problems += check_tree(rows, await tx.units.parents_by_code())
        assert problems == []
        return await apply(tx, rows)


async def test_a_tree_of_any_depth_is_imported_and_reimport_changes_nothing(db):
    async with db.transaction() as tx:
        await tx.phases.add("GD1", "Giai đoạn 1", date(2026, 1, 1), date(2026, 12, 31))
    assert await import_rows(db, TREE, {"GD1"}) == (4, 0)
    assert await import_rows(db, TREE, {"GD1"}) == (0, 0)
    async with db.transaction() as tx:
        units = {u.code: u for u in await tx.units.all()}
        phase = await tx.phases.by_code("GD1")
        targets = await tx.phases.targets(phase.id)
    assert len(units) == 4 and units["CD-KCN-DN"].member_count == 1100
    assert units["CDCS-A"].path.startswith(units["CD-KCN-DN"].path) and units["CDCS-A"].path.count("/") == 4
    assert units["CDCS-A"].target == 90 and units["CDCS-B"].effective_target == 40
    assert targets == {units["CDCS-A"].id: 120}


async def test_moving_a_unit_updates_it_and_its_subtree_paths(db):
    async with db.transaction() as tx:
        await tx.phases.add("GD1", "Giai đoạn 1", date(2026, 1, 1), date(2026, 12, 31))
    await import_rows(db, TREE, {"GD1"})
    moved = records({"code": "CDCS-A", "name": "Công đoàn cơ sở Công ty A (mới)", "parent_code": "LDLD-DN", "kind": "grassroots", "member_count": 720})
    assert await import_rows(db, moved) == (0, 1)
    async with db.transaction() as tx:
        units = {u.code: u for u in await tx.units.all()}
        found = await tx.units.search("cong ty a moi")
    assert units["CDCS-A"].parent_id == units["LDLD-DN"].id and units["CDCS-A"].path.count("/") == 3
    assert [u.code for u in found] == ["CDCS-A"]


def test_problems_are_reported_with_their_line_numbers():
    bad = records(
        {"code": "X", "name": "", "kind": "grassroots", "member_count": "abc"},
        {"code": "Y", "name": "Y", "kind": "grassroots", "member_count": -3, "target:GD9": 5},
        {"code": "X", "name": "X again", "kind": "grassroots", "member_count": 1},
        {"code": "Z", "name": "Z", "kind": "grassroots", "member_count": 1, "parent_code": "NOWHERE"},
        {"code": "P", "name": "P", "kind": "grassroots", "member_count": 1, "parent_code": "Q"},
        {"code": "Q", "name": "Q", "kind": "grassroots", "member_count": 1, "parent_code": "P"},
    )
    rows, problems = parse(bad, {"GD1"})
    problems += check_tree(rows, {})
    found = {(p.line, p.message.split(":")[0].split(" ")[0]) for p in problems}
    assert (2, "name") in found and (2, "member_count") in found
    assert (3, "member_count") in found and (3, "no") in found
    assert (4, "code") in found  # duplicate of line 2
    assert (5, "parent") in found
    assert {(6, "P"), (7, "Q")} <= found  # the cycle, on both lines


async def test_a_file_with_a_problem_writes_nothing(db):
    async with db.transaction() as tx:
        extra = [(9, {"code": "C", "name": "C", "kind": "k", "member_count": 1, "parent_code": "NO"})]
        rows, problems = parse(TREE + extra, {"GD1"})
        problems += check_tree(rows, await tx.units.parents_by_code())
    assert [p.line for p in problems] == [9]
    async with db.transaction() as tx:
        assert await tx.units.all() == []


async def test_export_gives_back_what_was_imported(db):
    async with db.transaction() as tx:
        await tx.phases.add("GD1", "Giai đoạn 1", date(2026, 1, 1), date(2026, 12, 31))
    await import_rows(db, TREE, {"GD1"})
    async with db.transaction() as tx:
        header, rows = export_rows(await tx.units.all(), await tx.phases.all(), await tx.phases.all_targets())
    assert header == ["code", "name", "parent_code", "kind", "member_count", "target", "target:GD1"]
    assert rows[0][:3] == ["LDLD-DN", "LĐLĐ thành phố Đà Nẵng", ""]
    assert ["CDCS-A", "Công đoàn cơ sở Công ty A", "CD-KCN-DN", "grassroots", 700, 90, 120] in rows
    again = records(*[dict(zip(header, row)) for row in rows])
    assert await import_rows(db, again, {"GD1"}) == (0, 0)


async def test_the_current_phase_is_the_running_one_or_the_last_ended(db):
    async with db.transaction() as tx:
        await tx.phases.add("GD1", "Giai đoạn 1", date(2025, 1, 1), date(2025, 12, 31))
        await tx.phases.add("GD2", "Giai đoạn 2", date(2026, 3, 1), date(2026, 12, 31))
        assert (await tx.phases.current(date(2026, 6, 1))).code == "GD2"
        assert (await tx.phases.current(date(2026, 2, 1))).code == "GD1"
        assert await tx.phases.current(date(2024, 6, 1)) is None
