"""A small office for the officers' tests: workers with submitted initiatives, and staff with roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select

from handlers.dispatcher import Dispatcher
from storage.db import Database
from storage.models import Outbox
from tests.handlers.talk import Person

SENT = datetime(2026, 11, 18, 8, 0, tzinfo=timezone.utc)


@dataclass
class Filed:
    id: int
    code: str
    title: str


async def person(db: Database, dispatcher: Dispatcher, user_id: str, name: str, unit_code: str, role: str | None = None, role_unit: str | None = None) -> Person:
    """A registered member with a chat account, and a role if given ('admin' has no unit)."""
    async with db.transaction() as tx:
        unit = await tx.units.by_code(unit_code)
        member = await tx.members.register(
            channel="console", external_user_id=user_id, name=name, unit_id=unit.id, target_group="Khác", locale="vi"
        )
        if role == "admin":
            await tx.roles.grant(member.id, "admin", None)
        elif role:
            await tx.roles.grant(member.id, role, (await tx.units.by_code(role_unit or unit_code)).id)
    return Person(dispatcher, user_id=user_id, name=name)


async def member_id(db: Database, user_id: str) -> int:
    async with db.transaction() as tx:
        return (await tx.members.by_identity("console", user_id)).id


async def filed(db: Database, user_id: str, title: str, problem: str = "Phôi hay bị lệch khi kẹp", solution: str = "Làm gá định vị bằng thép tấm", coauthors: tuple[str, ...] = ()) -> Filed:
    """An initiative the member with this chat account has submitted (with these co-authors' names)."""
    async with db.transaction() as tx:
        author = await tx.members.by_identity("console", user_id)
        answers = {"title": title, "field": "Sản xuất kinh doanh", "problem": problem, "solution": solution, "estimated_value": 5_000_000,
                   "coauthors": list(coauthors)}
        draft = await tx.initiatives.save_draft(draft_id=None, author_id=author.id, answers=answers, step="review")
        code = await tx.initiatives.submit(draft, actor_id=author.id, unit_id=author.unit_id, now=SENT)
        return Filed(draft.id, code, title)


async def notices_to(db: Database, chat_id: str) -> list[str]:
    """Texts queued for a chat that were not replies to that chat's own messages."""
    async with db.session() as session:
        rows = (await session.execute(select(Outbox).where(Outbox.chat_id == chat_id).order_by(Outbox.id))).scalars()
        return [row.payload["text"] for row in rows if row.dedupe_key.startswith("notice:")]


async def rows(db: Database, model) -> int:
    async with db.session() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()
