"""Queuing a push to a bound chat: one outbox row per (chat, purpose, period), so a second fire is a no-op."""

from __future__ import annotations

from dataclasses import replace

from messaging.keys import push_key
from messaging.messages import Outgoing
from storage.models import BoundChat
from storage.repositories import Transaction


async def queue(tx: Transaction, chat: BoundChat, message: Outgoing, purpose: str, period: str = "",
                kind: str = "push") -> bool:
    """Queue `message` for the chat; False when this purpose and period were queued for it before."""
    addressed = replace(message, channel=chat.channel, chat_id=chat.chat_id)
    key = push_key(purpose, period, chat.channel, chat.chat_id)
    return await tx.outbox.add(chat.channel, chat.chat_id, addressed.payload(), key, purpose=kind) is not None
