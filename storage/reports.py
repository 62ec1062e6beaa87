"""Progress figures of a unit and its child units (báo cáo tiến độ), from a bounded number of queries.

Whatever the tree's size: one query for the subtree's units, one for the per-unit counts and
one for the participants; the rollup to each child unit is done in memory along the paths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select
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


async def progress(session: AsyncSession, unit: Unit, phase: Phase | None, now: datetime) -> Report:
    subtree = select(Unit).where(Unit.path.startswith(unit.path))
    units = list((await session.execute(subtree)).scalars())
    children = [u for u in units if u.parent_id == unit.id]
    phase_targets: dict[int, int] = {}
    if phase is not None:
        rows = await session.execute(
            select(PhaseTarget.unit_id, PhaseTarget.target).where(
                PhaseTarget.phase_id == phase.id, PhaseTarget.unit_id.in_([unit.id] + [c.id for c in children])
            )
        )
        phase_targets = dict(rows.all())
    report_unit = Figures(unit.id, unit.code, unit.name, _target(unit, phase_targets))
    by_child = {c.id: Figures(c.id, c.code, c.name, _target(c, phase_targets)) for c in children}
    owner = _owners(units, unit, by_child)

    in_subtree = and_(Initiative.unit_id.in_(select(Unit.id).where(Unit.path.startswith(unit.path))),
                      Initiative.status.in_(COUNTED))
    if phase is not None:
        start = datetime.combine(phase.starts_on, datetime.min.time(), tzinfo=now.tzinfo)
        end = datetime.combine(phase.ends_on + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
        in_subtree = and_(in_subtree, Initiative.submitted_at >= start, Initiative.submitted_at < end)
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
        .where(in_subtree)
        .group_by(Initiative.unit_id)
    )
    for unit_id, submitted, valid, review, today, value in counts.all():
        for figures in (report_unit, by_child.get(owner.get(unit_id))):
            if figures is not None:
                figures.submitted += submitted
                figures.valid += int(valid or 0)
                figures.under_review += int(review or 0)
                figures.new_today += int(today or 0)
                figures.value += int(value or 0)
    authors = await session.execute(select(Initiative.unit_id, Initiative.author_id).where(in_subtree).distinct())
    for unit_id, author_id in authors.all():
        report_unit.authors.add(author_id)
        child = by_child.get(owner.get(unit_id))
        if child is not None:
            child.authors.add(author_id)
    ranked = sorted(by_child.values(), key=lambda f: (-f.percent, -f.submitted, f.name))
    for position, figures in enumerate(ranked, start=1):
        figures.rank = position
    return Report(report_unit, ranked, phase, now)


def _owners(units: list[Unit], root: Unit, by_child: dict[int, Figures]) -> dict[int, int]:
    """Each unit of the subtree -> the child of the root it lies under (from the path, no query)."""
    owners = {}
    prefix = len(root.path)
    for unit in units:
        rest = unit.path[prefix:].split("/", 1)[0]
        if rest.isdigit() and int(rest) in by_child:
            owners[unit.id] = int(rest)
    return owners
