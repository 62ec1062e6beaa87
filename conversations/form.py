"""The walker: asks a flow's steps in order, reads answers, and handles back, skip and edit."""

from __future__ import annotations

from dataclasses import replace

from conversations import lexicon, telling
from conversations.flows import Flow, Step
from conversations.inputs import (
    READERS, Accept, Explain, Offer, Pass, Reject, Stay, checked_text, options_for, own_media, usable_name,
)
from conversations.model import Choice, Context, Event, Reply, Result, SaveDraft, State


def current(flow: Flow, state: State) -> Step:
    return flow.get(state.step or flow.steps[0].key)


def _preset(state: State) -> set[str]:
    return set(state.meta.get("preset", ()))


def _neighbour(flow: Flow, state: State, offset: int) -> Step | None:
    i = flow.index(current(flow, state).key) + offset
    while 0 <= i < len(flow.steps):
        if flow.steps[i].key not in _preset(state):
            return flow.steps[i]
        i += offset
    return None


def answered(step: Step, answers) -> bool:
    """Answered in words, or by a voice note, photo or file given at this step."""
    if step.kind != "media" and answers.get(step.key) not in (None, "", []):
        return True
    return any(a["field"] == step.key for a in answers.get("attachments", []))


OFFER = (
    Choice("/how_voice", key="choice.offer.voice"),
    Choice("/example", key="choice.offer.example"),
    Choice("/support", key="choice.support"),
)


HEARD = (Choice("/yes", key="choice.heard_right"), Choice("/edit", key="choice.heard_fix"))


def heard_here(flow: Flow, state: State) -> str | None:
    """The words the transcriber heard in the voice notes answering this question, waiting for "Đúng rồi"."""
    return telling.offered(state, current(flow, state).key)


def choices(flow: Flow, state: State, ctx: Context) -> tuple[Choice, ...]:
    """What the current question offers, in the order shown (the numbers refer to it)."""
    step = current(flow, state)
    if state.meta.get("offer"):
        return OFFER
    if heard_here(flow, state):
        return HEARD
    if step.kind == "review":
        return _review_choices(flow, state)
    offered: list[Choice] = []
    if step.kind == "choice":
        offered += [Choice(option, label=option) for option in options_for(step, ctx)]
    elif step.kind == "person_name" and usable_name(ctx.display_name):
        offered.append(Choice("/yes", key="choice.its_me", params={"name": usable_name(ctx.display_name)}))
    elif step.kind == "unit":
        offered += [Choice(f"unit:{c['id']}", label=c["name"]) for c in state.meta.get("candidates") or []]
    elif step.kind == "money" and state.meta.get("pending_amount") is not None:
        offered += [Choice("/yes", key="choice.yes"), Choice("/no", key="choice.retype")]
    elif step.kind == "names":
        offered.append(Choice("/done", key="choice.done") if state.answers.get(step.key) else Choice("/no", key="choice.nobody"))
        if state.answers.get(step.key):
            offered.append(Choice("/clear", key="choice.clear"))
    elif step.kind == "media" or (step.accepts_media and own_media(step, state)):
        offered.append(Choice("/done", key="choice.done"))
    if not step.required:
        if step.kind != "names" or state.answers.get(step.key):
            offered.append(Choice("/skip", key="choice.skip"))
        if answered(step, state.answers) and _removable(step, state):
            offered.append(Choice("/remove", key="choice.remove"))
        if _can_review(flow, state):
            offered.append(Choice("/review_now", key="choice.review_now"))
    elif answered(step, state.answers) and not (step.accepts_media and own_media(step, state)):
        offered.append(Choice("/skip", key="choice.keep"))  # with files just sent, "Xong" says it already
    if step.accepts_media and not state.meta.get("author"):  # the support team entering it asks nobody
        offered.append(Choice("/support", key="choice.support"))
    if state.meta.get("editing") or _neighbour(flow, state, -1) is not None:
        offered.append(Choice("/back", key="choice.back"))
    return tuple(offered)


def _can_review(flow: Flow, state: State) -> bool:
    """Every required answer is in: the rest may be left for later ("Xem lại và gửi")."""
    has_review = flow.steps[-1].kind == "review"
    return has_review and not state.meta.get("editing") and all(
        answered(s, state.answers) for s in flow.questions if s.required
    )


def _removable(step: Step, state: State) -> bool:
    value = state.answers.get(step.key)
    return value not in (None, [], "") or bool(own_media(step, state))


def reads_numbers(flow: Flow, state: State) -> bool:
    """True where a number that is no option's is an answer (an amount, a year, a unit's code)."""
    step = current(flow, state)
    return step.kind in ("money", "date", "unit") and not state.meta.get("offer")


def _review_choices(flow: Flow, state: State) -> tuple[Choice, ...]:
    if state.meta.get("picking_edit"):
        fields = [Choice(f"edit:{s.key}", key=f"{flow.name}.{s.key}.label") for s in flow.questions]
        return (*fields, Choice("/back", key="choice.back"))
    return (
        Choice("/confirm", key="choice.confirm"),
        Choice("/edit", key="choice.edit"),
        Choice("/cancel", key="choice.later"),
        Choice("/back", key="choice.back"),
    )


def ask(flow: Flow, state: State, ctx: Context, lead: tuple[Reply, ...] = (), effects: tuple = ()) -> Result:
    """Reply with the current question (after `lead`), and save the draft where the flow keeps one."""
    state = state.with_meta(offer=None)
    step = current(flow, state)
    behalf = bool(state.meta.get("author"))  # the support team answering for a worker: "the worker's", not "your"
    if heard_here(flow, state):
        params = {"text": heard_here(flow, state), "label": f"{flow.name}.{step.key}.label"}
        prompt = Reply("hearing.heard", params, HEARD)
    elif step.kind == "review":
        key = "review.pick_field" if state.meta.get("picking_edit") else "review.summary"
        params = {"answers": dict(state.answers), "questions": [s.key for s in flow.questions], "behalf": behalf}
        prompt = Reply(key, params, choices(flow, state, ctx), actions=True)
    else:
        questions = [s for s in flow.questions if s.key not in _preset(state)]
        params = {
            "number": questions.index(step) + 1 if step in questions else 1,
            "total": len(questions),
            "current": _shown(state.answers.get(step.key)),
            "name": usable_name(ctx.display_name) or "",
            "behalf": behalf,
        }
        prompt = Reply(f"{flow.name}.{step.key}.prompt", params, choices(flow, state, ctx))
    return Result(state, (*lead, prompt), effects)


CURRENT_SHOWN = 160  # characters of an earlier answer repeated in its question: it must fit a phone screen


def _shown(value):
    return value[: CURRENT_SHOWN - 1] + "…" if isinstance(value, str) and len(value) > CURRENT_SHOWN else value


def handle(flow: Flow, state: State, event: Event, ctx: Context, intent: str | None) -> Result | None:
    """Read one event at the current step; None when the event is for the caller (a finished flow)."""
    step = current(flow, state)
    if intent == "/old_button":
        return ask(flow, state, ctx, lead=(Reply("error.old_button"),))
    if intent == "/out_of_range":
        return ask(flow, state, ctx, lead=(Reply("error.choose_one", {"count": len(choices(flow, state, ctx))}),))
    told = telling.of(state, step.key)
    said_wrong = event.kind == "text" and (lexicon.says_wrong(event.text) or lexicon.thumb(event.text) == "/no")
    if heard_here(flow, state):
        wrong = intent in ("/edit", "/no") or said_wrong
        if (intent == "/yes" or lexicon.thumb(event.text) == "/yes") and not wrong:
            return _heard_right(flow, state, ctx)
        if event.kind != "media":  # typed words correct them; a new note goes on with the same answer
            state = telling.ended(state)
        if wrong:  # "Sửa", "chưa đúng", "nói lại"
            return ask(flow, state, ctx, lead=(Reply("hearing.fix"),))
    elif told and telling.waiting(told) and (intent in ("/yes", "/wait") or said_wrong):
        return ask(flow, state, ctx, lead=(Reply("hearing.still"),))
    if intent == "/back":
        return back(flow, state, ctx)
    if intent == "/skip":
        return skip(flow, state, ctx)
    if intent == "/review_now" and _can_review(flow, state):
        return ask(flow, replace(state, step=flow.steps[-1].key), ctx, lead=(Reply("step.to_review"),))
    if intent == "/remove" and not step.required and step.kind != "review":
        return remove(flow, state, ctx)
    if intent == "/example":
        return ask(flow, state, ctx, lead=(Reply(f"{flow.name}.{step.key}.help"),))
    if intent == "/how_voice" and (step.accepts_media or state.meta.get("offer")):
        return ask(flow, state, ctx, lead=(Reply("offer.voice"),))
    if step.kind == "review":
        return _review(flow, state, intent, ctx)
    return outcome(flow, state, ctx, READERS[step.kind](step, state, event, ctx, intent))


def outcome(flow: Flow, state: State, ctx: Context, read) -> Result:
    """What a step's reading of an event (Accept, Stay, Reject, Explain, Offer, Pass) does to the form."""
    step = current(flow, state)
    if isinstance(read, Reject):
        params = read.params
        if read.reason == "choose_one":  # count what is on screen, Back and Skip included
            params = {**params, "count": len(choices(flow, state, ctx))}
        return ask(flow, state, ctx, lead=(Reply(f"error.{read.reason}", params),))
    if isinstance(read, Explain):
        return ask(flow, state, ctx, lead=(Reply(f"{flow.name}.{step.key}.help"),))
    if isinstance(read, Offer):
        offered = state.with_meta(offer=True, pending_amount=None)
        reply = Reply("offer.prompt", {"label": f"{flow.name}.{step.key}.label"}, OFFER)
        return Result(offered, (reply,))
    if isinstance(read, Pass):
        return skip(flow, state, ctx)
    if isinstance(read, Stay):
        new = read.state.with_meta(offer=None)
        last = replace(read.replies[-1], choices=choices(flow, new, ctx))
        return Result(new, (*read.replies[:-1], last), read.effects)
    return _accept(flow, state, read, ctx)


def _accept(flow: Flow, state: State, accepted: Accept, ctx: Context) -> Result:
    base = telling.ended((accepted.state or state).with_meta(pending_amount=None, candidates=None, offer=None))
    key = current(flow, state).key
    new = base.with_answer(key, accepted.value) if accepted.value not in (None, "") else _without(base, key)
    lead = (accepted.note,) if accepted.note else ()
    return move_on(flow, new, ctx, lead)


def _heard_right(flow: Flow, state: State, ctx: Context) -> Result:
    """"Đúng rồi": the words heard are the answer, the voice note kept beside them."""
    cleared = telling.ended(state)
    checked = checked_text(current(flow, state), heard_here(flow, state))
    if isinstance(checked, Reject):  # longer than the question takes, say: typed or said again
        return ask(flow, cleared, ctx, lead=(Reply(f"error.{checked.reason}", checked.params),))
    return _accept(flow, cleared, Accept(checked.value, Reply("hearing.kept")), ctx)


def _without(state: State, key: str) -> State:
    """Answered by a voice note or a file alone: no words are kept for the step."""
    return replace(state, answers={k: v for k, v in state.answers.items() if k != key or k == "attachments"})


def move_on(flow: Flow, state: State, ctx: Context, lead: tuple[Reply, ...] = ()) -> Result:
    if state.meta.get("editing"):
        return ask(flow, replace(state, step=flow.steps[-1].key).with_meta(editing=None), ctx, lead)
    following = _neighbour(flow, state, +1)
    if following is None:
        return Result(replace(state, step=None), lead)  # finished: the engine completes the flow
    return ask(flow, replace(state, step=following.key), ctx, lead)


def back(flow: Flow, state: State, ctx: Context) -> Result:
    state = state.with_meta(pending_amount=None, candidates=None)
    if state.meta.get("picking_edit"):
        return ask(flow, state.with_meta(picking_edit=None), ctx)
    if state.meta.get("editing"):
        return ask(flow, replace(state, step=flow.steps[-1].key).with_meta(editing=None), ctx)
    previous = _neighbour(flow, state, -1)
    if previous is None:
        return ask(flow, state, ctx, lead=(Reply("error.first_step"),))
    return ask(flow, replace(state, step=previous.key), ctx)


def skip(flow: Flow, state: State, ctx: Context) -> Result:
    """Move on without a new answer; an answer given before is kept (to remove it there is /remove)."""
    step = current(flow, state)
    if step.kind == "review" or (step.required and not answered(step, state.answers)):
        return ask(flow, state, ctx, lead=(Reply("error.required"),))
    note = "step.kept" if answered(step, state.answers) else "step.skipped"
    return move_on(flow, state.with_meta(pending_amount=None, candidates=None), ctx, lead=(Reply(note),))


def remove(flow: Flow, state: State, ctx: Context) -> Result:
    """Take back an optional answer on purpose, files of this step included."""
    step = current(flow, state)
    answers = {k: v for k, v in state.answers.items() if k not in (step.key, "attachments")}
    files = [a for a in state.answers.get("attachments", []) if a["field"] != step.key]
    if files:
        answers["attachments"] = files
    cleared = replace(state, answers=answers).with_meta(pending_amount=None)
    return move_on(flow, cleared, ctx, lead=(Reply("step.removed"),))


def _review(flow: Flow, state: State, intent: str | None, ctx: Context) -> Result | None:
    if intent in ("/help", "/dont_know"):
        return ask(flow, state, ctx, lead=(Reply(f"{flow.name}.review.help"),))
    if intent == "/yes" and not state.meta.get("picking_edit"):  # "ok", "đúng rồi" at the summary: send it
        intent = "/confirm"
    if intent == "/edit":
        return ask(flow, state.with_meta(picking_edit=True), ctx)
    if intent and intent.startswith("edit:") and intent[5:] in {s.key for s in flow.questions}:
        edited = replace(state, step=intent[5:]).with_meta(picking_edit=None, editing=True)
        return ask(flow, edited, ctx)
    if intent == "/confirm" and not state.meta.get("picking_edit"):
        missing = next((s for s in flow.questions if s.required and not answered(s, state.answers)), None)
        if missing is not None:
            moved = replace(state, step=missing.key).with_meta(editing=True)
            return ask(flow, moved, ctx, lead=(Reply("error.missing", {"label": f"{flow.name}.{missing.key}.label"}),))
        return None
    return ask(flow, state, ctx, lead=(Reply("error.choose_one", {"count": len(choices(flow, state, ctx))}),))


def draft_effect(before: State, after: State) -> tuple[SaveDraft, ...]:
    """Every change to a draft's answers or place is saved at once: nothing typed is lost."""
    if before.answers == after.answers and before.step == after.step:
        return ()
    # An edit started from the review resumes at the review, where every answer is in sight.
    step = "review" if after.meta.get("editing") or after.meta.get("picking_edit") else after.step
    return (SaveDraft(dict(after.answers), step),)
