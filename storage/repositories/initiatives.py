"""Initiatives (sáng kiến): drafts saved answer by answer, submission with a code, withdrawal."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attachment, CodeCounter, Initiative, StatusChange, utcnow
from storage.repositories.upsert import insert_for

TEXT_FIELDS = ("title", "field", "problem", "solution", "benefit")


def answers_of(initiative: Initiative) -> dict:
    """The conversation's view of an initiative: one key per step that has an answer."""
    answers: dict = {key: getattr(initiative, key) for key in TEXT_FIELDS if getattr(initiative, key) is not None}
    if initiative.estimated_value is not None:
        answers["estimated_value"] = initiative.estimated_value
    if initiative.first_applied_on is not None:
        answers["first_applied"] = {
            "date": initiative.first_applied_on.isoformat(),
            "precision": initiative.first_applied_precision,
        }
    if initiative.coauthors:
        answers["coauthors"] = list(initiative.coauthors)
    if initiative.attachments:
        answers["attachments"] = [
            {
                "field": a.field,
                "kind": a.kind,
                "channel": a.channel,
                "ref": a.file_ref,
                "caption": a.caption,
                "mime_type": a.mime_type,
                "size": a.size,
            }
            for a in initiative.attachments
        ]
    return answers


def _apply(initiative: Initiative, answers: dict) -> None:
    for key in TEXT_FIELDS:
        setattr(initiative, key, answers.get(key))
    initiative.estimated_value = answers.get("estimated_value")
    applied = answers.get("first_applied")
    initiative.first_applied_on = date.fromisoformat(applied["date"]) if applied else None
    initiative.first_applied_precision = applied["precision"] if applied else None
    initiative.coauthors = list(answers.get("coauthors") or [])
    wanted = {(a["field"], a["ref"]): a for a in answers.get("attachments") or []}
    kept = {(a.field, a.file_ref): a for a in initiative.attachments if (a.field, a.file_ref) in wanted}
    initiative.attachments = list(kept.values())
    for key, item in wanted.items():
        row = kept.get(key)
        if row is None:
            row = Attachment(field=item["field"], file_ref=item["ref"])
            initiative.attachments.append(row)
        row.kind = item["kind"]
        row.channel = item.get("channel") or ""
        row.caption = item.get("caption")
        row.mime_type = item.get("mime_type")
        row.size = item.get("size")


class InitiativeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, initiative_id: int) -> Initiative | None:
        return await self.session.get(Initiative, initiative_id)

    async def owned(self, initiative_id: int, author_id: int) -> Initiative | None:
        """An initiative only if this member wrote it: nobody sees another member's drafts."""
        initiative = await self.get(initiative_id)
        return initiative if initiative is not None and initiative.author_id == author_id else None

    async def save_draft(self, *, draft_id: int | None, author_id: int, answers: dict, step: str | None) -> Initiative:
        initiative = await self.owned(draft_id, author_id) if draft_id else None
        if initiative is None or initiative.status not in ("draft", "needs_changes"):
            initiative = Initiative(author_id=author_id, status="draft", coauthors=[], attachments=[])
            self.session.add(initiative)
        _apply(initiative, answers)
        initiative.current_step = step
        initiative.updated_at = utcnow()
        await self.session.flush()
        return initiative

    async def for_author(self, author_id: int) -> list[Initiative]:
        """Drafts first (most recently touched first), then submissions, newest first."""
        result = await self.session.execute(
            select(Initiative)
            .where(Initiative.author_id == author_id, Initiative.status != "deleted")
            .order_by(Initiative.updated_at.desc(), Initiative.id.desc())
        )
        items = list(result.scalars())
        return [i for i in items if i.status == "draft"] + [i for i in items if i.status != "draft"]

    async def submit(self, initiative: Initiative, *, actor_id: int, unit_id: int | None, now: datetime) -> str:
        initiative.code = await self._next_code(now.year)
        initiative.unit_id = unit_id
        initiative.submitted_at = now
        initiative.current_step = None
        await self._change(initiative, "submitted", actor_id=actor_id, reason=None)
        return initiative.code

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
        table = CodeCounter.__table__
        stmt = insert_for(self.session, table).values(year=year, last=1)
        stmt = stmt.on_conflict_do_update(index_elements=["year"], set_={"last": table.c.last + 1})
        number = (await self.session.execute(stmt.returning(table.c.last))).scalar_one()
        return f"SK-{year}-{number:06d}"
