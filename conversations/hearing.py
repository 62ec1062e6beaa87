"""A voice note's words coming back from the transcriber: kept beside the note, and offered to confirm where
the person still waits at the question it answered ("Mình nghe được: … Đúng chưa?")."""

from __future__ import annotations

from conversations import form, lexicon, telling
from conversations.flows import SUBMISSION
from conversations.inputs import HELP, Offer, Reject, checked_text
from conversations.model import Context, Event, KeepTranscript, Reply, RequestHelp, Result, State


def heard(state: State, event: Event, ctx: Context) -> Result:
    """Event("heard", text=words, args=the voice note's ref); words "" when none were heard."""
    ref, text = event.args, event.text
    kept = (KeepTranscript(ref, text),) if text else ()
    files = state.answers.get("attachments") or []
    if state.flow != SUBMISSION.name or ctx.member is None or not any(a["ref"] == ref for a in files):
        return Result(state, (), kept)  # another screen or draft meanwhile: the words go on the note quietly
    noted = state.with_answer("attachments", [{**a, "transcript": text} if a["ref"] == ref and text else a
                                              for a in files])
    told = telling.with_words(noted, ref, text)
    here = telling.of(told, form.current(SUBMISSION, state).key) if told else None
    if here is None:
        return Result(noted, (), kept)  # answered otherwise (typed, "Xong") while the note was heard
    if telling.waiting(here):
        return Result(told, (), kept)  # the notes sent after it are still being heard
    words = telling.words(here)
    if not words:  # the notes answer the question as they are; whoever reviews it listens to them
        return _with(form.move_on(SUBMISSION, telling.ended(told), ctx, lead=(Reply("hearing.nothing"),)), kept)
    return _with(_offered(told, here, words, ctx), kept)


def _offered(told: State, here: telling.Telling, words: str, ctx: Context) -> Result:
    """The words offered to confirm; a non-answer said ("không biết") understood as typed, words no answer
    ("hủy", "ok") or too long for the question said so, the question asked again."""
    step = form.current(SUBMISSION, told)
    intent = lexicon.intent(words)
    ended = telling.ended(told)
    if intent in (*HELP, "/no"):
        return form.outcome(SUBMISSION, ended, ctx, Offer())
    if intent == "/support" and not told.meta.get("author"):  # "cần hỗ trợ", said: asked for, as typed
        return form.ask(SUBMISSION, ended, ctx, effects=(RequestHelp(step.key, told.meta.get("draft")),))
    checked = checked_text(step, words)
    if intent is not None or (isinstance(checked, Reject) and checked.reason != "too_long"):
        return form.ask(SUBMISSION, ended, ctx, lead=(Reply("hearing.no_answer", {"text": words}),))
    if isinstance(checked, Reject):
        return form.ask(SUBMISSION, ended, ctx, lead=(Reply("hearing.too_long", {"limit": step.max_len}),))
    offered = told.with_meta(telling={**here, "offered_at": ctx.now.isoformat()})
    return form.ask(SUBMISSION, offered, ctx)


def _with(result: Result, effects: tuple) -> Result:
    return Result(result.state, result.replies, (*result.effects, *effects))
