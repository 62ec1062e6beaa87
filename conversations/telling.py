"""A worker telling one answer in voice notes, one or several in a row, while a transcriber hears them.

Kept in the conversation's meta as `telling`: the question, and each note's words as they come back
(None while it is being heard). When every note is heard, their words together are offered:
"Mình nghe được: … Đúng chưa?". Plain data and pure functions, like the rest of the engine.
"""

from __future__ import annotations

from conversations.model import State

Telling = dict  # {"field": step key, "notes": [{"ref": a voice note's ref, "words": str | None}]}


def of(state: State, field: str) -> Telling | None:
    telling = state.meta.get("telling")
    return telling if telling and telling.get("field") == field else None


def waiting(telling: Telling) -> bool:
    return any(note["words"] is None for note in telling["notes"])


def words(telling: Telling) -> str:
    """What was heard in every note, in the order they were sent."""
    return " ".join(note["words"] for note in telling["notes"] if note["words"])


def offered(state: State, field: str) -> str | None:
    """The words waiting for "Đúng rồi" at this question: every note heard, and something in them."""
    telling = of(state, field)
    return words(telling) or None if telling and not waiting(telling) else None


def with_note(state: State, field: str, ref: str, heard: str | None = None) -> State:
    """One more note told for `field` (a note told at another question starts anew); `heard`: its words already."""
    telling = of(state, field) or {"field": field, "notes": []}
    if any(note["ref"] == ref for note in telling["notes"]):  # the same note again
        return state
    notes = [*telling["notes"], {"ref": ref, "words": heard}]
    return state.with_meta(telling={"field": field, "notes": notes})


def with_words(state: State, ref: str, heard: str) -> State | None:
    """The telling with one note's words in; None when no note of it has that ref."""
    telling = state.meta.get("telling")
    if not telling or not any(note["ref"] == ref for note in telling["notes"]):
        return None
    notes = [{**note, "words": heard} if note["ref"] == ref else note for note in telling["notes"]]
    return state.with_meta(telling={**telling, "notes": notes})


def ended(state: State) -> State:
    return state.with_meta(telling=None)
