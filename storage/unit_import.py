"""Importing the unit tree from rows (CSV or XLSX, read by bot/unit_files.py): all rows valid, or nothing written.

`check` finds every problem of a file before the database is touched (storage/unit_rows.py: the header and each
row; storage/unit_tree.py: the tree they make with what is stored); `apply` writes the rows with a few statements
whatever their number: ids and paths are worked out here, then inserted and updated in bulk.
"""

from __future__ import annotations

from conversations.text import fold
from storage.models import Unit
from storage.repositories import Transaction
from storage.unit_rows import (COLUMNS, HEADER, PHASE_COLUMN, Problem, UnitRow, check_header, check_kinds, parse,
                               shown)
from storage.unit_tree import MAX_LEVELS, check_tree, tree_paths

__all__ = ["COLUMNS", "HEADER", "MAX_LEVELS", "PHASE_COLUMN", "Problem", "UnitRow", "apply", "check", "check_header",
           "check_kinds", "check_tree", "export_rows", "parse", "shown"]


def check(header: list[str], records: list[tuple[int, dict]], phase_codes: set[str],
          existing_parents: dict[str, str | None]) -> tuple[list[UnitRow], list[Problem]]:
    """The rows of a file and all its problems, by line; a wrong header is the only problem told (every row would
    otherwise repeat it)."""
    problems = check_header(header, phase_codes)
    if problems:
        return [], problems
    rows, problems = parse(records, phase_codes)
    problems += check_kinds(rows) + check_tree(rows, existing_parents)
    return rows, sorted(problems, key=lambda p: p.line)


def _columns(row: UnitRow, ids: dict[str, int], paths: dict[int, str]) -> dict:
    unit_id = ids[row.code]
    return {"name": row.name, "name_folded": row.name_folded or fold(f"{row.name} {row.code}"), "kind": row.kind,
            "parent_id": ids[row.parent_code] if row.parent_code else None, "member_count": row.member_count,
            "target": row.target, "path": paths[unit_id]}


async def apply(tx: Transaction, rows: list[UnitRow]) -> tuple[int, int]:
    """Create or update every row by its code (a second import changes nothing); returns (added, updated).

    The rows have passed `check`. Stored units outside the file keep their place; their paths follow a moved parent.
    """
    stored = await tx.units.tree()
    by_code = {unit.code.upper(): unit for unit in stored}
    new = [row for row in rows if row.code not in by_code]
    ids = {code: unit.id for code, unit in by_code.items()}
    ids.update(zip((row.code for row in new), await tx.units.reserve_ids(len(new))))
    parents = {unit.id: unit.parent_id for unit in stored}
    parents.update({ids[row.code]: ids[row.parent_code] if row.parent_code else None for row in rows})
    paths = tree_paths(parents)  # parents before children
    order = {unit_id: n for n, unit_id in enumerate(paths)}
    new.sort(key=lambda row: order[ids[row.code]])
    added = ({"id": ids[row.code], "code": row.code, **_columns(row, ids, paths)} for row in new)
    changes, updated, in_file = [], 0, set()
    for row in rows:
        unit = by_code.get(row.code)
        if unit is None:
            continue
        columns = _columns(row, ids, paths)
        in_file.add(unit.id)
        updated += any(getattr(unit, name) != columns[name]
                       for name in ("name", "kind", "parent_id", "member_count", "target"))
        changes.append({"id": unit.id, **{name: value for name, value in columns.items() if getattr(unit, name) != value}})
    changes += [{"id": unit.id, "path": paths[unit.id]} for unit in stored
                if unit.id not in in_file and unit.id in paths and paths[unit.id] != unit.path]
    await tx.units.insert_many(added)
    await tx.units.update_many([change for change in changes if len(change) > 1])
    phases = {phase.code: phase.id for phase in await tx.phases.all()}
    await tx.phases.set_targets({(ids[row.code], phases[code]): target
                                 for row in rows for code, target in row.phase_targets.items()})
    if new:  # a large new tree: the planner's statistics would otherwise think the table is still small
        await tx.units.analyze()
    return len(new), updated


def export_rows(units: list[Unit], phases: list, targets: dict[tuple[int, int], int]) -> tuple[list[str], list[list]]:
    """The same columns the import reads, parents before children."""
    by_id = {u.id: u for u in units}
    header = [*COLUMNS, "target"] + [f"{PHASE_COLUMN}{p.code}" for p in phases]
    body = []
    for unit in sorted(units, key=lambda u: (u.path.count("/"), u.path)):
        parent = by_id.get(unit.parent_id)
        body.append(
            [unit.code, unit.name, parent.code if parent else "", unit.kind, unit.member_count, unit.target]
            + [targets.get((unit.id, p.id)) for p in phases]
        )
    return header, body
