"""The walker: asks a flow's steps in order, reads answers, and handles back, skip and edit."""

from __future__ import annotations

from dataclasses import replace

from conversations.flows import Flow, Step
from conversations.inputs import READERS, Accept, Reject, Stay, options_for, usable_name
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
    if step.key in answers:
        return True
    return any(a["field"] == step.key for a in answers.get("attachments", []))


def choices(flow: Flow, state: State, ctx: Context) -> tuple[Choice, ...]:
    """What the current question offers, in the order shown (the numbers refer to it)."""
    step = current(flow, state)
    offered: list[Choice] = []
    if step.kind == "choice":
        for option in options_for(step, ctx):
            if step.options == "languages":
                offered.append(Choice(option, key=f"language.{option}"))
            else:
                offered.append(Choice(option, label=option))
    elif step.kind == "person_name" and usable_name(ctx.display_name):
        offered.append(Choice("/yes", key="choice.its_me", params={"name": usable_name(ctx.display_name)}))
    elif step.kind == "unit":
        offered += [Choice(f"unit:{c['id']}", label=c["name"]) for c in state.meta.get("candidates") or []]
    elif step.kind == "money" and state.meta.get("pending_amount") is not None:
        offered += [Choice("/yes", key="choice.yes"), Choice("/no", key="choice.retype")]
    elif step.kind == "names":
        offered.append(Choice("/done", key="choice.done"))
        if state.answers.get(step.key):
            offered.append(Choice("/clear", key="choice.clear"))
    elif step.kind == "media" or (step.accepts_media and _own_media(step, state)):
        offered.append(Choice("/done", key="choice.done"))
    elif step.kind == "review":
        return _review_choices(flow, state)
    if not step.required:
        offered.append(Choice("/skip", key="choice.skip"))
        if answered(step, state.answers) and _removable(step, state):
            offered.append(Choice("/remove", key="choice.remove"))
    elif answered(step, state.answers):
        offered.append(Choice("/skip", key="choice.keep"))
    if state.meta.get("editing") or _neighbour(flow, state, -1) is not None:
        offered.append(Choice("/back", key="choice.back"))
    return tuple(offered)


def _removable(step: Step, state: State) -> bool:
    value = state.answers.get(step.key)
    return value not in (None, [], "") or bool(_own_media(step, state))


def selecting(flow: Flow, state: State) -> bool:
    """True when the question is a pick from a list, so a bare number names an option."""
    step = current(flow, state)
    if step.kind == "money":
        return state.meta.get("pending_amount") is not None
    if step.kind == "unit":
        return bool(state.meta.get("candidates"))
    return step.kind in ("choice", "person_name", "review")


def _own_media(step: Step, state: State) -> list:
    return [a for a in state.answers.get("attachments", []) if a["field"] == step.key]


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
    step = current(flow, state)
    if step.kind == "review":
        key = "review.pick_field" if state.meta.get("picking_edit") else "review.summary"
        params = {"answers": dict(state.answers), "questions": [s.key for s in flow.questions]}
        prompt = Reply(key, params, choices(flow, state, ctx), pick=True, actions=True)
    else:
        questions = [s for s in flow.questions if s.key not in _preset(state)]
        params = {
            "number": questions.index(step) + 1 if step in questions else 1,
            "total": len(questions),
            "current": state.answers.get(step.key),
            "name": ctx.display_name,
        }
        prompt = Reply(f"{flow.name}.{step.key}.prompt", params, choices(flow, state, ctx), selecting(flow, state))
    return Result(state, (*lead, prompt), effects)


def handle(flow: Flow, state: State, event: Event, ctx: Context, intent: str | None) -> Result | None:
    """Read one event at the current step; None when the event is for the caller (a finished flow)."""
    step = current(flow, state)
    if intent == "/back":
        return back(flow, state, ctx)
    if intent == "/skip":
        return skip(flow, state, ctx)
    if intent == "/remove" and not step.required and step.kind != "review":
        return remove(flow, state, ctx)
    if step.kind == "review":
        return _review(flow, state, intent, ctx)
    outcome = READERS[step.kind](step, state, event, ctx, intent)
    if isinstance(outcome, Reject):
        params = outcome.params
        if outcome.reason == "choose_one":  # count what is on screen, Back and Skip included
            params = {**params, "count": len(choices(flow, state, ctx))}
        return ask(flow, state, ctx, lead=(Reply(f"error.{outcome.reason}", params),))
    if isinstance(outcome, Stay):
        new = outcome.state
        last = replace(outcome.replies[-1], choices=choices(flow, new, ctx), pick=selecting(flow, new))
        return Result(new, (*outcome.replies[:-1], last))
    return _accept(flow, state, outcome, ctx)


def _accept(flow: Flow, state: State, accepted: Accept, ctx: Context) -> Result:
    base = accepted.state or state
    new = base.with_answer(current(flow, state).key, accepted.value).with_meta(
        pending_amount=None, candidates=None
    )
    lead = (accepted.note,) if accepted.note else ()
    return move_on(flow, new, ctx, lead)


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
