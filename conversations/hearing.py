"""A voice note's words coming back from the transcriber: kept beside the note, and offered to confirm where
the person still waits at the question it answered ("Mình nghe được: … Đúng chưa?")."""

from __future__ import annotations

from conversations import form
from conversations.flows import SUBMISSION
from conversations.model import Context, Event, KeepTranscript, Reply, Result, State


def heard(state: State, event: Event, ctx: Context) -> Result:
    """Event("heard", text=words, args=the voice note's ref); words "" when none were heard."""
    ref, text = event.args, event.text
    kept = (KeepTranscript(ref, text),) if text else ()
    files = state.answers.get("attachments") or []
    if state.flow != SUBMISSION.name or ctx.member is None or not any(a["ref"] == ref for a in files):
        return Result(state, (), kept)  # another screen or draft meanwhile: the words go on the note quietly
    noted = state.with_answer("attachments", [{**a, "transcript": text} if a["ref"] == ref and text else a
                                              for a in files])
    listening = state.meta.get("listening") or {}
    if listening.get("ref") != ref or listening.get("field") != state.step:
        return Result(noted, (), kept)  # answered otherwise (typed, "Xong") while the note was heard
    waited = noted.with_meta(listening=None)
    if not text:  # the note answers the question as it is; the support team listens to it
        return form.move_on(SUBMISSION, waited, ctx, lead=(Reply("hearing.nothing"),))
    result = form.ask(SUBMISSION, waited.with_meta(heard={"field": state.step, "ref": ref, "text": text}), ctx)
    return Result(result.state, result.replies, kept)
