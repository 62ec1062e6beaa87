"""What an update leaves behind, in its transaction: the conversation's state and the replies in the outbox."""

from __future__ import annotations

import uuid
from dataclasses import replace

from conversations.model import Reply, State
from handlers.turn import Turn
from messaging import render
from messaging.keys import reply_key
from messaging.messages import Incoming, Outgoing
from storage.repositories import Transaction


async def save(turn: Turn, state: State) -> None:
    incoming = turn.incoming
    await turn.tx.conversations.save(
        turn.row,
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        user_id=incoming.user_id,
        flow=state.flow,
        step=state.step,
        answers=dict(state.answers),
        meta=dict(state.meta),
    )


async def send(turn: Turn, replies: list[Reply | Outgoing], locale: str | None = None) -> list[Outgoing]:
    """The replies in the person's language (or `locale`), queued in the outbox with the update."""
    locale = locale or turn.locale
    incoming = turn.incoming
    messages = [r if isinstance(r, Outgoing) else
                render.outgoing(r, channel=incoming.channel, chat_id=incoming.chat_id, locale=locale) for r in replies]
    # Written in the same transaction as the state: a crash before sending leaves them for the sender.
    delivery = incoming.update_id or uuid.uuid4().hex
    queued = []
    for i, message in enumerate(messages):
        if message.outbox_id is not None:  # queued already, under a key of its own (a group's report)
            queued.append(message)
            continue
        key = reply_key(incoming.channel, incoming.chat_id, delivery, i)
        outbox_id = await turn.tx.outbox.add(incoming.channel, incoming.chat_id, message.payload(), key)
        queued.append(replace(message, outbox_id=outbox_id))
    return queued


async def answered_again(tx: Transaction, incoming: Incoming) -> list[Outgoing]:
    """A reply given in a webhook response written too late to be sure it arrived, whose update the
    platform now delivers again (so it never took that response): owed again, and served again. A reply
    whose response is still being written is left to it (a concurrent duplicate delivery)."""
    key = reply_key(incoming.channel, incoming.chat_id, incoming.update_id, 0)  # only a lone reply rides inline
    rows = [row for row in await tx.outbox.by_keys([key]) if row.in_response and row.sent_at is not None]
    await tx.outbox.let_go([row.id for row in rows])
    return [Outgoing.from_payload(row.channel, row.chat_id, row.payload, row.id) for row in rows]
