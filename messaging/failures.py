"""Messages that could not be delivered are never dropped silently: the admins (quản trị) hear of each.

A report goes to every admin's private chats through the outbox, in the transaction that gives the
message up, keyed by the failed row's id so a retried round never reports twice. A report that
itself fails is only logged: reporting it again could go round in circles.
"""

from __future__ import annotations

import logging

import locales
from messaging.messages import Outgoing
from storage.models import Outbox
from storage.repositories import Transaction

log = logging.getLogger(__name__)

REPORT_KEY = "delivery-report"
PLATFORMS = {"telegram": "Telegram", "zalo": "Zalo"}


async def describe(tx: Transaction, channel: str, chat_id: str) -> dict:
    """What the admins need to recognise a chat: its unit when bound, the person for a private chat."""
    facts = {"kind": "chat", "title": "", "person": "", "channel": PLATFORMS.get(channel.split("-")[0], channel),
             "chat_id": chat_id, "unit_code": "", "unit_name": "", "bound": False}
    found = await tx.bound_chats.get(channel, chat_id)
    if found is not None:
        chat, unit = found
        facts.update(kind=chat.kind, title=chat.title or "", unit_code=unit.code, unit_name=unit.name, bound=True)
    if facts["kind"] != "group":
        member = await tx.members.by_identity(channel, chat_id)
        if member is not None:
            facts.update(kind="private", person=member.name)
    return facts


async def report_failed(tx: Transaction, row: Outbox, reason: str, attempts: int) -> int:
    """One report of a message given up (refused for good, or out of attempts); how many chats it reaches."""
    if _is_report(row):
        log.error("a delivery report to a %s chat could not be sent either (%s)", row.channel, reason)
        return 0
    facts = await describe(tx, row.channel, row.chat_id)
    params = {"purpose": row.purpose if row.purpose in ("reply", "notice", "push", "nudge") else "notice",
              "reason": reason, "attempts": attempts}
    return await _to_admins(tx, f"failed:{row.id}", "delivery.failed", facts, params)


async def chat_gone(tx: Transaction, row: Outbox, reason: str, attempts: int) -> int:
    """The chat blocked the bot or removed it: unbind it, give up all it is owed, tell the admins once."""
    facts = await describe(tx, row.channel, row.chat_id)
    await tx.bound_chats.unbind(row.channel, row.chat_id)
    given_up = await tx.outbox.give_up_chat(row.channel, row.chat_id, reason, attempts)
    log.warning("a %s chat is gone (%s): %s, %d message(s) given up", row.channel, reason,
                "unbound" if facts["bound"] else "not bound", given_up)
    if _is_report(row):
        return 0
    params = {"reason": reason, "given_up": given_up, "bound": facts["bound"], "kind": facts["kind"]}
    return await _to_admins(tx, f"gone:{row.id}", "delivery.gone", facts, params)


async def chat_moved(tx: Transaction, row: Outbox, new_chat_id: str, attempts: int) -> int:
    """The chat has a new id: its binding and what it is owed move there (the old rows end as given up)."""
    found = await tx.bound_chats.get(row.channel, row.chat_id)
    if found is not None:
        chat, unit = found
        await tx.bound_chats.bind(row.channel, new_chat_id, kind=chat.kind, unit_id=unit.id, member_id=chat.member_id,
                                  title=chat.title, locale=chat.locale)
        if chat.paused_at is not None:
            await tx.bound_chats.pause(row.channel, new_chat_id, True, chat.paused_at)
        await tx.bound_chats.unbind(row.channel, row.chat_id)
    owed = await tx.outbox.unsent_for_chat(row.channel, row.chat_id, max_attempts=attempts)
    for old in owed:
        await tx.outbox.add(row.channel, new_chat_id, old.payload, f"{old.dedupe_key}>{new_chat_id}"[:200],
                            purpose=old.purpose)
    await tx.outbox.give_up_chat(row.channel, row.chat_id, f"moved to {new_chat_id}", attempts)
    log.info("a %s chat moved to a new id: %d message(s) follow it", row.channel, len(owed))
    return len(owed)


def _is_report(row: Outbox) -> bool:
    return row.dedupe_key.startswith(f"{REPORT_KEY}:")


async def _to_admins(tx: Transaction, event: str, key: str, facts: dict, params: dict) -> int:
    reached = chats = 0
    for admin in await tx.roles.admins():
        chat = locales.render("delivery.chat", facts, admin.locale)
        text = locales.render(key, {**params, "chat": chat}, admin.locale)
        for identity in await tx.members.identities(admin.id):  # a private chat's id is the account's id
            chats += 1
            message = Outgoing(identity.channel, identity.external_user_id, text, admin.locale)
            dedupe = f"{REPORT_KEY}:{event}:{identity.channel}:{identity.external_user_id}"[:200]
            if await tx.outbox.add(identity.channel, identity.external_user_id, message.payload(), dedupe,
                                   purpose="notice") is not None:
                reached += 1
    if not chats:
        log.error("a %s chat's message could not be delivered and no admin could be told (%s)", facts["channel"], key)
    return reached
