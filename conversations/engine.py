"""The engine: one pure step from (state, event, context) to (state, replies, effects).

It never does I/O. Whatever it needs from storage it declares in `needs()`, and the
handler puts it in the Context; whatever must be stored it returns as effects.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from conversations import form, menu
from conversations.flows import REGISTRATION, SUBMISSION
from conversations.model import (
    Choice,
    Context,
    Event,
    MemberRef,
    Register,
    Reply,
    RequestHelp,
    Result,
    SaveDraft,
    SetPhone,
    State,
    Submit,
    UnitRef,
)
from conversations.text import fold
from conversations.vocabulary import command_for

LEAVING = {"/cancel", "/mine", "/menu", "/start", "/new", "/language"}
GLOBAL = LEAVING | {"/help", "/support"}
FORMS = {"register": REGISTRATION, "submit": SUBMISSION}


def needs(state: State, event: Event) -> set[str]:
    """What the Context must carry for this event: 'units' (search), 'items' (own initiatives), 'deep_link'."""
    wanted: set[str] = set()
    if event.kind == "command" and event.command == "start" and event.args:
        wanted.add("deep_link")
    if state.flow == "register":
        if state.step == "unit" and event.kind == "text":
            wanted.add("units")
        return wanted
    wanted.add("items")  # the menu drawn after any step must number what it shows the same way next time
    return wanted


def step(state: State, event: Event, ctx: Context) -> Result:
    result = _step(state, event, ctx)
    after = result.state
    effects = result.effects
    same_draft = state.flow == after.flow == "submit" and state.meta.get("draft") == after.meta.get("draft")
    if same_draft:
        effects = (*form.draft_effect(state, after), *effects)
    if state.flow == "submit" and state.meta.get("author"):  # the support team entering it for a worker
        author = state.meta["author"]
        effects = tuple(replace(e, for_member=author) if isinstance(e, (SaveDraft, Submit)) else e for e in effects)
    if after.flow is not None:
        after = after.with_meta(at=ctx.now.isoformat())
    return Result(after, result.replies, effects)


def _step(state: State, event: Event, ctx: Context) -> Result:
    if event.kind == "contact":
        return _contact(state, event, ctx)
    if ctx.member is None:
        return _unregistered(state, event, ctx)
    if event.kind == "other":
        return _again(state, ctx, Reply("error.unsupported"))
    intent = intent_of(state, event, ctx)
    if state.flow == "submit":
        return _in_submission(state, event, ctx, intent)
    if state.flow == "register":  # registered elsewhere meanwhile (another chat): nothing left to ask
        return menu.menu(ctx)
    if intent in GLOBAL:  # the menu's own words work from every screen
        return _global(intent, ctx) or menu.menu(ctx)
    return menu.screen(state, intent, ctx) or _global(intent, ctx) or menu.menu(ctx)


def intent_of(state: State, event: Event, ctx: Context) -> str | None:
    """What the event means as a choice or a command word, if anything."""
    if event.kind == "command":
        return "/" + event.command
    if event.kind == "choice":
        return event.text
    if event.kind != "text":
        return None
    shown = offered(state, ctx)
    text = event.text.strip()
    if text.isdecimal() and shown and _picking(state):
        number = int(text)
        return shown[number - 1].value if 1 <= number <= len(shown) else "/out_of_range"
    folded = fold(text)
    literal = next((c.value for c in shown if c.label and fold(c.label) == folded), None)
    return literal or command_for(text)


def offered(state: State, ctx: Context) -> tuple[Choice, ...]:
    """The choices on screen in this state: a pressed button's label maps back to one of these."""
    flow = FORMS.get(state.flow or "")
    if flow is not None:
        return form.choices(flow, state, ctx) if state.step else ()
    return menu.shown(state, ctx)


def _picking(state: State) -> bool:
    flow = FORMS.get(state.flow or "")
    return form.selecting(flow, state) if flow is not None and state.step else True


def _global(intent: str | None, ctx: Context) -> Result | None:
    if intent == "/new":
        return form.ask(SUBMISSION, State(flow="submit", step="title"), ctx, lead=(Reply("submit.start"),))
    if intent == "/mine":
        return menu.my_items(ctx)
    if intent == "/language":
        return menu.language()
    if intent == "/help":
        return menu.menu(ctx, lead=(Reply("help.general"),))
    if intent == "/support":
        return menu.menu(ctx, lead=(Reply("support.sent"),), effects=(RequestHelp(None, None),))
    if intent and intent.startswith("open:"):
        return menu.open_draft(intent[5:], ctx)
    if intent == "/continue":
        drafts = [i for i in ctx.items or () if i.status == "draft"]
        return menu.open_draft(drafts[0].id, ctx) if drafts else menu.menu(ctx, lead=(Reply("mine.empty"),))
    if intent == "/out_of_range":
        return menu.menu(ctx, lead=(Reply("error.choose_one", {"count": 0}),))
    return None


def _in_submission(state: State, event: Event, ctx: Context, intent: str | None) -> Result:
    step_key = state.step or "title"
    if intent in ("/cancel", "/menu"):
        kept = Reply("draft.kept" if state.meta.get("draft") else "draft.nothing_kept")
        return menu.menu(ctx, lead=(kept,))
    if intent in ("/mine", "/new", "/language") or (intent or "").startswith("open:"):
        return _global(intent, ctx) or menu.menu(ctx)
    welcome = Reply("draft.welcome_back", {"title": state.answers.get("title")})
    if intent in ("/start", "/greet"):
        return form.ask(SUBMISSION, state, ctx, lead=(welcome,) if _away_long(state, ctx) or intent == "/start" else ())
    if _away_long(state, ctx):  # an answer after a long silence is taken, with a reminder of where we are
        taken = _in_submission(state.with_meta(at=None), event, ctx, intent)
        return replace(taken, replies=(welcome, *taken.replies))
    if intent == "/help":
        return form.ask(SUBMISSION, state, ctx, lead=(Reply(f"submit.{step_key}.help"),))
    if intent == "/support":
        effect = RequestHelp(step_key, state.meta.get("draft"))
        return form.ask(SUBMISSION, state, ctx, lead=(Reply("support.sent"),), effects=(effect,))
    if event.kind == "other":
        return _again(state, ctx, Reply("error.unsupported"))
    result = form.handle(SUBMISSION, state, event, ctx, intent)
    if result is None:  # confirmed at the review
        submitted = Submit(state.meta.get("draft"), dict(state.answers))
        return menu.menu(menu.without(ctx, state.meta.get("draft")), effects=(submitted,))
    return result


def _contact(state: State, event: Event, ctx: Context) -> Result:
    """A shared phone contact: kept only when it is the sender's own number."""
    if event.args != "own":
        return _again(state, ctx, Reply("contact.not_own"))
    if ctx.member is None:  # kept until registration completes
        state = state if state.flow == "register" else _start_registration(ctx).state
        return _again(state.with_answer("phone", event.text), ctx, Reply("contact.saved"))
    return replace(_again(state, ctx, Reply("contact.saved")), effects=(SetPhone(event.text),))


def _away_long(state: State, ctx: Context) -> bool:
    at = state.meta.get("at")
    return bool(at) and ctx.now - datetime.fromisoformat(at) > ctx.resume_after


def _again(state: State, ctx: Context, lead: Reply) -> Result:
    flow = FORMS.get(state.flow or "")
    if flow is not None and state.step is not None:
        return form.ask(flow, state, ctx, lead=(lead,))
    return menu.menu(ctx, lead=(lead,))


def _unregistered(state: State, event: Event, ctx: Context) -> Result:
    if state.flow != "register":
        return _start_registration(ctx)
    if event.kind == "command" and event.command == "start" and ctx.deep_link_unit:
        return _start_registration(ctx, answers=state.answers)
    if event.kind == "other":
        return _again(state, ctx, Reply("error.unsupported"))
    intent = intent_of(state, event, ctx)
    if intent == "/help":
        return form.ask(REGISTRATION, state, ctx, lead=(Reply(f"register.{state.step}.help"),))
    if intent == "/support":
        return form.ask(REGISTRATION, state, ctx, lead=(Reply("support.sent"),), effects=(RequestHelp(state.step, None),))
    if intent in LEAVING:
        return form.ask(REGISTRATION, state, ctx, lead=(Reply("register.first"),))
    result = form.handle(REGISTRATION, state, event, ctx, intent)
    if result is None or result.state.step is not None:
        return result or form.ask(REGISTRATION, state, ctx)
    answers = result.state.answers
    registered = Register(
        answers["name"], answers["unit"]["id"], answers["target_group"], answers["language"], answers.get("phone")
    )
    done = Reply("register.done", {"name": answers["name"], "unit": answers["unit"]["name"]})
    unit = answers["unit"]
    member = MemberRef(0, answers["name"], UnitRef(unit["id"], unit["code"], unit["name"]))
    return menu.menu(replace(ctx, member=member), lead=(*result.replies, done), effects=(registered,))


def _start_registration(ctx: Context, answers=None) -> Result:
    state = State(flow="register", step="language", answers=dict(answers or {}))
    lead = [Reply("register.welcome")]
    if ctx.deep_link_unit is not None:
        unit = ctx.deep_link_unit
        state = replace(state, meta={"preset": ["unit"]}).with_answer(
            "unit", {"id": unit.id, "code": unit.code, "name": unit.name}
        )
        lead.append(Reply("register.unit_from_link", {"unit": unit.name}))
        if "language" in state.answers:
            state = replace(state, step="name")
    return form.ask(REGISTRATION, state, ctx, lead=tuple(lead))
