"""The values the engine works on: state, events, context in; state, replies, effects out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Media:
    """A photo, voice note, audio or document: the channel's own file reference, and the bot's copy of it."""

    kind: str  # photo | voice | audio | document | video
    ref: str
    channel: str = ""
    caption: str | None = None
    mime_type: str | None = None
    size: int | None = None
    stored: str | None = None  # the key of the bot's own copy in the file store (None: not downloaded)
    playable: str | None = None  # a voice note's copy every phone plays (AAC), where the original is not
    filename: str | None = None  # a document's own name
    over_limit_mb: int | None = None  # larger than the bot takes (this many MB): refused, not kept

    def as_answer(self, field_key: str) -> dict:
        return {
            "field": field_key,
            "kind": self.kind,
            "channel": self.channel,
            "ref": self.ref,
            "caption": self.caption,
            "mime_type": self.mime_type,
            "size": self.size,
            "stored": self.stored,
            "playable": self.playable,
            "filename": self.filename,
        }


@dataclass(frozen=True)
class Event:
    """One thing a person did: typed text, pressed a choice, sent media, or gave a /command."""

    kind: str  # text | choice | media | command | contact | other | heard (a voice note's words, from the transcriber)
    text: str = ""
    command: str = ""
    args: str = ""
    media: Media | None = None


@dataclass(frozen=True)
class State:
    flow: str | None = None
    step: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)

    def with_meta(self, **changes: Any) -> "State":
        meta = {k: v for k, v in {**self.meta, **changes}.items() if v is not None}
        return replace(self, meta=meta)

    def with_answer(self, key: str, value: Any) -> "State":
        return replace(self, answers={**self.answers, key: value})


@dataclass(frozen=True)
class Choice:
    """An option offered to the person: `value` is what the engine receives back."""

    value: str
    key: str | None = None  # a locale key for the label
    label: str | None = None  # or literal text (a unit's name, a configured field)
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    actions: bool = False  # the choices act on this very message (confirm, edit): inline buttons where there are some
    media: Mapping[str, Any] | None = None  # a file a person sent (Media.as_answer), shown with the text


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class MemberRef:
    id: int
    name: str
    unit: UnitRef | None


@dataclass(frozen=True)
class ItemRef:
    """One of the person's own initiatives, as "Sáng kiến của tôi" lists it."""

    id: int
    status: str
    code: str | None
    answers: Mapping[str, Any]
    step: str | None
    updated_at: datetime
    note: str | None = None  # the reviewer's comment or reason, after a decision


@dataclass(frozen=True)
class Context:
    """What the engine may know beyond the state; handlers fill what `needs()` asks for."""

    now: datetime
    fields: tuple[str, ...]
    target_groups: tuple[str, ...]
    display_name: str = ""
    member: MemberRef | None = None
    resume_after: timedelta = timedelta(hours=1)
    units: tuple[UnitRef, ...] | None = None
    deep_link_unit: UnitRef | None = None
    items: tuple[ItemRef, ...] | None = None
    powers: frozenset[str] = frozenset()  # officer actions allowed somewhere (handlers.scope.ACTIONS)
    label: Callable[["Choice"], str] | None = None  # a choice's label in the person's language: a press arrives as it
    desk: frozenset[str] = frozenset()  # intents the officers' screens answer: the engine hands them over
    buttons: frozenset[str] = frozenset()  # every button label the bot shows (folded): never an answer to a question
    hears: bool = False  # a transcriber runs (VOICE_ENGINE): a voice note's words are offered to confirm


# Effects: what the handler must persist after the step. Plain data, no behaviour.


@dataclass(frozen=True)
class SaveDraft:
    answers: Mapping[str, Any]
    step: str | None
    for_member: int | None = None  # entered on behalf of this worker by the support team


@dataclass(frozen=True)
class Submit:
    draft_id: int | None
    answers: Mapping[str, Any]
    for_member: int | None = None


@dataclass(frozen=True)
class SendForm:
    """The official application form (Đơn yêu cầu công nhận sáng kiến) of one's own initiative, as a file."""

    initiative_id: int


@dataclass(frozen=True)
class DeleteDraft:
    initiative_id: int


@dataclass(frozen=True)
class Withdraw:
    initiative_id: int


@dataclass(frozen=True)
class Register:
    name: str
    unit_id: int
    target_group: str
    locale: str | None  # None: the default language
    phone: str | None = None


@dataclass(frozen=True)
class SetLocale:
    locale: str


@dataclass(frozen=True)
class SetPhone:
    phone: str


@dataclass(frozen=True)
class RequestHelp:
    """'Cần hỗ trợ': the handler opens the request (once per chat at a time) and tells the person how it went."""

    step: str | None
    draft_id: int | None


@dataclass(frozen=True)
class Transcribe:
    """A voice note answering a question, for the transcriber (off the update's path): its words come back as a
    "heard" event, Event("heard", text=words, args=ref)."""

    ref: str
    stored: str  # the bot's own copy, which the transcriber reads


@dataclass(frozen=True)
class KeepTranscript:
    """What the transcriber heard in the author's voice note, kept beside it (officers and exports show it)."""

    ref: str
    text: str
    for_member: int | None = None  # entered on behalf of this worker: the note is theirs


Effect = (SaveDraft | Submit | SendForm | DeleteDraft | Withdraw | Register | SetLocale | SetPhone | RequestHelp
          | Transcribe | KeepTranscript)


@dataclass(frozen=True)
class Result:
    state: State
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()
    handover: str | None = None  # an intent of `Context.desk`: nothing stepped, the officers' screens answer it
