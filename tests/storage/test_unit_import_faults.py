"""Unit import on real-world files (issue 15, defect 5): every fault is a line problem found before the database is
touched, a deep tree imports without recursion, and a national tree goes in with a handful of statements."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from storage.unit_import import MAX_LEVELS, apply, check_kinds, check_tree, parse
from tests.storage.test_unit_import import records


def unit(code, parent="", **more) -> dict:
    return {"code": code, "name": f"Công đoàn {code}", "parent_code": parent, "kind": "grassroots",
            "member_count": 10, **more}


def chain(length: int) -> list[tuple[int, dict]]:
    """A root and `length` units below it, each the parent of the next."""
    return records(unit("ROOT", kind="national"), *(unit(f"C{n}", "ROOT" if n == 1 else f"C{n - 1}")
                                                     for n in range(1, length + 1)))


async def checked(db, recs, phases=frozenset()):
    async with db.transaction() as tx:
        rows, problems = parse(recs, set(phases))
        problems += check_kinds(rows) + check_tree(rows, await tx.units.parents_by_code())
    return rows, problems


def keys(problems) -> set[tuple[int, str]]:
    return {(p.line, p.key) for p in problems}


async def test_values_longer_than_their_column_or_out_of_range_are_line_problems(db):
    """Defect 5: a value longer than its column or a number out of range gave a 600-line traceback on PostgreSQL
    instead of a line problem; now each is found before anything is written."""
    rows, problems = await checked(db, records(
        unit("X" * 65),
        unit("LONG", name="Ư" * 301),
        unit("BIG", member_count=2**31),
        unit("HUGE", target="99999999999", **{"target:GD1": 2**40}),
        unit("OK", member_count=2**31 - 1),
    ), {"GD1"})
    assert keys(problems) == {(2, "too_long"), (3, "too_long"), (4, "too_large"), (5, "too_large")}
    assert len([p for p in problems if p.line == 5]) == 2  # the target and the phase's target
    [long_name] = [p for p in problems if p.line == 3]
    assert long_name.message.startswith("name is 301 characters long, at most 300")
    assert len(long_name.message) < 120  # the value is shown cut short, on one line


async def test_an_unknown_kind_is_refused(db):
    """Defect 5: any `kind` was stored; now one outside the known levels is a line problem naming them."""
    _, problems = await checked(db, records(unit("A", kind="grassroots"), unit("B", kind="cong_doan_co_so")))
    [problem] = problems
    assert (problem.line, problem.key) == (3, "unknown_kind") and "grassroots" in problem.message


async def test_a_300_level_chain_is_imported_on_both_engines(db):
    """Defect 5: a tree deeper than the path column allowed failed on PostgreSQL (paths over 1,000 characters)."""
    recs = chain(300)
    rows, problems = await checked(db, recs)
    assert problems == []
    async with db.transaction() as tx:
        assert await apply(tx, rows) == (301, 0)
    async with db.transaction() as tx:
        deepest = await tx.units.by_code("C300")
        assert deepest.path.count("/") == 302 and len(deepest.path) > 1000
        assert [u.code for u in await tx.units.find("C299")] == ["C299"]
        assert (await tx.units.by_code("C1")).parent_id == (await tx.units.by_code("ROOT")).id


async def test_a_chain_deeper_than_the_tree_allows_is_one_line_problem(db):
    """Defect 5: a 1,000-level chain hit RecursionError on SQLite (and overflowed the path on PostgreSQL); now the
    first unit below the deepest level allowed is named on its line, and nothing is written."""
    rows, problems = await checked(db, chain(1000))
    [problem] = problems
    assert (problem.line, problem.key) == (2 + MAX_LEVELS, "too_deep")
    assert f"C{MAX_LEVELS}" in problem.message and str(MAX_LEVELS) in problem.message
    async with db.transaction() as tx:
        assert await tx.units.count() == 0


async def test_a_large_tree_goes_in_with_a_few_statements(db):
    """Defect 5: import time grew quadratically (10,000 rows: 49 s) with queries per row; now the statements an
    import runs do not grow with its rows, for new units, changed ones and phase targets alike."""
    async with db.transaction() as tx:
        await tx.phases.add("GD1", "Giai đoạn 1", date(2026, 1, 1), date(2026, 12, 31))
    tree = [unit("VN", kind="national")] + [unit(f"P{p}", "VN", kind="province_federation") for p in range(20)]
    tree += [unit(f"P{p}-G{g}", f"P{p}", **{"target:GD1": g}) for p in range(20) for g in range(100)]
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        rows, problems = await checked(db, records(*tree), {"GD1"})
        assert problems == []
        async with db.transaction() as tx:
            assert await apply(tx, rows) == (2021, 0)
        first = len(statements)
        moved = [{**row, "parent_code": "P0", "member_count": 11, "target:GD1": None} for row in tree[1021:]]
        rows, problems = await checked(db, records(*moved), {"GD1"})
        async with db.transaction() as tx:
            assert await apply(tx, rows) == (0, 1000)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert first < 40 and len(statements) - first < 40, (first, len(statements) - first)
    async with db.transaction() as tx:
        moved_unit, parent = await tx.units.by_code("P19-G99"), await tx.units.by_code("P0")
        assert moved_unit.parent_id == parent.id and moved_unit.path.startswith(parent.path)
        phase = await tx.phases.by_code("GD1")
        assert len(await tx.phases.targets(phase.id)) == 1000  # P0..P9's kept, P10..P19's cleared by empty cells
