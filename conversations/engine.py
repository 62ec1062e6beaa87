"""The engine: one pure step from (state, event, context) to (state, replies, effects).

It never does I/O. Whatever it needs from storage it declares in `needs()`, and the
handler puts it in the Context; whatever must be stored it returns as effects.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from conversations import form, hearing, menu, reading, telling
from conversations.flows import FLOWS, REGISTRATION, SUBMISSION
from conversations.model import (
    Context,
    Event,
    KeepTranscript,
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
from conversations import lexicon
from conversations.text import fold

# The words that leave any screen (a form's question, an officer's screen) for the worker's own screens.
LEAVING = frozenset({"/cancel", "/mine", "/menu", "/start", "/new", "/language", "/help"})
GLOBAL = LEAVING | {"/support"}
_LANGUAGE_WORDS = {"english": "en", "tieng anh": "en", "tieng viet": "vi", "vietnamese": "vi"}


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
    if event.kind == "heard":  # the transcriber's, not the person's: no word of it is read as a command
        result = hearing.heard(state, event, ctx)
    elif _a_number(event) and state.flow == "submit" and telling.too_soon(state, state.step or "", ctx.now):
        # "1" for "Xong" typed as the words arrived would confirm words never read: the choice is asked again
        return form.ask(SUBMISSION, state, ctx, lead=(Reply("hearing.read_first"),))
    else:
        event = reading.as_pressed(state, event, ctx)
        handover = _for_the_desk(state, event, ctx)
        if handover is not None:
            return Result(state, (), handover=handover)
        stored = synced(state, ctx, follow=event.kind == "command" and event.command == "resume")  # after help
        result = _step(stored, event, ctx)
        if stored is not state:  # changed elsewhere: the answer goes to the question the person saw, with a word
            result = replace(result, replies=(Reply("draft.updated"), *result.replies))
        state = stored
    after = result.state
    effects = result.effects
    same_draft = state.flow == after.flow == "submit" and state.meta.get("draft") == after.meta.get("draft")
    if same_draft:
        effects = (*form.draft_effect(state, after), *effects)
    if state.flow == "submit" and state.meta.get("author"):  # the support team entering it for a worker
        author = state.meta["author"]
        effects = tuple(replace(e, for_member=author) if isinstance(e, (SaveDraft, Submit, KeepTranscript)) else e
                        for e in effects)
    if after.flow is not None and event.kind != "heard":  # when the person last spoke
        after = after.with_meta(at=ctx.now.isoformat())
    if event.args != "hidden":  # a readable message ends a run of hidden ones
        after = after.with_meta(hidden=None)
    return Result(after, result.replies, effects)


def _for_the_desk(state: State, event: Event, ctx: Context) -> str | None:
    """The officers' screen a registered person's message opens (a command word anywhere; a pressed or typed
    word outside the forms, where typed answers are answers even when they look like one)."""
    if ctx.member is None or not ctx.desk:
        return None
    if event.kind != "command" and state.flow in ("submit", "register"):
        return None
    intent = reading.intent_of(state, event, ctx)
    return intent if intent in ctx.desk else None


def _step(state: State, event: Event, ctx: Context) -> Result:
    if event.kind == "contact":
        return _contact(state, event, ctx)
    if ctx.member is None:
        return _unregistered(state, event, ctx)
    if event.kind == "other":
        return _unreadable(state, event, ctx)
    intent = reading.intent_of(state, event, ctx)
    if state.flow == "submit":
        return _in_submission(state, event, ctx, intent)
    if state.flow == "register":  # registered elsewhere meanwhile (another chat): nothing left to ask
        return menu.menu(ctx)
    if intent in GLOBAL:  # the menu's own words work from every screen
        return _global(intent, ctx) or menu.menu(ctx)
    return menu.screen(state, intent, ctx) or _global(intent, ctx) or menu.menu(ctx)


def synced(state: State, ctx: Context, follow: bool = False) -> State:
    """The draft's answers as stored, when it changed elsewhere (the support team filled it, another chat).

    The person stays at the question they are looking at; `follow` takes them to where the draft
    stands instead (after a help chat, when they are shown the question anew).
    """
    item = menu.find_item(ctx, state.meta.get("draft")) if state.flow == "submit" else None
    if item is None or item.status not in menu.EDITABLE or state.meta.get("author"):
        return state
    if same_answers(item.answers, state.answers):
        return state
    steps = {s.key for s in SUBMISSION.steps}
    step_key = item.step if follow or state.step not in steps else state.step
    step_key = step_key if step_key in steps else menu.first_unanswered(item.answers)
    meta = {k: v for k, v in state.meta.items() if k not in ("pending_amount", "offer", "candidates", "picking_edit")}
    return State(flow="submit", step=step_key, answers=dict(item.answers), meta=meta)


def same_answers(one, other) -> bool:
    def canonical(answers) -> dict:
        kept = {k: v for k, v in answers.items() if v not in (None, "", []) and k != "attachments"}
        files = sorted((a["field"], a["ref"]) for a in answers.get("attachments") or [])
        return {**kept, "attachments": files}

    return canonical(one) == canonical(other)


def _known(intent: str | None, state: State, ctx: Context) -> bool:
    """A command the bot reads somewhere: a word's intent, a screen's choice, or a step's own."""
    return (intent in lexicon.ANSWERS or intent in lexicon.COMMANDS or intent in GLOBAL
            or any(choice.value == intent for choice in reading.offered(state, ctx)))


def _global(intent: str | None, ctx: Context) -> Result | None:
    if intent == "/new":
        return form.ask(SUBMISSION, State(flow="submit", step="title"), ctx, lead=(Reply("submit.start"),))
    if intent == "/mine":
        return menu.my_items(ctx)
    if intent == "/language":
        return menu.language()
    if intent in ("/help", "/dont_know"):
        return menu.menu(ctx, lead=(Reply("help.general"),))
    if intent == "/support":
        return menu.menu(ctx, effects=(RequestHelp(None, None),))  # the handler says whether it was sent
    if intent and intent.startswith("open:"):
        return menu.open_draft(intent[5:], ctx)
    if intent == "/continue":
        drafts = [i for i in ctx.items or () if i.status == "draft"]
        return menu.open_draft(drafts[0].id, ctx) if drafts else menu.menu(ctx, lead=(Reply("mine.empty"),))
    if intent == "/out_of_range":
        return menu.menu(ctx, lead=(Reply("error.choose_one", {"count": 0}),))
    if intent == "/thanks":
        return menu.menu(ctx, lead=(Reply("thanks.reply"),))
    return None


def _in_submission(state: State, event: Event, ctx: Context, intent: str | None) -> Result:
    step_key = state.step or "title"
    draft = state.meta.get("draft")
    gone = _sent_or_gone(state, ctx)
    if gone is not None:
        return menu.menu(ctx, lead=(gone,))
    if intent in ("/cancel", "/menu"):
        kept = Reply("draft.kept" if draft else "draft.nothing_kept")
        return menu.menu(ctx, lead=(kept,))
    if intent in ("/mine", "/new", "/language") or (intent or "").startswith("open:"):
        return _global(intent, ctx) or menu.menu(ctx)
    welcome = Reply("draft.welcome_back", {"title": state.answers.get("title")})
    if intent in ("/start", "/greet", "/resume"):
        away = _away_long(state, ctx) or intent == "/start"
        return form.ask(SUBMISSION, state, ctx, lead=(welcome,) if away else ())
    if _away_long(state, ctx) and (intent == "/continue" or _a_number(event)):
        return form.ask(SUBMISSION, state, ctx, lead=(welcome,))  # options shown long ago (or a reminder's "1")
    if _away_long(state, ctx):  # an answer after a long silence is taken, with a reminder of where we are
        taken = _in_submission(state.with_meta(at=None), event, ctx, intent)
        return replace(taken, replies=(welcome, *taken.replies))
    if intent == "/support":  # the support team entering it for a worker does not ask itself
        effects = () if state.meta.get("author") else (RequestHelp(step_key, draft),)
        return form.ask(SUBMISSION, state, ctx, effects=effects)
    if intent in ("/thanks", "/wait"):  # "cảm ơn", "chờ chút": kindly, and the question stays
        return form.ask(SUBMISSION, state, ctx, lead=(Reply("thanks.reply" if intent == "/thanks" else "draft.wait"),))
    if event.kind == "command" and not _known(intent, state, ctx):  # "/xyz": not an empty answer
        unknown = Reply("error.unknown_command", {"command": event.text.split()[0][:32]})
        return form.ask(SUBMISSION, state, ctx, lead=(unknown,))
    result = form.handle(SUBMISSION, state, event, ctx, intent)
    if result is None:  # confirmed at the review
        submitted = Submit(draft, dict(state.answers))
        return menu.menu(menu.without(ctx, draft), effects=(submitted,))
    return result


def _sent_or_gone(state: State, ctx: Context) -> Reply | None:
    """The draft was sent or deleted from another chat (or by the support team): say so."""
    draft = state.meta.get("draft")
    if not draft or state.meta.get("author") or ctx.items is None:
        return None
    item = menu.find_item(ctx, draft)
    if item is not None and item.status in menu.EDITABLE:
        return None
    return Reply("draft.gone", {"code": item.code if item else None})


def _a_number(event: Event) -> bool:
    return event.kind == "text" and reading.NUMBER.fullmatch(fold(event.text)) is not None


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
    flow = FLOWS.get(state.flow or "")
    if flow is not None and state.step is not None:
        return form.ask(flow, state, ctx, lead=(lead,))
    return menu.menu(ctx, lead=(lead,))


def _unreadable(state: State, event: Event, ctx: Context) -> Result:
    """A sticker, a location; or a message the platform hid from the bot (Zalo does, for some protected
    accounts): explained once, and the second time in a row the support team is asked to step in."""
    if event.args != "hidden":
        return _again(state, ctx, Reply("error.unsupported"))
    streak = int(state.meta.get("hidden") or 0) + 1
    unit = ctx.member.unit if ctx.member else (state.answers.get("unit") or None)
    effects = (RequestHelp(state.step, state.meta.get("draft")),) if streak == 2 and unit else ()
    lead = Reply("error.hidden", {"streak": streak})  # the handler says how asking the support team went
    result = _again(state, ctx, lead)
    return replace(result, state=result.state.with_meta(hidden=streak), effects=effects)


def _unregistered(state: State, event: Event, ctx: Context) -> Result:
    if state.flow != "register":
        started = _start_registration(ctx)
        if event.kind != "other":
            return started
        unread = _unreadable(started.state, event, ctx)  # the welcome, and why the first message was not read
        return replace(unread, replies=(started.replies[0], *unread.replies))
    if event.kind == "command" and event.command == "start" and ctx.deep_link_unit:
        return _start_registration(ctx, answers=state.answers)
    if event.kind == "other":
        return _unreadable(state, event, ctx)
    language = _LANGUAGE_WORDS.get(lexicon.normalize(event.text)) if event.kind == "text" else None
    if language is not None:  # "English", at any question of the registration
        moved = state.with_answer("language", language)
        return form.ask(REGISTRATION, moved, ctx, lead=(Reply("language.changed", {"locale": language}),))
    intent = reading.intent_of(state, event, ctx)
    if intent == "/support":
        return form.ask(REGISTRATION, state, ctx, effects=(RequestHelp(state.step, None),))
    if intent in LEAVING and intent != "/help":  # help at a question explains the question
        return form.ask(REGISTRATION, state, ctx, lead=(Reply("register.first"),))
    result = form.handle(REGISTRATION, state, event, ctx, intent)
    if result is None or result.state.step is not None:
        return result or form.ask(REGISTRATION, state, ctx)
    return _registered(state, result, ctx)


def _registered(state: State, result: Result, ctx: Context) -> Result:
    """Registered: straight on to the first initiative (an invited officer goes to the menu)."""
    answers = result.state.answers
    unit = answers["unit"]
    registered = Register(answers["name"], unit["id"], answers["target_group"], answers.get("language"), answers.get("phone"))
    done = Reply("register.done", {"name": answers["name"], "unit": unit["name"]})
    ctx = replace(ctx, member=MemberRef(0, answers["name"], UnitRef(unit["id"], unit["code"], unit["name"])), items=())
    if state.meta.get("invite"):
        return menu.menu(ctx, lead=(*result.replies, done), effects=(registered,))
    first = form.ask(SUBMISSION, State(flow="submit", step="title"), ctx, lead=(*result.replies, done, Reply("submit.first")))
    return replace(first, effects=(registered,))


def _start_registration(ctx: Context, answers=None) -> Result:
    state = State(flow="register", step="name", answers=dict(answers or {}))
    lead = [Reply("register.welcome")]
    if ctx.deep_link_unit is not None:
        unit = ctx.deep_link_unit
        state = replace(state, meta={"preset": ["unit"]}).with_answer(
            "unit", {"id": unit.id, "code": unit.code, "name": unit.name}
        )
        lead.append(Reply("register.unit_from_link", {"unit": unit.name}))
    return form.ask(REGISTRATION, state, ctx, lead=tuple(lead))
