"""The outbox keys (khoá chống gửi trùng): one per message that must go once, so a second attempt is a no-op.

Chat and update ids are the platform's, of any length: a digest keeps each key short and unique. The
formats are stored in the outbox table; changing one would let a row already queued go a second time.
"""

from __future__ import annotations

import hashlib


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def reply_key(channel: str, chat_id: str, delivery: str, index: int) -> str:
    """The index-th reply to one update (delivery: the platform's id of the update)."""
    return f"reply:{channel}:{_digest(chat_id, delivery)}:{index}"


def notice_key(purpose: str, channel: str, chat_id: str) -> str:
    """A message to someone other than the sender of the update: a decision, a help request, relayed words."""
    return f"notice:{_digest(purpose, channel, chat_id)}"


def push_key(purpose: str, period: str, channel: str, chat_id: str) -> str:
    """A push to a bound chat, once per (purpose, period): a day's figures, a campaign's countdown."""
    return f"push:{_digest(purpose, period, channel, chat_id)}"
