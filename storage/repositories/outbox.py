"""The outbox: messages written with the change that caused them and sent afterwards, in order per chat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, exists, or_, select, text, update
from sqlalchemy.orm import aliased
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatLease, Outbox, utcnow
from storage.repositories.upsert import insert_for, insert_ignore


# Built once: every flush of a chat reads what it is owed.
_UNSENT = (
    select(Outbox)
    .where(Outbox.channel == bindparam("channel"), Outbox.chat_id == bindparam("chat"), Outbox.sent_at.is_(None),
           Outbox.attempts < bindparam("attempts"))
    .order_by(Outbox.id)
    .limit(100)
)

# Built once: every reply is marked sent. Core (each caller's transaction holds no outbox objects to refresh).
_MARK_SENT = (
    update(Outbox.__table__)
    .where(Outbox.__table__.c.id.in_(bindparam("ids", expanding=True)))
    .values(sent_at=bindparam("when"), in_response=False)
)

# Built once: every reply that may ride in a webhook response is held for it when it is all the chat is owed.
_other = aliased(Outbox.__table__)
_HOLD_IF_ALONE = (
    update(Outbox.__table__)
    .where(
        Outbox.__table__.c.id == bindparam("row"),
        ~exists().where(_other.c.channel == bindparam("on"), _other.c.chat_id == bindparam("to"),
                        _other.c.sent_at.is_(None), _other.c.failed_at.is_(None), _other.c.id != bindparam("row")),
    )
    .values(in_response=True, next_attempt_at=bindparam("held_until"))
    .returning(Outbox.__table__.c.id)
)

# PostgreSQL: held until the transaction ends (a hash shared by two chats only makes them wait for each other).
_CHAT_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:chat, 0))")


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.queued: set[tuple[str, str]] = set()  # (channel, chat) of what this transaction queued

    async def add(
        self, channel: str, chat_id: str, payload: dict, dedupe_key: str, purpose: str = "reply"
    ) -> int | None:
        """Queue a message; a second message with the same dedupe key is a no-op (returns None)."""
        self.queued.add((channel, chat_id))
        return await insert_ignore(
            self.session,
            Outbox.__table__,
            {
                "channel": channel,
                "chat_id": chat_id,
                "payload": payload,
                "dedupe_key": dedupe_key,
                "attempts": 0,
                "pieces_sent": 0,
                "purpose": purpose,
                "created_at": utcnow(),
            },
            ["dedupe_key"],
        )

    async def has(self, dedupe_key: str) -> bool:
        """Was a message with this key queued (sent or not)?"""
        found = await self.session.execute(select(Outbox.id).where(Outbox.dedupe_key == dedupe_key).limit(1))
        return found.first() is not None

    def _due(self, channel: str, max_attempts: int | None, now: datetime):
        query = select(Outbox).where(
            Outbox.channel == channel,
            Outbox.sent_at.is_(None),
            or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now),
        )
        return query.where(Outbox.attempts < max_attempts) if max_attempts is not None else query

    async def pending(
        self,
        channel: str,
        limit: int = 100,
        *,
        created_before: datetime | None = None,
        max_attempts: int | None = None,
        after_id: int = 0,
        held: frozenset[str] = frozenset(),
    ) -> list[Outbox]:
        """Unsent messages that are due, oldest first, from `after_id` on (a sender pages through them).

        Fresh replies can be left out by age: the update that wrote them is sending them. Every other
        purpose (notices, pushes) has nobody else to send it, so it is due at once; `held` purposes
        (pushes in the quiet hours) are left out altogether.
        """
        query = self._due(channel, max_attempts, utcnow()).where(Outbox.id > after_id)
        if created_before is not None:
            query = query.where(or_(Outbox.purpose != "reply", Outbox.created_at < created_before))
        if held:
            query = query.where(Outbox.purpose.not_in(held))
        result = await self.session.execute(query.order_by(Outbox.id).limit(limit))
        return list(result.scalars())

    async def unsent_for_chat(self, channel: str, chat_id: str, *, max_attempts: int | None = None) -> list[Outbox]:
        """Everything still owed to one chat, in the order it was written, due or not (order comes first)."""
        attempts = max_attempts if max_attempts is not None else 2**31 - 1
        result = await self.session.execute(_UNSENT, {"channel": channel, "chat": chat_id, "attempts": attempts})
        return list(result.scalars())

    async def mark_sent(self, ids: list[int], when: datetime | None = None) -> None:
        """Sent by the platform's API (a reply held for a webhook response that went this way instead too)."""
        if ids:
            await self.session.execute(_MARK_SENT, {"ids": ids, "when": when or utcnow()})

    async def hold_for_response(self, outbox_id: int, channel: str, chat_id: str, until: datetime) -> bool:
        """The reply rides in a webhook response being written, if it is all the chat is owed (True then): no
        sender takes it until `until`, by when it is marked sent (the response was written) or let go (it was not).

        On PostgreSQL two workers may answer one chat at once, each unable to see the other's reply before it
        commits: the chat's transaction lock makes the second wait for the first, then see its reply, which goes
        first; the second's goes by the API after it. (SQLite has one process, whose transactions take turns.)
        """
        if self.session.bind.dialect.name == "postgresql":
            await self.session.execute(_CHAT_LOCK, {"chat": f"{channel}:{chat_id}"})
        held = await self.session.execute(
            _HOLD_IF_ALONE, {"row": outbox_id, "on": channel, "to": chat_id, "held_until": until}
        )
        return held.scalar_one_or_none() is not None

    async def mark_answered(self, outbox_id: int) -> None:
        """The webhook response carrying the reply was written, but late: it counts as sent and stays marked as
        given in a response, so a redelivery of its update serves it again."""
        await self.session.execute(update(Outbox).where(Outbox.id == outbox_id).values(sent_at=utcnow()))

    async def let_go(self, ids: list[int]) -> None:
        """Back to an ordinary unsent message (the response was not written, or its update came again)."""
        if ids:
            await self.session.execute(
                update(Outbox).where(Outbox.id.in_(ids), Outbox.failed_at.is_(None))
                .values(in_response=False, next_attempt_at=None, sent_at=None)
            )

    async def note_pieces(self, ids: list[int], pieces_sent: int) -> None:
        """So many parts of these messages arrived: a resumed send (after a crash too) goes on from the next."""
        if ids:
            await self.session.execute(
                update(Outbox).where(Outbox.id.in_(ids), Outbox.pieces_sent < pieces_sent).values(pieces_sent=pieces_sent)
            )

    async def mark_failed(
        self, outbox_id: int, error: str, *, retry_at: datetime | None = None, pieces_sent: int | None = None
    ) -> None:
        values = {"attempts": Outbox.attempts + 1, "last_error": error[:1000], "next_attempt_at": retry_at}
        if pieces_sent is not None:
            values["pieces_sent"] = pieces_sent
        await self.session.execute(update(Outbox).where(Outbox.id == outbox_id).values(**values))

    async def give_up(self, outbox_id: int, error: str, attempts: int) -> None:
        """Refused for good (blocked, malformed) or out of attempts: later ones must not wait behind it."""
        await self.session.execute(
            update(Outbox).where(Outbox.id == outbox_id)
            .values(attempts=attempts, last_error=error[:1000], failed_at=utcnow())
        )

    async def give_up_chat(self, channel: str, chat_id: str, error: str, attempts: int) -> int:
        """Every message still owed to a chat that is gone (the bot was blocked or removed)."""
        result = await self.session.execute(
            update(Outbox).where(Outbox.channel == channel, Outbox.chat_id == chat_id, Outbox.sent_at.is_(None),
                                 Outbox.failed_at.is_(None))
            .values(attempts=attempts, last_error=error[:1000], failed_at=utcnow())
        )
        return result.rowcount or 0

    async def get(self, outbox_id: int) -> Outbox | None:
        return await self.session.get(Outbox, outbox_id)

    async def by_keys(self, keys: list[str]) -> list[Outbox]:
        """The messages queued under these dedupe keys, oldest first (each key is a look-up on its unique index)."""
        result = await self.session.execute(select(Outbox).where(Outbox.dedupe_key.in_(keys)).order_by(Outbox.id))
        return list(result.scalars())

    async def last_keyed(self, channel: str, chat_id: str, prefix: str) -> Outbox | None:
        """The chat's latest message whose dedupe key starts with `prefix` (read through the chat's own rows)."""
        result = await self.session.execute(
            select(Outbox).where(Outbox.channel == channel, Outbox.chat_id == chat_id,
                                 Outbox.dedupe_key.startswith(prefix, autoescape=True))
            .order_by(Outbox.id.desc()).limit(1)
        )
        return result.scalar_one_or_none()

    async def defer(self, outbox_id: int, until: datetime, reason: str, pieces_sent: int | None = None) -> None:
        """The platform asked to wait (flood control): try again then, without counting an attempt."""
        values = {"next_attempt_at": until, "last_error": reason[:1000]}
        if pieces_sent is not None:
            values["pieces_sent"] = pieces_sent
        await self.session.execute(update(Outbox).where(Outbox.id == outbox_id).values(**values))

    async def lease(self, channel: str, chat_id: str, holder: str, until: datetime, now: datetime) -> bool:
        """Take (or renew) the chat's lease unless another holder's is still running; True when it is ours.

        On PostgreSQL a second taker waits on the first one's uncommitted row, then sees it: two
        processes can never both hold a chat.
        """
        table = ChatLease.__table__
        stmt = insert_for(self.session, table).values(channel=channel, chat_id=chat_id, holder=holder, until=until)
        stmt = stmt.on_conflict_do_update(
            index_elements=["channel", "chat_id"],
            set_={"holder": holder, "until": until},
            where=or_(table.c.until < now, table.c.holder == holder),
        )
        result = await self.session.execute(stmt.returning(table.c.holder))
        return result.scalar_one_or_none() == holder

    async def release(self, channel: str, chat_id: str, holder: str) -> None:
        await self.session.execute(
            delete(ChatLease).where(ChatLease.channel == channel, ChatLease.chat_id == chat_id, ChatLease.holder == holder)
        )
