"""What crosses between a channel and the handlers: Incoming in, Outgoing out. No platform types."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from conversations.model import Event, Media
from conversations.text import nfc

# What a platform sends of any length is cut here, where an update becomes an Incoming, to the columns it goes to:
# a long value must never make the update fail on PostgreSQL (SQLite does not check lengths).
MAX_NAME = 200  # a display name: an unregistered person's help request (help_requests.name)
MAX_TITLE = 200  # a group's name (bound_chats.title)
MAX_FILENAME = 255  # a document's own name (attachments.filename)
MAX_MIME = 100  # attachments.mime_type
MAX_REF = 2000  # a file's reference (a Zalo CDN link): TEXT, but its unique index takes about 2,700 bytes
MAX_PHONE = 32  # members.phone; no phone number is longer (E.164 has 15 digits)


def clipped(text: str | None, limit: int, extension: bool = False) -> str | None:
    """`text` cut to `limit` characters (with `extension`, a file name's extension kept), or None."""
    if text is None or len(text) <= limit:
        return text
    stem, dot, ext = text.rpartition(".")
    if extension and dot and stem and 0 < len(ext) <= 10:
        return stem[: limit - len(ext) - 1] + "." + ext
    return text[:limit]


@dataclass(frozen=True)
class Incoming:
    channel: str
    chat_id: str
    user_id: str
    display_name: str = ""
    text: str = ""
    command: str | None = None  # "start" for "/start abc"; channels may leave it to the text
    args: str = ""
    choice: str | None = None  # the value of a pressed button, where the platform sends one
    media: Media | None = None
    update_id: str | None = None
    unsupported: bool = False  # a sticker, a location, a poll: nothing the flows can read
    hidden: bool = False  # unsupported because the platform hid its content from the bot (Zalo, protected accounts)
    phone: str | None = None  # a shared contact's number
    phone_is_own: bool = False  # the contact shared is the sender's own
    is_group: bool = False  # a group chat: conversations happen in private chats
    private_link: str = ""  # where a group member can talk to the bot privately, if the platform has such links
    start_links: bool = False  # the private link takes "?start=<code>" on to the bot (Telegram's do, Zalo's do not)
    chat_title: str = ""  # a group's name, shown in schedules and failure reports
    chat_admin: bool | None = None  # the sender administers the group; None where the platform cannot tell
    heard: str | None = None  # the transcriber's words (`text`) in the voice note with this ref: not the person's

    def __post_init__(self) -> None:
        """Values of any length cut to their columns (see MAX_*): a file or a number that cannot be kept whole is
        answered as something the bot cannot read, rather than stored cut."""
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (a frozen dataclass)
        set_("display_name", clipped(self.display_name, MAX_NAME))
        set_("chat_title", clipped(self.chat_title, MAX_TITLE))
        media, phone = self.media, self.phone
        if media is not None and len(media.ref) > MAX_REF or phone is not None and len(phone) > MAX_PHONE:
            set_("media", None)
            set_("phone", None)
            set_("unsupported", True)
        elif media is not None:
            set_("media", replace(media, filename=clipped(media.filename, MAX_FILENAME, extension=True),
                                  mime_type=clipped(media.mime_type, MAX_MIME)))

    def event(self) -> Event:
        """The channel-neutral event, with text normalised to NFC (phones send NFD too)."""
        if self.heard is not None:
            return Event("heard", text=nfc(self.text), args=self.heard)
        if self.unsupported:
            return Event("other", args="hidden" if self.hidden else "")
        if self.phone is not None:
            return Event("contact", text=nfc(self.phone), args="own" if self.phone_is_own else "other")
        if self.choice is not None:
            return Event("choice", text=self.choice)
        if self.media is not None:
            caption = nfc(self.media.caption) if self.media.caption else None
            media = Media(**{**self.media.__dict__, "caption": caption})
            return Event("media", text=caption or "", media=media)
        text = nfc(self.text)
        command, args = self.command, self.args
        if command is None and text.startswith("/") and len(text) > 1:
            head, _, rest = text.partition(" ")
            command, args = head[1:].split("@")[0], rest
        if command:
            return Event("command", text=text, command=command.lower(), args=nfc(args))
        return Event("text", text=text)


@dataclass(frozen=True)
class OutChoice:
    value: str
    label: str


@dataclass(frozen=True)
class Outgoing:
    """One message to show: text, and choices the channel renders as numbered buttons or a numbered list."""

    channel: str
    chat_id: str
    text: str
    locale: str = "vi"
    choices: tuple[OutChoice, ...] = ()
    actions: bool = False  # choices act on this message (confirm, edit): inline buttons where possible
    image: str | None = None  # token of a generated image shown above the text; the text is its text form
    document: str | None = None  # token of a generated file (an export, a form) sent with the text
    media: dict | None = None  # a person's voice note, photo or file passed on (Media.as_answer), where the channel can
    pieces_sent: int = field(default=0, compare=False)  # parts already delivered, when a retry resumes
    outbox_id: int | None = field(default=None, compare=False)

    def payload(self) -> dict:
        return {
            "text": self.text,
            "locale": self.locale,
            "choices": [[c.value, c.label] for c in self.choices],
            "actions": self.actions,
            "image": self.image,
            "document": self.document,
            "media": self.media,
        }

    @classmethod
    def from_payload(
        cls, channel: str, chat_id: str, payload: dict, outbox_id: int | None = None, pieces_sent: int = 0
    ) -> "Outgoing":
        return cls(
            channel=channel,
            chat_id=chat_id,
            text=payload["text"],
            locale=payload.get("locale", "vi"),
            choices=tuple(OutChoice(v, label) for v, label in payload.get("choices", [])),
            actions=bool(payload.get("actions")),
            image=payload.get("image"),
            document=payload.get("document"),
            media=payload.get("media"),
            pieces_sent=pieces_sent,
            outbox_id=outbox_id,
        )
