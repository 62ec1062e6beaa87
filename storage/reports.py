"""Progress figures of a unit and its child units (báo cáo tiến độ), from a bounded number of queries.

Whatever the tree's size, four queries, and the database does the counting: a report groups the
initiatives by child unit, a rollup groups them by unit and adds each unit's figures up its path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Initiative, Phase, PhaseTarget, Unit
from storage.repositories.units import bytewise, instr, under

# Every status an initiative sent in can be in, with the Figures attribute counting it, in the order reports
# show them: they partition what was sent in (submitted = valid + under review + needs changes + rejected).
STATUSES = {"valid": "valid", "submitted": "under_review", "needs_changes": "needs_changes", "rejected": "rejected"}
COUNTED = tuple(STATUSES)  # sent in, whatever the review said; drafts and withdrawn ones are not


@dataclass
class Figures:
    unit_id: int
    code: str
    name: str
    target: int
    submitted: int = 0
    valid: int = 0  # hợp lệ
    under_review: int = 0  # đang xem xét (status "submitted")
    needs_changes: int = 0  # cần bổ sung
    rejected: int = 0  # không hợp lệ
    new_today: int = 0
    value: int = 0
    participants: int = 0  # distinct authors
    rank: int | None = None
    member_count: int = 0
    level: int = 1  # cấp: 1 for the unit the figures were asked for, 2 for its child units, ...

    @property
    def percent(self) -> float:
        return 100.0 * self.submitted / self.target if self.target else 0.0

    @property
    def since_yesterday(self) -> int:
        return self.new_today

    @property
    def by_status(self) -> dict[str, int]:
        """Initiative status -> how many are in it, in the order of STATUSES; the values add up to `submitted`."""
        return {status: getattr(self, name) for status, name in STATUSES.items()}

    def add(self, submitted, valid, review, needs_changes, rejected, today, value, participants) -> None:
        """Add one row of `_counts` (sums are NULL, and PostgreSQL's sum of a bigint a Decimal)."""
        self.submitted += submitted
        self.valid += int(valid or 0)
        self.under_review += int(review or 0)
        self.needs_changes += int(needs_changes or 0)
        self.rejected += int(rejected or 0)
        self.new_today += int(today or 0)
        self.value += int(value or 0)
        self.participants += participants


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


def _sent_in(phase: Phase | None, tz: tzinfo | None) -> ColumnElement[bool]:
    condition = Initiative.status.in_(COUNTED)
    if phase is not None:
        start = datetime.combine(phase.starts_on, time.min, tzinfo=tz)
        end = datetime.combine(phase.ends_on + timedelta(days=1), time.min, tzinfo=tz)
        condition = and_(condition, Initiative.submitted_at >= start, Initiative.submitted_at < end)
    return condition


def counted_in(root: Unit, phase: Phase | None, tz: tzinfo | None) -> ColumnElement[bool]:
    """The condition for initiatives sent in from `root`'s subtree (in the phase's days, counted in `tz`)."""
    return and_(Initiative.unit_id.in_(select(Unit.id).where(under(root.path))), _sent_in(phase, tz))


def _counts(now: datetime) -> tuple:
    """The columns `Figures.add` takes, for a GROUP BY."""
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        func.count(),
        *(func.sum(case((Initiative.status == status, 1), else_=0)) for status in STATUSES),
        func.sum(case((Initiative.submitted_at >= day_start, 1), else_=0)),
        func.coalesce(func.sum(Initiative.estimated_value), 0),
        func.count(Initiative.author_id.distinct()),
    )


async def _phase_targets(session: AsyncSession, phase: Phase | None, unit_ids) -> dict[int, int]:
    if phase is None:
        return {}
    rows = await session.execute(
        select(PhaseTarget.unit_id, PhaseTarget.target).where(PhaseTarget.phase_id == phase.id,
                                                              PhaseTarget.unit_id.in_(unit_ids))
    )
    return dict(rows.all())


def _child_of(root: Unit) -> ColumnElement[str]:
    """'<id>/' of the child of `root` a unit lies under, the next step of its path ('' for the root itself)."""
    rest = func.substr(Unit.path, len(root.path) + 1)
    return bytewise(func.substr(Unit.path, len(root.path) + 1, instr(rest, "/")))  # bytewise: sorted by memcmp


async def progress(session: AsyncSession, unit: Unit, phase: Phase | None, now: datetime,
                   targets: dict[int, int] | None = None) -> Report:
    """`phase` is anything with `starts_on` and `ends_on` (a campaign too); `targets` replaces the phase's."""
    children = list((await session.execute(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.id))).scalars())
    phase_targets = targets if targets is not None else await _phase_targets(
        session, phase, [unit.id] + [c.id for c in children])
    report_unit = _figures(unit, phase_targets, 1)
    by_child = {f"{c.id}/": _figures(c, phase_targets, 2) for c in children}
    child = _child_of(unit)
    per_child = await session.execute(
        select(child, *_counts(now)).join(Unit, Unit.id == Initiative.unit_id)
        .where(under(unit.path), _sent_in(phase, now.tzinfo)).group_by(child)
    )
    for step, *counts in per_child.all():
        if step in by_child:
            by_child[step].add(*counts)
    # The unit's own figures from a query of their own, not the children's sum: an author of two children is one.
    report_unit.add(*(await session.execute(select(*_counts(now)).where(counted_in(unit, phase, now.tzinfo)))).one())
    ranked = sorted(by_child.values(), key=lambda f: (-f.percent, -f.submitted, f.name))
    for position, figures in enumerate(ranked, start=1):
        figures.rank = position
    return Report(report_unit, ranked, phase, now)


async def rollup(session: AsyncSession, root: Unit, phase: Phase | None, now: datetime,
                 targets: dict[int, int] | None = None) -> list[Figures]:
    """Figures of every unit in `root`'s subtree, each counting everything below it, in tree order.

    The same four queries whatever the tree's size: the subtree, its targets, the counts per unit (added up
    each unit's line of ancestors, from its path), and the authors who sent in from more than one unit.
    """
    units = (await session.execute(select(*Unit.__table__.columns).where(under(root.path)))).all()
    phase_targets = targets if targets is not None else await _phase_targets(
        session, phase, select(Unit.id).where(under(root.path)))
    depth = root.path.count("/")
    by_id = {u.id: _figures(u, phase_targets, u.path.count("/") - depth + 1) for u in units}
    lines: dict[int, tuple[Figures, ...]] = {}
    for unit in units:
        ids = (int(part) for part in unit.path.strip("/").split("/"))
        lines[unit.id] = tuple(by_id[i] for i in ids if i in by_id)  # ancestors above the root are not in by_id
    counted = counted_in(root, phase, now.tzinfo)
    per_unit = await session.execute(select(Initiative.unit_id, *_counts(now)).where(counted)
                                     .group_by(Initiative.unit_id))
    for unit_id, *counts in per_unit.all():
        for figures in lines.get(unit_id, ()):
            figures.add(*counts)
    # Summing the units' distinct authors counts an author of several units once per unit: take each
    # such (unit, author) out again, and count the author once per unit above.
    several = select(Initiative.author_id).where(counted).group_by(Initiative.author_id).having(
        func.min(Initiative.unit_id) != func.max(Initiative.unit_id))
    pairs = await session.execute(select(Initiative.unit_id, Initiative.author_id).distinct()
                                  .where(counted, Initiative.author_id.in_(several)))
    authors: dict[int, set[int]] = {}  # unit id of the figures -> those authors under it
    for unit_id, author_id in pairs.all():
        for figures in lines.get(unit_id, ()):
            figures.participants -= 1
            authors.setdefault(figures.unit_id, set()).add(author_id)
    for unit_id, seen in authors.items():
        by_id[unit_id].participants += len(seen)
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
