"""How one event is read: a pressed or numbered option, a command, an answer word from the lexicon, or content.

A number means the same on every screen: 1 to N picks the option shown with that number; any
other number is an answer where the question reads numbers, and "out of range" elsewhere
(docs/answers.md).
"""

from __future__ import annotations

import re
from typing import Callable

from conversations import form, lexicon, menu
from conversations.flows import FLOWS
from conversations.model import Choice, Context, Event, State
from conversations.text import fold

NUMBER = re.compile(r"(?:so\s*)?(\d{1,9})[.)]?")  # "2", "2.", "số 2": the option numbered 2
_NUMBER_PREFIX = re.compile(r"^\d{1,3}\.\s+")


def as_pressed(state: State, event: Event, ctx: Context) -> Event:
    """Typed text that is the label of an option on screen, read as pressing it (a button arrives as its label)."""
    if event.kind != "text" or ctx.label is None:
        return event
    value = pressed(event.text, offered(state, ctx), ctx.label)
    return Event("choice", text=value) if value is not None else event


def pressed(text: str, shown: tuple[Choice, ...], label: Callable[[Choice], str]) -> str | None:
    """The value of the choice whose label this text is (a button press arrives as its numbered label).

    Typed without its number or the label's symbols ("Cần bổ sung" for "2. ✏️ Cần bổ sung") it matches too.
    """
    wanted = fold(_NUMBER_PREFIX.sub("", text.strip()))
    if not wanted:
        return None
    labels = [(choice, fold(label(choice))) for choice in shown]
    exact = next((choice.value for choice, folded in labels if folded == wanted), None)
    if exact is not None:
        return exact
    bare = _bare(wanted)
    if not bare:
        return None
    found = next((choice.value for choice, folded in labels if _bare(folded) == bare), None)
    if found is not None:
        return found
    # Without the label's note in brackets: "tuần cao điểm" is "Tuần cao điểm (7 ngày)", before any word it holds.
    unnoted = [choice.value for choice, folded in labels if _bare(_NOTE.sub("", folded)) == bare]
    return unnoted[0] if len(unnoted) == 1 else None


_SPOKEN_COMMANDS = frozenset({"/cancel", "/help"})
_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def _bare(folded: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def intent_of(state: State, event: Event, ctx: Context) -> str | None:
    """What the event means: a pressed or numbered choice, a command, an answer word; None for content."""
    if event.kind == "command":  # "/huy", "/thoat" typed as commands mean what the words mean
        spoken = lexicon.intent(event.command)
        return spoken if spoken in _SPOKEN_COMMANDS else "/" + event.command
    if event.kind == "choice":
        return event.text
    if event.kind != "text":
        return None
    shown = offered(state, ctx)
    picked = numbered_pick(event.text, shown, reads_numbers=_reads_numbers(state))
    if picked is not None:
        return picked
    folded = fold(event.text)
    literal = next((c.value for c in shown if c.label and fold(c.label) == folded), None)
    word = literal or lexicon.intent(event.text)
    plain = event.text.lower().split()
    if _step_kind(state) == "names" and plain[-1:] in (["huy"], ["dung"]) and not literal:
        return None  # a co-author's name typed without accents ("Huy", "anh Dung"), not "hủy" or "đúng"
    if word is None and state.step and state.flow in FLOWS and _an_old_button(event.text, ctx):
        return "/old_button"
    return word


def _an_old_button(text: str, ctx: Context) -> bool:
    """A button of an earlier screen: a keyboard still shown (its numbered label), or its label typed."""
    return fold(_NUMBER_PREFIX.sub("", text.strip())) in ctx.buttons


def numbered_pick(text: str, shown: tuple[Choice, ...], *, reads_numbers: bool) -> str | None:
    """The option a bare number picks: 1 to N on any screen with options; other numbers are answers
    where the question reads numbers (an amount, a year), and "out of range" elsewhere."""
    match = NUMBER.fullmatch(fold(text))
    if match is None:
        return None
    number = int(match.group(1))
    if 1 <= number <= len(shown):
        return shown[number - 1].value
    return None if reads_numbers else "/out_of_range"


def offered(state: State, ctx: Context) -> tuple[Choice, ...]:
    """The choices on screen in this state: a pressed button's label maps back to one of these."""
    flow = FLOWS.get(state.flow or "")
    if flow is not None:
        return form.choices(flow, state, ctx) if state.step else ()
    return menu.shown(state, ctx)


def _reads_numbers(state: State) -> bool:
    flow = FLOWS.get(state.flow or "")
    return flow is not None and state.step is not None and form.reads_numbers(flow, state)


def _step_kind(state: State) -> str | None:
    flow = FLOWS.get(state.flow or "")
    return form.current(flow, state).kind if flow is not None and state.step else None
