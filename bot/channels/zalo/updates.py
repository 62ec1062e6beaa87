"""Zalo updates ({event_name, message}, or a bare message) to channel-neutral Incoming."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import re

from conversations.model import Media
from conversations.text import fold, nfc
from handlers.messages import Incoming

log = logging.getLogger(__name__)
CHANNEL = "zalo"
KNOWN = {"message.text.received", "message.image.received", "message.sticker.received", "message.unsupported.received"}
_reported: set[str] = set()


@dataclass(frozen=True)
class BotInfo:
    id: str
    name: str  # the display name people mention in groups ("@Sáng kiến")


def _once(key: str, text: str, *args) -> None:
    if key not in _reported and len(_reported) < 1000:
        _reported.add(key)
        log.info(text, *args)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _event(update: dict, message: dict) -> str:
    if update.get("event_name"):
        return str(update["event_name"])
    if message.get("text") is not None:
        return "message.text.received"
    if message.get("photo"):
        return "message.image.received"
    return "message.sticker.received" if message.get("sticker") else "message.unsupported.received"


def _mention(bot: BotInfo) -> re.Pattern | None:
    """'@Sáng kiến' as a whole word, any case, accents or not."""
    return re.compile(rf"@{re.escape(fold(bot.name))}(?![\w])") if bot.name else None


def _addressed(message: dict, text: str, bot: BotInfo) -> bool:
    """In a group the bot acts only when mentioned or replied to."""
    mentions = message.get("mentions") if isinstance(message.get("mentions"), list) else []
    mentioned = any(isinstance(m, dict) and str(m.get("id")) == bot.id for m in mentions)
    replied = str(_dict(_dict(message.get("reply_to_message") or message.get("quote")).get("from")).get("id")) == bot.id
    pattern = _mention(bot)
    return mentioned or replied or bool(pattern and pattern.search(fold(text)))


def _without_mention(text: str, bot: BotInfo) -> str:
    """The words addressed to the bot, with the leading '@Sáng kiến' taken off (folding keeps lengths)."""
    pattern = _mention(bot)
    found = pattern.match(fold(text)) if pattern else None
    return text[found.end():].lstrip(" ,:") if found and len(fold(text)) == len(text) else text


def incoming(update: dict, bot: BotInfo, channel: str = CHANNEL) -> Incoming | None:
    message = update.get("message") if isinstance(update.get("message"), dict) else None
    if message is None:
        _once(f"shape:{sorted(update)}", "Zalo update without a message ignored (keys %s)", sorted(update))
        return None
    event = _event(update, message)
    if event not in KNOWN:
        _once(f"event:{event}", "Zalo event %r not known: answered as unsupported", event)
    sender, chat = _dict(message.get("from")), _dict(message.get("chat"))
    if not sender.get("id") or not chat.get("id") or sender.get("is_bot") or str(sender["id"]) == bot.id:
        return None
    text = nfc(str(message.get("text") or ""))
    is_group = str(chat.get("chat_type", "PRIVATE")).upper() == "GROUP"
    if is_group:
        if not _addressed(message, text, bot):
            return None
        text = _without_mention(text, bot)
    base = dict(
        channel=channel,
        chat_id=str(chat["id"]),
        user_id=str(sender["id"]),
        display_name=str(sender.get("display_name") or sender.get("first_name") or sender.get("name") or ""),
        update_id=str(message.get("message_id") or "") or None,
        is_group=is_group,
    )
    if event == "message.text.received" and text.startswith("/"):
        head, _, args = text.partition(" ")
        return Incoming(**base, text=text, command=head[1:].lower(), args=args.strip())
    if event == "message.text.received":
        return Incoming(**base, text=text)
    if event == "message.image.received" and message.get("photo"):
        photo = Media("photo", str(message["photo"]), channel, message.get("caption") or None, "image/jpeg")
        return Incoming(**base, media=photo)
    return Incoming(**base, unsupported=True)
