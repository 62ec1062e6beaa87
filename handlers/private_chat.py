"""A person's private chat: an invite, a help chat in progress, an officer's screen, or the worker's conversation.

The engine is asked once (what it needs, then its step); it reads a pressed button itself and hands an
officer's command word over to the staff screens (`Result.handover`).
"""

from __future__ import annotations

from dataclasses import replace

from conversations import engine, form, menu, telling
from conversations.flows import FLOWS
from conversations.model import Event, Reply, Result, State
from handlers import effects, help_chat, invites, replies, routes, staff, staff_desk
from handlers.turn import Turn, context, fill, locale_of, scope_of, with_conversation
from messaging.messages import Outgoing
from storage.models import Member

DESK = frozenset(routes.DESK)


async def answer(turn: Turn) -> list[Outgoing]:
    event, member = turn.event, turn.member
    invite = invites.token_of(event.args) if event.kind == "command" and event.command == "start" else None
    if invite and member is not None:
        turn = await with_conversation(turn, DESK)
        shown = await _invited(turn, member, invite)
        await replies.save(turn, shown.state)
        return await replies.send(turn, list(shown.replies), member.locale)
    if invite:  # registration first; the invite is used as soon as the person is registered
        turn = replace(turn, event=Event("command", text="/start", command="start"))
    turn = await with_conversation(turn, DESK)
    if turn.event.kind == "heard":  # the transcriber's words: the conversation's, never a screen's or a helper's input
        return await _heard(turn)
    lead: list[Reply] = []
    if turn.state.meta.get("relay"):  # a supporter has taken this worker's help request: the two are talking
        relayed = await help_chat.from_worker(turn, turn.state.meta["relay"])
        if relayed is not None:
            return await replies.send(turn, relayed)
        lead = [Reply("helpchat.ended")]
        if turn.event.kind != "command":  # ended with its button: back to where the worker was
            turn = replace(turn, event=Event("command", text="/resume", command="resume"))
        turn = replace(turn, state=turn.state.with_meta(relay=None))
    if staff.is_staff_state(turn.state):
        intent = staff.intent_on_screen(turn.state, turn.event, turn.locale)
        if intent not in engine.LEAVING:
            return await desk(turn, intent)
        turn = replace(turn, state=State(), event=Event("command", text=intent, command=intent[1:]))
    turn = replace(turn, ctx=await fill(turn, turn.ctx, engine.needs(turn.state, turn.event), turn.member))
    result = engine.step(turn.state, turn.event, turn.ctx)
    if result.handover is not None:
        return await desk(turn, result.handover)
    return await _stepped(turn, result, invite, lead)


async def _heard(turn: Turn) -> list[Outgoing]:
    """Words heard in a voice note: offered where the worker still waits at its question; kept quietly beside the
    note while they talk with a supporter (the words would come between the two)."""
    if turn.state.meta.get("relay"):
        turn = replace(turn, state=telling.ended(turn.state))
    turn = replace(turn, ctx=await fill(turn, turn.ctx, engine.needs(turn.state, turn.event), turn.member))
    return await _stepped(turn, engine.step(turn.state, turn.event, turn.ctx), None, [])


async def _stepped(turn: Turn, result: Result, invite: str | None, lead: list[Reply]) -> list[Outgoing]:
    """The engine's effects carried out, the state saved, the replies queued in the language now spoken."""
    outcome = await effects.apply(turn, result.effects, effects.Outcome(result.state, turn.member))
    final = outcome.state
    pending_invite = turn.state.meta.get("invite") or invite
    if pending_invite and turn.member is None and outcome.member is not None:  # registered: the menu it opens
        shown = await _invited(turn, outcome.member, pending_invite)
        kept = [r for r in result.replies if r.key != "menu.main"]  # drawn before the role was given
        result = replace(result, state=shown.state, replies=(*kept, *shown.replies))
        final = shown.state
    elif pending_invite and final.flow == "register":
        final = final.with_meta(invite=pending_invite)
    await replies.save(turn, final)
    locale = locale_of(turn.options, outcome.member, final)
    return await replies.send(turn, [*lead, *outcome.replies, *result.replies], locale)


async def _invited(turn: Turn, member: Member, token: str) -> Result:
    """Use an invite, then the main menu with the work it opens ("Công việc cán bộ")."""
    accepted = await invites.accept(turn.tx, member, token, turn.now)
    scope = await scope_of(turn.tx, member)  # the invite has just given a role
    ctx = await context(turn, member, scope, member.locale, DESK)
    ctx = await fill(turn, ctx, {"items"}, member)
    return menu.menu(ctx, lead=(accepted,))


def _may_open(route: routes.Route, turn: Turn) -> bool:
    return routes.allowed(route, turn) and (route.opens is not staff_desk.menu or bool(turn.ctx.powers))


async def desk(turn: Turn, intent: str | None) -> list[Outgoing]:
    """An officer's or support member's screen: opened by its command word, or the one they are on reads
    the message (where typed words are content, only a command or a press opens another)."""
    call = staff.Call(turn, intent, routes.DESK_MENU)
    flow = turn.state.flow if staff.is_staff_state(turn.state) else None
    explicit = turn.event.kind in ("command", "choice") or flow not in staff_desk.FREE_TEXT
    route = routes.DESK.get(intent or "")
    asked = FLOWS.get(turn.state.flow or "") if flow is None and turn.state.step else None
    if asked is not None and route is not None and not _may_open(route, turn):
        # A worker's stray officer command in the middle of the form: refused, and the question asked again.
        again = form.ask(asked, turn.state, turn.ctx, lead=(Reply("staff.not_allowed"),))
        return await replies.send(turn, list(again.replies))
    if flow is None or (route is not None and explicit):
        done = await (route.opens if route is not None else staff_desk.menu)(call)
    else:
        done = await staff_desk.ON_SCREEN[flow](call)
    await replies.save(turn, done.state)
    return await replies.send(turn, done.replies)
