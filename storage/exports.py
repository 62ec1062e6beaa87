"""What officers hand on to the national portal: every initiative sent in from a unit's subtree.

Never drafts, deleted or withdrawn ones (officers never see drafts): only the statuses the
progress figures count. Rows come from one query read through a server-side cursor, `batch` at a
time, with two more queries a batch (attachments, decisions) whatever its size, so 200,000
initiatives never sit in memory at once and are sorted only once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from typing import AsyncIterator

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Attachment, Initiative, Member, Phase, StatusChange, Unit
from storage.reports import counted_in
from storage.repositories.initiatives import DECISIONS  # a review's outcome; the latest one is exported

BATCH = 1000


@dataclass(frozen=True)
class ExportedInitiative:
    """One sáng kiến as the portal wants it, in plain values."""

    code: str | None
    status: str
    title: str | None
    field: str | None
    problem: str | None
    solution: str | None
    benefit: str | None
    estimated_value: int | None  # đồng
    first_applied_on: date | None
    first_applied_precision: str | None  # day | month | year
    coauthors: tuple[str, ...]
    author_name: str
    author_phone: str | None
    entered_by_name: str | None  # who typed it in on the author's behalf (người nhập hộ)
    unit_code: str | None
    unit_name: str | None
    unit_path: str | None  # names from the top of the tree down, joined by " / "
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_reason: str | None
    attachment_count: int
    files: tuple[dict, ...] = ()  # each attachment: field, kind, filename, caption, transcript, and its link's keys


async def count_initiatives(session: AsyncSession, unit: Unit, phase: Phase | None = None,
                            tz: tzinfo = timezone.utc) -> int:
    """How many rows `initiatives` will give (for a progress bar)."""
    query = select(func.count(Initiative.id)).where(counted_in(unit, phase, tz))
    return (await session.execute(query)).scalar_one()


async def initiatives(session: AsyncSession, unit: Unit, phase: Phase | None = None, tz: tzinfo = timezone.utc,
                      *, batch: int = BATCH) -> AsyncIterator[list[ExportedInitiative]]:
    """The initiatives of `unit`'s subtree, ordered by submitted_at then id, `batch` at a time.

    With a phase, only those submitted in its days (counted in `tz`), like the progress figures.
    """
    places = await _places(session, unit)
    author, enterer = aliased(Member), aliased(Member)
    sent = func.coalesce(Initiative.submitted_at, Initiative.created_at)  # always set once submitted; belt and braces
    query = (
        select(*_COLUMNS, author.name.label("author_name"), author.phone.label("author_phone"),
               enterer.name.label("entered_by_name"))
        .select_from(Initiative)
        .join(author, author.id == Initiative.author_id)
        .outerjoin(enterer, and_(enterer.id == Initiative.entered_by_id,
                                 Initiative.entered_by_id != Initiative.author_id))
        .where(counted_in(unit, phase, tz))
        .order_by(sent, Initiative.id)
        .execution_options(yield_per=batch)
    )
    result = await session.stream(query)
    try:
        async for rows in result.partitions():
            attachments, decisions = await _details(session, [row.id for row in rows])
            yield [_exported(row, places, attachments.get(row.id, ()), decisions.get(row.id, (None, None)))
                   for row in rows]
    finally:
        await result.close()


async def _details(session: AsyncSession, ids: list[int]) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """For a batch: the attachments of each, and its latest decision (time, reason). Two queries."""
    rows = await session.execute(
        select(Attachment.initiative_id, Attachment.field, Attachment.kind, Attachment.filename, Attachment.caption,
               Attachment.token, Attachment.stored_key, Attachment.playable_key, Attachment.transcript)
        .where(Attachment.initiative_id.in_(ids)).order_by(Attachment.id)
    )
    attachments: dict[int, tuple] = {}
    for initiative_id, field, kind, filename, caption, token, stored, playable, transcript in rows.all():
        item = {"field": field, "kind": kind, "filename": filename, "caption": caption, "token": token,
                "stored": stored, "playable": playable, "transcript": transcript}
        attachments[initiative_id] = (*attachments.get(initiative_id, ()), item)
    changes = await session.execute(
        select(StatusChange.initiative_id, StatusChange.created_at, StatusChange.reason)
        .where(StatusChange.initiative_id.in_(ids), StatusChange.to_status.in_(DECISIONS))
        .order_by(StatusChange.id)
    )
    decisions = {initiative_id: (at, reason) for initiative_id, at, reason in changes.all()}  # by id: the latest wins
    return attachments, decisions


_COLUMNS = (
    Initiative.id, Initiative.code, Initiative.status, Initiative.title, Initiative.field, Initiative.problem,
    Initiative.solution, Initiative.benefit, Initiative.estimated_value, Initiative.first_applied_on,
    Initiative.first_applied_precision, Initiative.coauthors, Initiative.unit_id, Initiative.created_at,
    Initiative.submitted_at,
)


@dataclass(frozen=True)
class _Place:
    code: str
    name: str
    path: str


async def _places(session: AsyncSession, root: Unit) -> dict[int, _Place]:
    """Every unit of the subtree with its path as names; one query, ancestors of the root included."""
    above = [int(part) for part in root.path.strip("/").split("/") if part]
    result = await session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.path).where(or_(Unit.path.startswith(root.path), Unit.id.in_(above)))
    )
    units = result.all()
    names = {row.id: row.name for row in units}

    def line(path: str) -> str:
        return " / ".join(names[int(part)] for part in path.strip("/").split("/") if int(part) in names)

    return {row.id: _Place(row.code, row.name, line(row.path)) for row in units if row.path.startswith(root.path)}


def _exported(row, places: dict[int, _Place], files: tuple[dict, ...], decision: tuple) -> ExportedInitiative:
    place = places.get(row.unit_id)
    return ExportedInitiative(
        code=row.code,
        status=row.status,
        title=row.title,
        field=row.field,
        problem=row.problem,
        solution=row.solution,
        benefit=row.benefit,
        estimated_value=int(row.estimated_value) if row.estimated_value is not None else None,
        first_applied_on=row.first_applied_on,
        first_applied_precision=row.first_applied_precision if row.first_applied_on is not None else None,
        coauthors=tuple(str(name) for name in row.coauthors or ()),
        author_name=row.author_name,
        author_phone=row.author_phone,
        entered_by_name=row.entered_by_name,
        unit_code=place.code if place else None,
        unit_name=place.name if place else None,
        unit_path=place.path if place else None,
        created_at=row.created_at,
        submitted_at=row.submitted_at,
        decided_at=decision[0],
        decision_reason=decision[1],
        attachment_count=len(files),
        files=files,
    )
