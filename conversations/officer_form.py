"""An officer's form as data (the campaign wizard): questions in order, each read by its kind, and a pure walker.

The answers so far (the draft) are a dict in the screen's state; nothing here stores anything. Reading an
answer gives Answered (the draft with it), Again (the question again, after why) or, for a unit, Lookup
(the handler searches the units in scope). Adding a field is one Question and its strings in locales/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from conversations import lexicon
from conversations.model import Choice, Reply
from conversations.parsing.days import parse_day
from conversations.text import fold, id_after

KINDS = ("unit", "text", "choice", "day", "number", "yes_no", "confirm")
SKIPS = ("/skip", "/no", "/dont_know")  # at a question that may be left empty
YES = ("/yes", "/confirm")
BACK = Choice("/back", key="choice.back")


def _nothing(*_) -> None:
    return None


@dataclass(frozen=True)
class Question:
    """One question: the screen `<form>_<step>`, its prompt (which shows `example`, and `current` when
    editing), how its answer is read and checked, and the draft key it fills."""

    step: str
    kind: str  # one of KINDS
    prompt: str  # a locale key
    answer: str = ""  # the draft key it fills; the step's name when empty
    options: tuple[str, ...] = ()  # choice: the values, offered as "<step>:<value>" labelled "<form>.<step>.<value>"
    explain: str | None = None  # said for "ko biết", "giúp với" (where the screen explains), then the question again
    skippable: bool = False  # text: "không", "bỏ qua", or "không cần <skip_words>" leave it empty
    skip_words: tuple[str, ...] = ()
    unreadable: str | None = None  # day: said when no day is read from the words
    since: str | None = None  # day: the draft key of the earliest day it may be (else today)
    check: Callable[..., Reply | None] = _nothing  # (value, draft, today) -> why it is refused
    example: Callable[[dict, date], Any] = _nothing  # (draft, today) -> the example the prompt and refusals show
    params: Callable[[dict, date], dict] = _nothing  # (draft, today) -> the prompt's own params
    offers: Callable[[dict, date], tuple[Choice, ...]] = _nothing  # (draft, today) -> choices besides options and back
    default: Callable[[dict], Any] = _nothing  # the value of the offered "<step>:default"
    yes: tuple[str, ...] = ()  # confirm: the value of its own button
    asked: Callable[[dict], bool] = lambda draft: True
    then: Callable[[dict], dict] = lambda draft: draft  # answers that follow from this one

    @property
    def key(self) -> str:
        return self.answer or self.step


@dataclass(frozen=True)
class Answered:
    draft: dict


@dataclass(frozen=True)
class Again:
    lead: tuple[Reply, ...] = ()


@dataclass(frozen=True)
class Lookup:
    """A unit question: a unit offered was picked (its id), or a name typed to search for."""

    picked: int | None
    text: str


@dataclass(frozen=True)
class OfficerForm:
    name: str
    questions: tuple[Question, ...]

    def screen(self, question: Question) -> str:
        return f"{self.name}_{question.step}"

    @property
    def screens(self) -> set[str]:
        return {self.screen(q) for q in self.questions}

    def at(self, screen: str) -> Question:
        return self.get(screen.removeprefix(f"{self.name}_"))

    def get(self, step: str) -> Question:
        return next(q for q in self.questions if q.step == step)

    def following(self, step: str, draft: dict, within: tuple[str, ...] | None = None) -> Question | None:
        """The next question asked after `step` (among `within` only, when editing a few), or None at the end."""
        later = self.questions[self.questions.index(self.get(step)) + 1 :]
        return next((q for q in later if q.asked(draft) and (within is None or q.step in within)), None)

    def earlier(self, step: str, draft: dict, within: tuple[str, ...] | None = None) -> Question | None:
        before = self.questions[: self.questions.index(self.get(step))]
        return next((q for q in reversed(before) if q.asked(draft) and (within is None or q.step in within)), None)


def prompt(form: OfficerForm, question: Question, draft: dict, today: date, editing: bool = False,
           offered: tuple[Choice, ...] = (), params: dict | None = None) -> Reply:  # fmt: skip
    """The question: its params, the example, the current value when editing, and its choices with back."""
    current = draft.get(question.key) if editing else None
    if question.kind == "day" and current:
        current = date.fromisoformat(current)
    said = {"example": question.example(draft, today), "current": current or "", **(question.params(draft, today) or {}),
            **(params or {})}  # fmt: skip
    shown = {k: shown_value(v) for k, v in said.items()}
    options = tuple(Choice(f"{question.step}:{o}", key=f"{form.name}.{question.step}.{o}") for o in question.options)
    return Reply(question.prompt, shown, (*offered, *options, *(question.offers(draft, today) or ()), BACK))


def read(question: Question, draft: dict, text: str, intent: str, today: date) -> Answered | Again | Lookup:
    """One answer to `question`: `text` as typed (spaces collapsed), `intent` what the screen read in it."""
    if intent == "/explain" and question.explain:  # "ko biết", "giúp với" where the screen explains itself
        said = {"example": question.example(draft, today), **(question.params(draft, today) or {})}
        return Again((Reply(question.explain, {k: shown_value(v) for k, v in said.items()}),))
    if question.kind == "unit":
        return Lookup(id_after(intent, "cu:") or 0 if intent.startswith("cu:") else None, text)
    if question.kind == "confirm":
        return _answered(question, draft, True) if intent in (*YES, *question.yes) else Again((_choose(0),))
    if question.kind == "choice":
        return _choice(question, draft, intent)
    if intent == f"{question.step}:default":
        return _answered(question, draft, question.default(draft))
    return READERS[question.kind](question, draft, text, intent, today)


def _answered(question: Question, draft: dict, value: Any) -> Answered:
    return Answered(question.then({**draft, question.key: value}))


def _choose(count: int) -> Reply:
    return Reply("error.choose_one", {"count": count})


def _why(question: Question, refusal: Reply | None, draft: dict, text: str, today: date) -> Again:
    """The question again after its refusal, which may show what was typed and the question's example."""
    if refusal is None:
        return Again()
    said = {"text": text[:40], "example": question.example(draft, today), **refusal.params}
    return Again((Reply(refusal.key, {k: shown_value(v) for k, v in said.items()}),))


def _choice(question: Question, draft: dict, intent: str) -> Answered | Again:
    value = intent.removeprefix(f"{question.step}:")
    if intent.startswith(f"{question.step}:") and value in question.options:
        return _answered(question, draft, value)
    return Again((_choose(len(question.options) + 1),))  # the options and back


def _text(question: Question, draft: dict, text: str, intent: str, today: date) -> Answered | Again:
    if question.skippable and (intent in SKIPS or _declined(text, question.skip_words)):
        return _answered(question, draft, None)
    refusal = question.check(text, draft, today)
    if not text or refusal is not None:
        return _why(question, refusal or question.check("", draft, today), draft, text, today)
    if intent in lexicon.NON_ANSWERS:  # "ko", "ok", "giúp với" name nothing
        return _why(question, question.check("", draft, today), draft, text, today)
    return _answered(question, draft, text)


def _declined(text: str, words: tuple[str, ...]) -> bool:
    """ "ko can khau hieu", "khỏi slogan": a no, once the question's own words are taken off."""
    if not words:
        return False
    rest = re.sub(rf"\b(?:{'|'.join(map(re.escape, words))})\b", " ", fold(text)).strip()
    return bool(rest) and lexicon.intent(rest) in ("/no", "/skip")


def _day(question: Question, draft: dict, text: str, intent: str, today: date) -> Answered | Again:
    since = date.fromisoformat(draft[question.since]) if question.since else today
    found = parse_day(intent[4:] if intent.startswith("day:") else text, since)
    if found is None:
        return _why(question, Reply(question.unreadable or "error.date_not_a_date"), draft, text, today)
    refusal = question.check(found, draft, today)
    return _why(question, refusal, draft, text, today) if refusal else _answered(question, draft, found.isoformat())


def _number(question: Question, draft: dict, text: str, intent: str, today: date) -> Answered | Again:
    digits = re.sub(r"[\s.,]", "", text)  # "1.200", "1 200"
    significant = digits.lstrip("0") or "0"
    number = 0 if not digits.isdecimal() else int(significant) if len(significant) <= 18 else 10**18  # past any limit
    refusal = question.check(number, draft, today)
    return _why(question, refusal, draft, text, today) if refusal else _answered(question, draft, number)


def _yes_no(question: Question, draft: dict, text: str, intent: str, today: date) -> Answered | Again:
    """ "có", "ok", "ừ" or "không", "ko": its own buttons (in `offers`) send /yes and /no."""
    if intent in YES or intent == "/no":
        return _answered(question, draft, intent != "/no")
    return Again((_choose(3),))  # yes, no and back


READERS = {"text": _text, "day": _day, "number": _number, "yes_no": _yes_no}


def shown_value(value: Any) -> Any:
    """A date as the templates' `applied` filter prints it; anything else as it is."""
    return {"date": value.isoformat(), "precision": "day"} if isinstance(value, date) else value
