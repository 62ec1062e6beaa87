"""Progress figures of a unit and its child units (báo cáo tiến độ), from a bounded number of queries.

Whatever the tree's size: one query for the subtree's units, one for the phase's targets, one
for the per-unit counts and one for the participants; the rollup along the paths is done in memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo
from typing import Callable, Iterable

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Initiative, Phase, PhaseTarget, Unit

COUNTED = ("submitted", "valid", "needs_changes", "rejected")  # sent in, whatever the review said


@dataclass
class Figures:
    unit_id: int
    code: str
    name: str
    target: int
    submitted: int = 0
    valid: int = 0
    under_review: int = 0
    new_today: int = 0
    value: int = 0
    authors: set = field(default_factory=set)
    rank: int | None = None
    member_count: int = 0
    level: int = 1  # cấp: 1 for the unit the figures were asked for, 2 for its child units, ...

    @property
    def participants(self) -> int:
        return len(self.authors)

    @property
    def percent(self) -> float:
        return 100.0 * self.submitted / self.target if self.target else 0.0

    @property
    def since_yesterday(self) -> int:
        return self.new_today


@dataclass
class Report:
    unit: Figures
    children: list[Figures]
    phase: Phase | None
    as_of: datetime


def _target(unit: Unit, phase_targets: dict[int, int]) -> int:
    if unit.id in phase_targets:
        return phase_targets[unit.id]
    return unit.target if unit.target is not None else math.ceil(unit.member_count / 10)


def _figures(unit: Unit, phase_targets: dict[int, int], level: int) -> Figures:
    return Figures(unit.id, unit.code, unit.name, _target(unit, phase_targets), member_count=unit.member_count,
                   level=level)


def counted_in(root: Unit, phase: Phase | None, tz: tzinfo | None) -> ColumnElement[bool]:
    """The condition for initiatives sent in from `root`'s subtree (in the phase's days, counted in `tz`)."""
    condition = and_(Initiative.unit_id.in_(select(Unit.id).where(Unit.path.startswith(root.path))),
                     Initiative.status.in_(COUNTED))
    if phase is not None:
        start = datetime.combine(phase.starts_on, time.min, tzinfo=tz)
        end = datetime.combine(phase.ends_on + timedelta(days=1), time.min, tzinfo=tz)
        condition = and_(condition, Initiative.submitted_at >= start, Initiative.submitted_at < end)
    return condition


async def _subtree(session: AsyncSession, root: Unit) -> list[Unit]:
    return list((await session.execute(select(Unit).where(Unit.path.startswith(root.path)))).scalars())


async def _phase_targets(session: AsyncSession, phase: Phase | None, unit_ids) -> dict[int, int]:
    if phase is None:
        return {}
    rows = await session.execute(
        select(PhaseTarget.unit_id, PhaseTarget.target).where(PhaseTarget.phase_id == phase.id,
                                                              PhaseTarget.unit_id.in_(unit_ids))
    )
    return dict(rows.all())


async def _tally(session: AsyncSession, root: Unit, phase: Phase | None, now: datetime,
                 figures_of: Callable[[int], Iterable[Figures]]) -> None:
    """Add the counts of each unit's initiatives to every Figures `figures_of(unit id)` names: two queries."""
    counted = counted_in(root, phase, now.tzinfo)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    counts = await session.execute(
        select(
            Initiative.unit_id,
            func.count(),
            func.sum(case((Initiative.status == "valid", 1), else_=0)),
            func.sum(case((Initiative.status == "submitted", 1), else_=0)),
            func.sum(case((Initiative.submitted_at >= day_start, 1), else_=0)),
            func.coalesce(func.sum(Initiative.estimated_value), 0),
        )
        .where(counted)
        .group_by(Initiative.unit_id)
    )
    for unit_id, submitted, valid, review, today, value in counts.all():
        for figures in figures_of(unit_id):
            figures.submitted += submitted
            figures.valid += int(valid or 0)
            figures.under_review += int(review or 0)
            figures.new_today += int(today or 0)
            figures.value += int(value or 0)
    authors = await session.execute(select(Initiative.unit_id, Initiative.author_id).where(counted).distinct())
    for unit_id, author_id in authors.all():
        for figures in figures_of(unit_id):
            figures.authors.add(author_id)


async def progress(session: AsyncSession, unit: Unit, phase: Phase | None, now: datetime,
                   targets: dict[int, int] | None = None) -> Report:
    """`phase` is anything with `starts_on` and `ends_on` (a campaign too); `targets` replaces the phase's."""
    units = await _subtree(session, unit)
    children = [u for u in units if u.parent_id == unit.id]
    phase_targets = targets if targets is not None else await _phase_targets(
        session, phase, [unit.id] + [c.id for c in children])
    report_unit = _figures(unit, phase_targets, 1)
    by_child = {c.id: _figures(c, phase_targets, 2) for c in children}
    owner = _owners(units, unit, by_child)

    def figures_of(unit_id: int) -> Iterable[Figures]:
        child = by_child.get(owner.get(unit_id))
        return (report_unit,) if child is None else (report_unit, child)

    await _tally(session, unit, phase, now, figures_of)
    ranked = sorted(by_child.values(), key=lambda f: (-f.percent, -f.submitted, f.name))
    for position, figures in enumerate(ranked, start=1):
        figures.rank = position
    return Report(report_unit, ranked, phase, now)


async def rollup(session: AsyncSession, root: Unit, phase: Phase | None, now: datetime,
                 targets: dict[int, int] | None = None) -> list[Figures]:
    """Figures of every unit in `root`'s subtree, each counting everything below it, in tree order.

    The same four queries as `progress` whatever the tree's size; each unit's line of ancestors
    inside the subtree comes from its path.
    """
    units = await _subtree(session, root)
    phase_targets = targets if targets is not None else await _phase_targets(
        session, phase, select(Unit.id).where(Unit.path.startswith(root.path)))
    depth = root.path.count("/")
    by_id = {u.id: _figures(u, phase_targets, u.path.count("/") - depth + 1) for u in units}
    lines: dict[int, tuple[Figures, ...]] = {}
    for unit in units:
        ids = (int(part) for part in unit.path.strip("/").split("/"))
        lines[unit.id] = tuple(by_id[i] for i in ids if i in by_id)  # ancestors above the root are not in by_id
    await _tally(session, root, phase, now, lambda unit_id: lines.get(unit_id, ()))
    return _tree_order(units, root, by_id)


def _tree_order(units: list[Unit], root: Unit, by_id: dict[int, Figures]) -> list[Figures]:
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered, stack = [], [root]
    while stack:
        unit = stack.pop()
        ordered.append(by_id[unit.id])
        stack += sorted(children.get(unit.id, []), key=lambda u: u.code, reverse=True)
    return ordered


def _owners(units: list[Unit], root: Unit, by_child: dict[int, Figures]) -> dict[int, int]:
    """Each unit of the subtree -> the child of the root it lies under (from the path, no query)."""
    owners = {}
    prefix = len(root.path)
    for unit in units:
        rest = unit.path[prefix:].split("/", 1)[0]
        if rest.isdigit() and int(rest) in by_child:
            owners[unit.id] = int(rest)
    return owners
