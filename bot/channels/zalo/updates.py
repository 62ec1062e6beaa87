"""Zalo updates to channel-neutral Incoming: {event_name, message}, the same wrapped as the platform's
documentation shows it ({"ok": true, "result": {event_name, message}}), or a bare message."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

import re

from conversations.model import Media
from conversations.text import fold, nfc
from messaging.messages import Incoming

log = logging.getLogger(__name__)
CHANNEL = "zalo"
KNOWN = {
    "message.text.received", "message.image.received", "message.sticker.received", "message.voice.received",
    "message.unsupported.received",
}
_reported: set[str] = set()
MAX_ID = 100  # a chat's or a person's id, as the tables keep it


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
    if message.get("photo_url") or message.get("photo"):
        return "message.image.received"
    if message.get("voice_url"):
        return "message.voice.received"
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


def delivery_id(message: dict) -> str:
    """What makes a second delivery of the same message recognisable: its message_id, or, where Zalo sent
    none (or no plain one), a digest of the whole message (its date in milliseconds keeps two alike apart)."""
    given = message.get("message_id")
    if isinstance(given, (str, int)) and not isinstance(given, bool) and 0 < len(str(given)) <= 64:
        return str(given)
    canonical = json.dumps(message, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def unwrapped(update: dict) -> dict:
    """The update itself, from a webhook body or poll result wrapped in {"ok", "result"}."""
    inner = update.get("result")
    return inner if "message" not in update and isinstance(inner, dict) else update


def chat_of(update: dict) -> str | None:
    """The chat an update is in, before it is read as Incoming."""
    chat = _dict(_dict(unwrapped(update).get("message")).get("chat")).get("id")
    return str(chat) if chat else None


def incoming(update: dict, bot: BotInfo, channel: str = CHANNEL, link: str = "") -> Incoming | None:
    """`link`: where a person opens a private chat with the bot (ZALO_BOT_LINK), shown to groups."""
    update = unwrapped(update)
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
    if len(str(sender["id"])) > MAX_ID or len(str(chat["id"])) > MAX_ID:  # no account has one: not cut into another's
        _once("long-id", "Zalo update with an id over %s characters ignored", MAX_ID)
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
        update_id=delivery_id(message),
        is_group=is_group,
        private_link=link,
    )
    if event == "message.text.received" and text.startswith("/"):
        head, _, args = text.partition(" ")
        return Incoming(**base, text=text, command=head[1:].lower(), args=args.strip())
    if event == "message.text.received":
        return Incoming(**base, text=text)
    photo = message.get("photo_url") or message.get("photo")  # the documentation says photo; deliveries, photo_url
    if event == "message.image.received" and isinstance(photo, str) and photo:
        return Incoming(**base, media=Media("photo", photo, channel, message.get("caption") or None, "image/jpeg"))
    voice = message.get("voice_url")
    if event == "message.voice.received" and isinstance(voice, str) and voice:
        return Incoming(**base, media=Media("voice", voice, channel, None, "audio/aac"))
    # "unsupported" carries no content at all: Zalo hides what some protected accounts send.
    return Incoming(**base, unsupported=True, hidden=event == "message.unsupported.received")
