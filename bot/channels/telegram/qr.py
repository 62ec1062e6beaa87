"""The link a unit's Telegram QR poster holds: the bot opens bound to the unit (deep link ?start=<code>).

The poster itself is drawn by `bot.posters`, for Telegram and for Zalo alike.
"""

from __future__ import annotations

import re

from storage.models import CODE, CODE_CHARACTERS

PAYLOAD_MOST = 64  # what Telegram accepts after ?start=: 1 to 64 of CODE's characters
_USERNAME = re.compile(r"[A-Za-z0-9_]{1,64}")


def deep_link(bot_username: str, unit_code: str) -> str:
    """https://t.me/<bot>?start=<code>; ValueError when Telegram would not carry the code as given."""
    username = bot_username.strip().removeprefix("@")
    if not _USERNAME.fullmatch(username):
        raise ValueError(f"not a Telegram bot username: {bot_username!r}")
    if not (CODE.fullmatch(unit_code) and len(unit_code) <= PAYLOAD_MOST):
        raise ValueError(f"a start code allows only {CODE_CHARACTERS} and 1 to {PAYLOAD_MOST} characters: {unit_code!r}")
    return f"https://t.me/{username}?start={unit_code}"
