"""Importing the unit tree from rows (CSV or XLSX, read by bot/unit_files.py): all rows valid, or nothing written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conversations.text import fold, nfc
from storage.models import Unit
from storage.repositories import Transaction

PHASE_COLUMN = "target:"  # "target:GD1" holds the unit's target in phase GD1


@dataclass
class UnitRow:
    line: int
    code: str
    name: str
    parent_code: str | None
    kind: str
    member_count: int
    target: int | None = None
    phase_targets: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _number(value, what: str, line: int, problems: list[Problem], required: bool) -> int | None:
    """A count from a spreadsheet cell: 38, 38.0, "38", "1.250" or "1,250" (thousands separators)."""
    text = str(value).strip() if value is not None else ""
    if not text:
        if required:
            problems.append(Problem(line, f"{what} is missing"))
        return None
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) or re.fullmatch(r"-?\d{1,3}([.,]\d{3})+|-?\d+", text):
        number = int(re.sub(r"[.,]", "", text))
    else:
        problems.append(Problem(line, f"{what} is not a whole number: {text!r}"))
        return None
    if number < 0:
        problems.append(Problem(line, f"{what} is negative: {number}"))
        return None
    return number


def parse(records: list[tuple[int, dict]], phase_codes: set[str]) -> tuple[list[UnitRow], list[Problem]]:
    """Rows from (line number, {column: value}) records, and every problem found on the way."""
    rows, problems = [], []
    for line, record in records:
        record = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
        code = nfc(str(record.get("code") or "")).upper()
        name = nfc(str(record.get("name") or ""))
        kind = nfc(str(record.get("kind") or ""))
        for what, value in (("code", code), ("name", name), ("kind", kind)):
            if not value:
                problems.append(Problem(line, f"{what} is missing"))
        members = _number(record.get("member_count"), "member_count", line, problems, required=True)
        target = _number(record.get("target"), "target", line, problems, required=False)
        phase_targets = {}
        for column, value in record.items():
            if column.startswith(PHASE_COLUMN):
                phase = column[len(PHASE_COLUMN):].strip().upper()
                if phase not in phase_codes:
                    problems.append(Problem(line, f"no phase {phase!r} (add it with 'sangkien phases add')"))
                    continue
                phase_targets[phase] = _number(value, column, line, problems, required=False)
        parent = nfc(str(record.get("parent_code") or "")).upper() or None
        rows.append(UnitRow(line, code, name, parent, kind, members or 0, target, phase_targets))
    return rows, problems


def check_tree(rows: list[UnitRow], existing_parents: dict[str, str | None]) -> list[Problem]:
    """Duplicate codes, missing parents and cycles, judged on the tree as it will be after the import."""
    problems, seen = [], {}
    for row in rows:
        if row.code in seen:
            problems.append(Problem(row.line, f"code {row.code} already on line {seen[row.code]}"))
        seen.setdefault(row.code, row.line)
    parents = {**existing_parents, **{row.code: row.parent_code for row in rows}}
    for row in rows:
        if row.parent_code and row.parent_code not in parents:
            problems.append(Problem(row.line, f"parent {row.parent_code} of {row.code} is neither in the file nor stored"))
    for row in rows:
        walked, code = {row.code}, row.parent_code
        while code is not None and code in parents:
            if code in walked:
                problems.append(Problem(row.line, f"{row.code} would be its own ancestor (a cycle through {code})"))
                break
            walked.add(code)
            code = parents[code]
    return problems


def tree_order(rows: list[UnitRow]) -> list[UnitRow]:
    """Parents before children (parents outside the file already exist)."""
    by_code, ordered, placed = {r.code: r for r in rows}, [], set()

    def place(row: UnitRow) -> None:
        if row.code in placed:
            return
        if row.parent_code in by_code:
            place(by_code[row.parent_code])
        placed.add(row.code)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


async def apply(tx: Transaction, rows: list[UnitRow]) -> tuple[int, int]:
    """Create or update every row by its code (a second import changes nothing); returns (added, updated)."""
    phases = {p.code: p for p in await tx.phases.all()}
    added = updated = 0
    for row in tree_order(rows):
        parent = await tx.units.by_code(row.parent_code) if row.parent_code else None
        unit = await tx.units.by_code(row.code)
        if unit is None:
            unit = await tx.units.add(
                code=row.code, name=row.name, kind=row.kind, parent=parent, member_count=row.member_count, target=row.target
            )
            added += 1
        else:
            changed = (unit.name, unit.kind, unit.parent_id, unit.member_count, unit.target) != (
                row.name, row.kind, parent.id if parent else None, row.member_count, row.target
            )
            unit.name, unit.kind, unit.member_count, unit.target = row.name, row.kind, row.member_count, row.target
            unit.parent_id = parent.id if parent else None
            unit.name_folded = fold(f"{row.name} {row.code}")
            updated += changed
        for phase_code, target in row.phase_targets.items():
            await tx.phases.set_target(unit.id, phases[phase_code].id, target)
    await tx.units.repath()
    if added:  # a large new tree: the planner's statistics would otherwise think the table is still small
        await tx.units.analyze()
    return added, updated


def export_rows(units: list[Unit], phases: list, targets: dict[tuple[int, int], int]) -> tuple[list[str], list[list]]:
    """The same columns the import reads, parents before children."""
    by_id = {u.id: u for u in units}
    header = ["code", "name", "parent_code", "kind", "member_count", "target"] + [f"{PHASE_COLUMN}{p.code}" for p in phases]
    body = []
    for unit in sorted(units, key=lambda u: (u.path.count("/"), u.path)):
        parent = by_id.get(unit.parent_id)
        body.append(
            [unit.code, unit.name, parent.code if parent else "", unit.kind, unit.member_count, unit.target]
            + [targets.get((unit.id, p.id)) for p in phases]
        )
    return header, body
