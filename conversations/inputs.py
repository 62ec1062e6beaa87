"""Input kinds: how one step reads one event, words from the lexicon included. None does I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from conversations import lexicon, telling
from conversations.flows import MAX_ATTACHMENTS, MAX_COAUTHORS, SPOKEN, Step
from conversations.model import Context, Event, Reply, State
from conversations.parsing.dates import parse_date
from conversations.parsing.errors import ParseError
from conversations.parsing.money import parse_money
from conversations.text import collapse_spaces, fold, nfc

MAX_UNIT_CHOICES = 8


@dataclass(frozen=True)
class Accept:
    """The step is answered with `value` (None: by a voice note or a file alone); `note` echoes what was understood."""

    value: Any
    note: Reply | None = None
    state: State | None = None  # when reading the answer also changed the state (an attached photo)


@dataclass(frozen=True)
class Stay:
    """Still on this step, with a changed state (collected media, a value awaiting confirmation)."""

    state: State
    replies: tuple[Reply, ...]
    effects: tuple = ()


@dataclass(frozen=True)
class Reject:
    """Not understood: explain (locale key `error.<reason>`) and ask the same question again."""

    reason: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Explain:
    """Help asked at a question that is not free words: its explanation and example, then the question."""


@dataclass(frozen=True)
class Offer:
    """'Don't know', 'can't write', 'help' at a content step: ways forward (voice, the example, the support team)."""


@dataclass(frozen=True)
class Pass:
    """'No', 'don't know' at an optional question: it stays unanswered and the form moves on."""


Outcome = Accept | Stay | Reject | Explain | Offer | Pass
Reader = Callable[[Step, State, Event, Context, str | None], Outcome]
HELP = ("/help", "/dont_know")  # asked for help, or said they do not know
HEARD = ("voice", "audio")  # what a transcriber hears (a video's sound is not offered as words)


def _attach(state: State, media, field_key: str) -> list[dict]:
    """The attachment list with this file added; the same file sent twice is kept once. A caption that is
    no answer ("ok", "ko biet") is not kept."""
    kept = [a for a in state.answers.get("attachments", []) if (a["field"], a["ref"]) != (field_key, media.ref)]
    if media.caption and lexicon.intent(media.caption) is not None:
        media = replace(media, caption=None)
    return [*kept, media.as_answer(field_key)]


def _received(attachments: list[dict], field_key: str, kind: str) -> Reply:
    return Reply("media.received", {"count": sum(a["field"] == field_key for a in attachments), "kind": kind})


def checked_text(step: Step, text: str) -> Accept | Reject:
    if not text:
        return Reject("empty")
    if len(text) > step.max_len:
        return Reject("too_long", {"length": len(text), "limit": step.max_len})
    if len(text) < step.min_len:
        return Reject("too_short", {"length": len(text), "limit": step.min_len})
    if not any(ch.isalnum() for ch in text):
        return Reject("no_words")
    return Accept(text)


def own_media(step: Step, state: State) -> list[dict]:
    return [a for a in state.answers.get("attachments", []) if a["field"] == step.key]


def read_text(step: Step, state: State, event: Event, ctx: Context, intent: str | None) -> Outcome:
    if event.kind == "media" and event.media is not None:
        return _media_answer(step, state, event.media, ctx)
    if intent == "/done" and own_media(step, state):
        return Accept(state.answers.get(step.key))
    if intent in (*HELP, "/no"):
        return Offer() if step.accepts_media else Explain()
    if intent is not None:  # "ok", "cảm ơn", "gửi": words that answer nothing this question asked
        return Reject("answer_needed")
    return checked_text(step, event.text)


def _media_answer(step: Step, state: State, media, ctx: Context) -> Outcome:
    """A voice note answers a content step (its words offered to confirm where a transcriber runs); photos and
    files are collected until "Xong" (an album comes in pieces)."""
    if not step.accepts_media:
        return Reject("text_only")
    if media.over_limit_mb:
        return Reject("file_too_big", {"limit": media.over_limit_mb})
    attachments = _attach(state, media, step.key)
    if len(attachments) > MAX_ATTACHMENTS:
        return Reject("too_many_files", {"limit": MAX_ATTACHMENTS})
    moved = state.with_answer("attachments", attachments)
    if media.kind in HEARD and ctx.hears and media.stored and step.kind == "text":
        return Stay(*telling.told(step.key, state, moved, media))
    if media.kind in SPOKEN:
        return Accept(state.answers.get(step.key), Reply("media.taken", {"kind": media.kind}), state=moved)
    caption = checked_text(step, media.caption or "")
    if isinstance(caption, Accept) and lexicon.intent(caption.value) is None:  # words under a photo answer too
        moved = moved.with_answer(step.key, caption.value)
    return Stay(moved, (_received(attachments, step.key, media.kind),))  # an album comes photo by photo


def usable_name(display_name: str) -> str | None:
    """The platform's display name, if it could be a person's full name (offered with one tap)."""
    name = collapse_spaces(nfc(display_name or ""))
    if 2 <= len(name) <= 100 and not any(ch.isdigit() for ch in name) and lexicon.intent(name) is None:
        return name if any(ch.isalpha() for ch in name) else None
    return None


def read_person_name(step: Step, state: State, event: Event, ctx: Context, intent: str | None) -> Outcome:
    if intent == "/yes" and usable_name(ctx.display_name):
        return Accept(usable_name(ctx.display_name))
    if event.kind != "text":
        return Reject("name_typed")
    if intent in HELP:
        return Explain()
    if intent is not None:
        return Reject("name_needed")  # "Đúng", "ko": an answer word, not a name
    checked = checked_text(step, collapse_spaces(event.text))
    if isinstance(checked, Accept) and any(ch.isdigit() for ch in checked.value):
        return Reject("name_digits")
    return checked


def read_choice(step: Step, state: State, event: Event, ctx: Context, intent: str | None) -> Outcome:
    options = options_for(step, ctx)
    if intent in options:
        return Accept(intent)
    if intent in HELP:
        return Explain()
    if event.kind != "text":
        return Reject("choose_one", {"count": len(options)})
    wanted = fold(event.text)
    matches = [o for o in options if wanted and (wanted == fold(o) or wanted in fold(o))]
    if len(matches) == 1:
        return Accept(matches[0])
    return Reject("choose_one", {"count": len(options)})


def options_for(step: Step, ctx: Context) -> tuple[str, ...]:
    return tuple(getattr(ctx, step.options or "", ()) or ())


SMALLEST_AMOUNT = 1000  # đồng: "5" at the money question means "5 triệu" or "5k", never 5 đ


def read_money(step: Step, state: State, event: Event, ctx: Context, intent: str | None) -> Outcome:
    pending = state.meta.get("pending_amount")
    if intent == "/yes" and pending is not None:
        return Accept(pending)
    if intent == "/no" and pending is not None:
        return Stay(state.with_meta(pending_amount=None), (Reply("value.retype"),))
    if intent in ("/no", "/dont_know"):
        return Pass()
    if intent == "/help":
        return Explain()
    if event.kind != "text":
        return Reject("text_only")
    if intent is not None:
        return Reject("money_not_a_number")
    try:
        amount = parse_money(event.text)
    except ParseError as error:
        return Reject(f"money_{error.reason}", dict(error.params))
    if amount < SMALLEST_AMOUNT:
        return Reject("money_unit_needed", {"amount": amount})
    return Stay(state.with_meta(pending_amount=amount), (Reply("value.confirm", {"amount": amount}),))


def read_date(step: Step, state: State, event: Event, ctx: Context, intent: str | None) -> Outcome:
    if intent in ("/no", "/dont_know"):
        return Pass()
    if intent == "/help":
        return Explain()
    if event.kind != "text":
        return Reject("text_only")
    if intent is not None:
        return Reject("date_not_a_date")
    if len(event.text) > step.max_len:
        return Reject("too_long", {"length": len(event.text), "limit": step.max_len})
    try:
        day, precision = parse_date(event.text, ctx.now.date())
    except ParseError as error:
        return Reject(f"date_{error.reason}", dict(error.params))
    value = {"date": day.isoformat(), "precision": precision}
    return Accept(value, Reply("date.noted", {"applied": value}))


_NAME_SPLIT = re.compile(r"[,;\n]+|\s+(?:va|và|and)\s+")


# "ok", "có", "dc" at the co-author question: not names ("Dung" is one, so it is left out).
_YES_NOT_A_NAME = frozenset(lexicon.normalize(p) for p in lexicon.ANSWERS["/yes"]) - {"dung"}


def read_names(step: Step, state: State, event: Event, ctx: Context, intent: str | None) -> Outcome:
    names = list(state.answers.get(step.key) or [])
    if intent in ("/done", "/no", "/dont_know"):  # "xong", or "ko co", "minh toi": nobody else
        return Accept(names)
    if intent == "/clear":
        return Stay(state.with_answer(step.key, []), (Reply("coauthors.cleared"),))
    if intent == "/help":
        return Explain()
    if intent == "/yes" or event.kind == "text" and lexicon.normalize(event.text) in _YES_NOT_A_NAME:
        return Stay(state, (Reply("coauthors.ask_names"),))
    if event.kind != "text" or intent is not None:
        return Reject("names_typed")
    known = {fold(n) for n in names}
    for raw in _NAME_SPLIT.split(event.text):
        name = collapse_spaces(raw)
        if not name or fold(name) in known or lexicon.intent(name) in ("/no", "/dont_know", "/done"):
            continue
        if len(name) > step.max_len:
            return Reject("too_long", {"length": len(name), "limit": step.max_len})
        if not any(ch.isalpha() for ch in name):
            return Reject("no_words")
        names.append(name)
        known.add(fold(name))
    if len(names) > MAX_COAUTHORS:
        return Reject("too_many_names", {"limit": MAX_COAUTHORS})
    moved = state.with_answer(step.key, names)
    return Stay(moved, (Reply("coauthors.noted", {"names": names}),))


def read_media(step: Step, state: State, event: Event, ctx: Context, intent: str | None) -> Outcome:
    if intent == "/done":  # the step's answer is the attachment list itself, kept under its own key
        return Accept(list(state.answers.get("attachments", []))) if own_media(step, state) else Pass()
    if intent in ("/no", "/dont_know"):
        return Pass()
    if intent == "/yes":
        return Stay(state, (Reply("media.send_now"),))
    if intent == "/help":
        return Explain()
    if event.kind != "media" or event.media is None:
        return Reject("media_only")
    if event.media.over_limit_mb:
        return Reject("file_too_big", {"limit": event.media.over_limit_mb})
    attachments = _attach(state, event.media, step.key)
    if len(attachments) > MAX_ATTACHMENTS:
        return Reject("too_many_files", {"limit": MAX_ATTACHMENTS})
    moved = state.with_answer("attachments", attachments)
    return Stay(moved, (_received(attachments, step.key, event.media.kind),))


def read_unit(step: Step, state: State, event: Event, ctx: Context, intent: str | None) -> Outcome:
    candidates = state.meta.get("candidates") or []
    chosen = next((c for c in candidates if f"unit:{c['id']}" == intent), None)
    if chosen is not None:
        return Accept(chosen, Reply("unit.chosen", {"unit": chosen["name"]}))
    if intent in HELP:
        return Explain()
    if event.kind != "text":
        return Reject("unit_typed")
    if intent is not None:
        return Reject("unit_needed")
    if len(event.text) > step.max_len:
        return Reject("too_long", {"length": len(event.text), "limit": step.max_len})
    found = [{"id": u.id, "code": u.code, "name": u.name} for u in (ctx.units or ())]
    if not found:
        return Stay(state.with_meta(candidates=None), (Reply("unit.not_found", {"query": event.text}),))
    if len(found) == 1:
        return Accept(found[0], Reply("unit.chosen", {"unit": found[0]["name"]}))
    shown = found[:MAX_UNIT_CHOICES]
    key = "unit.many" if len(found) > MAX_UNIT_CHOICES else "unit.several"
    return Stay(state.with_meta(candidates=shown), (Reply(key, {"count": len(shown)}),))


READERS: dict[str, Reader] = {
    "text": read_text,
    "person_name": read_person_name,
    "choice": read_choice,
    "money": read_money,
    "date": read_date,
    "names": read_names,
    "media": read_media,
    "unit": read_unit,
}
