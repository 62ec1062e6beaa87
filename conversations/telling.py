"""A worker telling one answer in voice notes, one or several in a row, while a transcriber hears them.

Kept in the conversation's meta as `telling`: the question, and each note's words as they come back
(None while it is being heard). When every note is heard, their words together are offered:
"Mình nghe được: … Đúng chưa?". Plain data and pure functions, like the rest of the engine.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.model import Media, Reply, State, Transcribe

READING = timedelta(seconds=3)  # the least time to read the words offered before a typed number picks an option

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


def too_soon(state: State, field: str, now: datetime) -> bool:
    """The words were offered under READING ago: a number typed now was meant for the screen before them."""
    telling = of(state, field)
    at = telling.get("offered_at") if telling else None
    return at is not None and now - datetime.fromisoformat(at) < READING


def ended(state: State) -> State:
    return state.with_meta(telling=None)


def told(field: str, state: State, moved: State, media: Media) -> tuple[State, tuple[Reply, ...], tuple]:
    """A voice note at `field` (`moved`: the state with it attached): the question waits for its words, with those
    of the notes just before it; a note heard already (delivered again) is not heard twice."""
    known = next((a["transcript"] for a in state.answers.get("attachments", [])
                  if a["ref"] == media.ref and a.get("transcript")), None)
    after = with_note(moved, field, media.ref, known)
    if known is not None:
        files = [{**a, "transcript": known} if a["ref"] == media.ref else a for a in after.answers["attachments"]]
        after = after.with_answer("attachments", files)
    words_heard = offered(after, field)
    if words_heard is not None:
        params = {"text": words_heard, "label": f"submit.{field}.label"}
        return after, (Reply("hearing.heard", params),), ()
    effects = () if known is not None else (Transcribe(media.ref, media.stored),)
    return after, (Reply("hearing.listening"),), effects


def machine_made(text: str | None, notes, field: str) -> bool:
    """The answer is the words a transcriber heard in the field's voice notes, confirmed: one note's, or those of
    the last notes told together (only a heard note has a transcript)."""
    if not text:
        return False
    heard = [n["transcript"] for n in notes if n.get("field") == field and n.get("transcript")]
    return any(" ".join(heard[start:]) == text for start in range(len(heard))) or text in heard
