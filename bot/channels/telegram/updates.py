"""Telegram updates to channel-neutral Incoming; None for what the bot should not answer."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message, Update

from conversations.model import Media
from conversations.text import fold
from messaging.messages import Incoming

CHANNEL = "telegram"
# Common Vietnamese family names (họ), accents folded. Left out on purpose: those that are as often a
# given name (Mai, Hà, Lâm, Kim, Châu...), which would make "Mai" + "Nguyễn" look like two family names.
FAMILY_NAMES = frozenset(fold(name) for name in (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Đoàn", "Trịnh", "Trương", "Lương", "Đào", "Lưu", "Phùng", "Tạ", "Triệu", "Vương",
    "Quách", "Kiều", "Tăng", "Hứa", "Nông", "Lã", "Thân", "Khúc", "Tôn", "Mạc", "Nghiêm", "Lò",
))


def _is_family_name(part: str) -> bool:
    words = fold(part).split()
    return bool(words) and words[0] in FAMILY_NAMES


def _name(user) -> str:
    """The name to suggest, in Vietnamese order (họ first: "Nguyễn Thị Hoa") for Vietnamese users.

    Telegram keeps a given name (first_name) and a family name (last_name) and shows them in Western
    order; last_name goes first when it is a Vietnamese family name and first_name is not, or when the
    app speaks Vietnamese. A name typed whole into first_name stays as it is.
    """
    if user is None:
        return ""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    vietnamese = (user.language_code or "").lower().startswith("vi")
    if first and last and (vietnamese or (_is_family_name(last) and not _is_family_name(first))):
        first, last = last, first
    return " ".join(part for part in (first, last) if part)


def _media(message: Message, channel: str) -> Media | None:
    """The file as Telegram keeps it: by file id, with size and mime type (the largest photo size)."""
    caption = message.caption
    if message.photo:
        largest = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
        return Media("photo", largest.file_id, channel, caption, "image/jpeg", largest.file_size)
    for kind in ("voice", "audio", "document", "video", "video_note"):
        item = getattr(message, kind)
        if item is not None:
            mime = getattr(item, "mime_type", None) or ("video/mp4" if kind == "video_note" else None)
            return Media("video" if kind == "video_note" else kind, item.file_id, channel, caption, mime, item.file_size,
                         filename=getattr(item, "file_name", None))
    return None


def _command(text: str, bot_username: str) -> tuple[str, str] | None:
    """('start', 'CODE') for '/start CODE' or '/start@ourbot CODE'; None for another bot's command."""
    if not text.startswith("/"):
        return None
    head, _, args = text.partition(" ")
    name, _, addressee = head[1:].partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None
    return name.lower(), args.strip()


def from_message(message: Message, update_id: str, bot_username: str, channel: str = CHANNEL) -> Incoming | None:
    sender = message.from_user
    if sender is None or sender.is_bot:
        return None
    is_group = message.chat.type != "private"
    text = message.text or ""
    command = _command(text, bot_username)
    if is_group and command is None:
        return None  # ordinary group chatter, or a command for another bot
    base = dict(
        channel=channel,
        chat_id=str(message.chat.id),
        user_id=str(sender.id),
        display_name=_name(sender),
        update_id=update_id,
        is_group=is_group,
        private_link=f"https://t.me/{bot_username}" if bot_username else "",
        start_links=True,
        chat_title=message.chat.title or "",
    )
    if command is not None:
        return Incoming(**base, text=text, command=command[0], args=command[1])
    if message.text is not None:
        return Incoming(**base, text=text)
    if message.contact is not None:
        own = message.contact.user_id == sender.id
        return Incoming(**base, phone=message.contact.phone_number, phone_is_own=own)
    media = _media(message, channel)
    if media is not None:
        return Incoming(**base, media=media)
    return Incoming(**base, unsupported=True)  # stickers, locations, polls...


def from_callback(query: CallbackQuery, update_id: str, bot_username: str, channel: str = CHANNEL) -> Incoming | None:
    if query.message is None or query.data is None:
        return None
    chat = query.message.chat
    return Incoming(
        channel=channel,
        chat_id=str(chat.id),
        user_id=str(query.from_user.id),
        display_name=_name(query.from_user),
        choice=query.data,
        update_id=update_id,
        is_group=chat.type != "private",
        private_link=f"https://t.me/{bot_username}" if bot_username else "",
        start_links=True,
    )


def incoming(update: Update, bot_username: str, channel: str = CHANNEL) -> Incoming | None:
    """`channel`: "telegram", or "telegram-<name>" for one of several bots (each keeps its own chats)."""
    update_id = str(update.update_id)
    if update.message is not None:
        return from_message(update.message, update_id, bot_username, channel)
    if update.callback_query is not None:
        return from_callback(update.callback_query, update_id, bot_username, channel)
    return None  # edited messages, channel posts, member updates: nothing to answer


def chat_of(update: Update) -> str | None:
    """The chat an update belongs to, which decides its lane (strict order within a chat)."""
    if update.message is not None:
        return str(update.message.chat.id)
    if update.callback_query is not None and update.callback_query.message is not None:
        return str(update.callback_query.message.chat.id)
    if update.my_chat_member is not None:
        return str(update.my_chat_member.chat.id)
    return None
