"""Messages to someone other than the sender of the update: decisions, help requests, relayed words.

They go through the outbox in the update's transaction, with a key per (purpose, chat) so that a
retried update, a second process or a repeated decision never sends the same notice twice.
"""

from __future__ import annotations

from dataclasses import replace

from conversations.model import Reply
from messaging import render
from messaging.keys import notice_key
from storage.models import Member
from storage.repositories import Transaction


async def to_chat(
    tx: Transaction, channel: str, chat_id: str, locale: str, reply: Reply, purpose: str, kind: str = "notice",
    media: dict | None = None,
) -> bool:
    """Queue one notice for a chat (with a worker's voice note or photo, `media`, where it can go along);
    False when this purpose was already queued for it."""
    message = replace(render.outgoing(reply, channel=channel, chat_id=chat_id, locale=locale), media=media)
    key = notice_key(purpose, channel, chat_id)
    return await tx.outbox.add(channel, chat_id, message.payload(), key, purpose=kind) is not None


async def to_member(
    tx: Transaction, member: Member, reply: Reply, purpose: str, kind: str = "notice", media: dict | None = None
) -> int:
    """Queue a notice to each private chat of a member; how many chats it will reach (0 without an account)."""
    reached = 0
    for identity in await tx.members.identities(member.id):  # a private chat's id is the account's id
        if await to_chat(tx, identity.channel, identity.external_user_id, member.locale, reply, purpose, kind, media):
            reached += 1
    return reached

