"""Queuing a push to a bound chat: one outbox row per (chat, purpose, period), so a second fire is a no-op."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from handlers.messages import Outgoing
from storage.models import BoundChat
from storage.repositories import Transaction


def push_key(purpose: str, period: str, channel: str, chat_id: str) -> str:
    digest = hashlib.sha256(f"{purpose}\n{period}\n{channel}\n{chat_id}".encode()).hexdigest()[:40]
    return f"push:{digest}"


async def queue(tx: Transaction, chat: BoundChat, message: Outgoing, purpose: str, period: str = "",
                kind: str = "push") -> bool:
    """Queue `message` for the chat; False when this purpose and period were queued for it before."""
    addressed = replace(message, channel=chat.channel, chat_id=chat.chat_id)
    key = push_key(purpose, period, chat.channel, chat.chat_id)
    return await tx.outbox.add(chat.channel, chat.chat_id, addressed.payload(), key, purpose=kind) is not None
