"""Initiatives (sáng kiến): drafts saved answer by answer, submission with a code, withdrawal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.authorship import OwnInitiative, wrote
from storage.models import Attachment, CodeCounter, Initiative, Member, StatusChange, Unit, utcnow
from storage.repositories.answers import apply_answers
from storage.repositories.units import under
from storage.repositories.upsert import insert_for

DECISIONS = ("valid", "needs_changes", "rejected")  # hợp lệ, cần bổ sung, không hợp lệ
SENT_IN = ("submitted", *DECISIONS)
# Built once: read on most of a worker's updates, their files with them (one statement, not two).
_FOR_AUTHOR = (
    select(Initiative)
    .options(joinedload(Initiative.attachments))
    .where(Initiative.author_id == bindparam("author"), Initiative.status != "deleted")
    .order_by(Initiative.updated_at.desc(), Initiative.id.desc())
)
# Built once: the reminder job asks every minute.
_STALE_DRAFTS = (
    select(Initiative)
    .where(
        Initiative.status == "draft",
        or_(
            (Initiative.nudges_sent == 0) & (Initiative.updated_at <= bindparam("untouched_since")),
            (Initiative.nudges_sent == 1) & (Initiative.nudged_at <= bindparam("nudged_before"))
            & (Initiative.updated_at <= Initiative.nudged_at),
        ),
    )
    .order_by(Initiative.updated_at, Initiative.id)
    .limit(bindparam("limit"))
)
SMALL_SUBTREE = 500  # units: a duplicate check's pool up to this size is read unit by unit


class InitiativeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # The session holds what it loaded only weakly: kept here for the transaction, a draft read with the
        # author's list is saved without being read again.
        self._kept: list[Initiative] = []

    async def get(self, initiative_id: int) -> Initiative | None:
        return await self.session.get(Initiative, initiative_id)

    async def owned(self, initiative_id: int, author_id: int) -> Initiative | None:
        """An initiative only if this member wrote it: nobody sees another member's drafts."""
        initiative = await self.get(initiative_id)
        return initiative if initiative is not None and initiative.author_id == author_id else None

    async def save_draft(
        self, *, draft_id: int | None, author_id: int, answers: dict, step: str | None, entered_by_id: int | None = None
    ) -> Initiative:
        initiative = await self.owned(draft_id, author_id) if draft_id else None
        if initiative is None or initiative.status not in ("draft", "needs_changes"):
            initiative = Initiative(
                author_id=author_id, entered_by_id=entered_by_id, status="draft", coauthors=[], attachments=[]
            )
            self.session.add(initiative)
        apply_answers(initiative, answers)
        initiative.current_step = step
        initiative.updated_at = utcnow()
        await self.session.flush()
        return initiative

    async def attachment(self, token: str) -> Attachment | None:
        """The attachment a link names (its token), whatever its initiative's status: the link is the key."""
        if not token:
            return None
        return (await self.session.execute(select(Attachment).where(Attachment.token == token))).scalar_one_or_none()

    async def for_author(self, author_id: int) -> list[Initiative]:
        """Drafts first (most recently touched first), then submissions, newest first."""
        items = list((await self.session.execute(_FOR_AUTHOR, {"author": author_id})).unique().scalars())
        self._kept.extend(items)
        return [i for i in items if i.status == "draft"] + [i for i in items if i.status != "draft"]

    async def stale_drafts(self, untouched_since: datetime, nudged_before: datetime, limit: int = 500) -> list[Initiative]:
        """Drafts owed a reminder: never nudged and untouched since `untouched_since`, or nudged once
        before `nudged_before` and untouched since; the oldest first."""
        result = await self.session.execute(
            _STALE_DRAFTS, {"untouched_since": untouched_since, "nudged_before": nudged_before, "limit": limit}
        )
        return list(result.scalars())

    async def mark_nudged(self, initiative: Initiative, when: datetime) -> None:
        """Count a reminder without touching `updated_at` (which tells when the worker last typed)."""
        await self.session.execute(
            update(Initiative).where(Initiative.id == initiative.id)
            .values(nudges_sent=Initiative.nudges_sent + 1, nudged_at=when, updated_at=Initiative.updated_at)
        )

    async def submit(
        self, initiative: Initiative, *, actor_id: int, unit_id: int | None, now: datetime, entered_by_id: int | None = None
    ) -> str:
        """A first submission gets a code; one sent again after "needs changes" keeps its code and first date."""
        if initiative.code is None:
            initiative.code = await self._next_code(now.year)
            initiative.submitted_at = now
            initiative.unit_id = unit_id
        initiative.entered_by_id = entered_by_id or initiative.entered_by_id or actor_id
        initiative.current_step = None
        await self._change(initiative, "submitted", actor_id=actor_id, reason=None)
        return initiative.code

    async def decide(self, initiative: Initiative, decision: str, *, actor_id: int, reason: str | None) -> int:
        """Record a review decision; returns the review round it answers (1 for the first submission).

        An author or co-author deciding their own initiative is refused here, whatever screen asked."""
        if decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision!r}")
        actor = await self.session.get(Member, actor_id)
        if actor is not None and wrote(initiative, actor):
            raise OwnInitiative(f"member {actor_id} wrote initiative {initiative.id}")
        rounds = await self.session.execute(
            select(func.count(StatusChange.id)).where(
                StatusChange.initiative_id == initiative.id, StatusChange.to_status == "submitted"
            )
        )
        await self._change(initiative, decision, actor_id=actor_id, reason=reason)
        return rounds.scalar_one()

    async def latest_decision(self, initiative_id: int) -> StatusChange | None:
        result = await self.session.execute(
            select(StatusChange)
            .where(StatusChange.initiative_id == initiative_id, StatusChange.to_status.in_(DECISIONS))
            .order_by(StatusChange.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def notes(self, initiative_ids: list[int]) -> dict[int, str]:
        """The latest decision's comment or reason of each initiative that has one."""
        if not initiative_ids:
            return {}
        result = await self.session.execute(
            select(StatusChange.initiative_id, StatusChange.reason)
            .where(StatusChange.initiative_id.in_(initiative_ids), StatusChange.to_status.in_(DECISIONS))
            .order_by(StatusChange.id)
        )
        latest = dict(result.all())  # ordered by id: each initiative's last decision wins
        return {initiative_id: reason for initiative_id, reason in latest.items() if reason}

    async def queue(
        self, roots: list[str], limit: int, exclude: list[int] = ()
    ) -> tuple[int, list[tuple[Initiative, Member, Unit]]]:
        """Submitted initiatives waiting for review in these subtrees, oldest first, and how many there are
        (those in `exclude` left out: the reviewer's own)."""
        waiting = (
            select(Initiative, Member, Unit)
            .join(Member, Member.id == Initiative.author_id)
            .join(Unit, Unit.id == Initiative.unit_id)
            .where(Initiative.status == "submitted", _inside(roots))
        )
        if exclude:
            waiting = waiting.where(Initiative.id.not_in(list(exclude)))
        total = await self.session.execute(select(func.count()).select_from(waiting.subquery()))
        rows = await self.session.execute(waiting.order_by(Initiative.submitted_at, Initiative.id).limit(limit))
        return total.scalar_one(), [tuple(row) for row in rows.all()]

    async def own_waiting(self, member: Member, roots: list[str]) -> list[int]:
        """Submitted initiatives of these subtrees that `member` wrote or co-wrote (see storage.authorship):
        only those by them or sent in from their own unit can be, so only those are read."""
        mine = or_(Initiative.author_id == member.id, Initiative.entered_by_id == member.id)
        if member.unit_id is not None:
            mine = or_(mine, Initiative.unit_id == member.unit_id)
        result = await self.session.execute(
            select(Initiative.id, Initiative.author_id, Initiative.entered_by_id, Initiative.coauthors, Initiative.unit_id)
            .join(Unit, Unit.id == Initiative.unit_id)
            .where(Initiative.status == "submitted", _inside(roots), mine).order_by(Initiative.id)
        )
        return [row.id for row in result.all() if wrote(row, member)]

    async def with_author(
        self, initiative_id: int, *, for_update: bool = False
    ) -> tuple[Initiative, Member, Unit | None] | None:
        """The initiative, its author and unit; `for_update` locks the row (PostgreSQL) for a decision."""
        query = (
            select(Initiative, Member, Unit)
            .join(Member, Member.id == Initiative.author_id)
            .outerjoin(Unit, Unit.id == Initiative.unit_id)
            .where(Initiative.id == initiative_id)
        )
        result = await self.session.execute(query.with_for_update(of=Initiative) if for_update else query)
        row = result.first()
        return tuple(row) if row else None

    async def neighbours(self, path_prefix: str, exclude_id: int, limit: int = 2000) -> list[Initiative]:
        """Initiatives sent in from a subtree, newest first: the pool a possible duplicate is looked for in.

        A small subtree's unit ids are fetched first and its initiatives read by unit (ix_initiatives_unit_counted),
        so the cost follows the subtree, not the table. Given the subquery instead, both engines misjudge a small
        range of paths and read the whole table newest first; for a large subtree that is the right plan.
        """
        units = select(Unit.id).where(under(path_prefix))
        ids = list((await self.session.execute(units.limit(SMALL_SUBTREE + 1))).scalars())
        result = await self.session.execute(
            select(Initiative)
            .where(Initiative.unit_id.in_(ids if len(ids) <= SMALL_SUBTREE else units),
                   Initiative.status.in_(SENT_IN), Initiative.id != exclude_id)
            .order_by(Initiative.id.desc())
            .limit(limit)
        )
        return list(result.scalars())

    async def withdraw(self, initiative: Initiative, *, actor_id: int) -> None:
        await self._change(initiative, "withdrawn", actor_id=actor_id, reason=None)

    async def delete_draft(self, initiative: Initiative) -> None:
        await self.session.execute(delete(Initiative).where(Initiative.id == initiative.id))

    async def status_changes(self, initiative_id: int) -> list[StatusChange]:
        result = await self.session.execute(
            select(StatusChange).where(StatusChange.initiative_id == initiative_id).order_by(StatusChange.id)
        )
        return list(result.scalars())

    async def _change(self, initiative: Initiative, to_status: str, *, actor_id: int, reason: str | None) -> None:
        self.session.add(
            StatusChange(
                initiative_id=initiative.id,
                actor_id=actor_id,
                from_status=initiative.status,
                to_status=to_status,
                reason=reason,
            )
        )
        initiative.status = to_status
        initiative.updated_at = utcnow()
        await self.session.flush()

    async def _next_code(self, year: int) -> str:
        number = (await self.session.execute(_next_number(self.session), {"year": year, "last": 1})).scalar_one()
        return f"SK-{year}-{number:06d}"


_NEXT_NUMBER: dict[str, object] = {}


def _next_number(session: AsyncSession):
    """The year's counter, counted up (built once per engine kind)."""
    dialect = session.bind.dialect.name
    if dialect not in _NEXT_NUMBER:
        table = CodeCounter.__table__
        stmt = insert_for(session, table).on_conflict_do_update(index_elements=["year"], set_={"last": table.c.last + 1})
        _NEXT_NUMBER[dialect] = stmt.returning(table.c.last)
    return _NEXT_NUMBER[dialect]


def _inside(roots: list[str]):
    """Units in any of these subtrees ('/' is every unit)."""
    return or_(*[under(root) for root in roots]) if "/" not in roots else true()
