"""The worker's side of a help request once a supporter has taken it: a two-way chat, then back to the draft.

While the request is taken, the worker's conversation carries `relay` (the request's id) in its
state: whatever the worker sends goes to the supporter, marked as a relay, and never into the
draft. Either side ends it ("Kết thúc hỗ trợ" / "Đã hỗ trợ xong"); the worker then gets the
question they stopped at, with the draft as it is now (the supporter may have filled some of it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from conversations import engine, form, menu, reading
from conversations.flows import FLOWS, REGISTRATION
from conversations.model import Choice, Context, Event, MemberRef, Reply, State, UnitRef
from handlers import notices
from handlers.turn import Turn, own_items
from messaging import render
from storage.models import HelpRequest, Member
from storage.repositories import Transaction

END = Choice("/end_help", key="choice.help_chat.end")
MAX_RELAY = 2000


async def taken(tx: Transaction, request: HelpRequest) -> None:
    """The supporter took it: from now on the worker's messages go to them."""
    row = await tx.conversations.load(request.channel, request.chat_id, request.chat_id)
    meta = {**(row.meta if row else {}), "relay": request.id}
    await _save(tx, request, row, State(row.flow, row.step, row.answers or {}, meta) if row else State(meta=meta))


async def from_worker(turn: Turn, request_id: int) -> list[Reply] | None:
    """Relay what the worker sent; None when the chat is over (ended here, or already ended by the supporter)."""
    tx, event, locale, now = turn.tx, turn.event, turn.locale, turn.now
    update = turn.incoming.update_id or now.isoformat()
    request = await tx.help_requests.get(request_id)
    if request is None or request.status != "taken":
        return None
    if event.kind == "command" or _picked(event, locale):
        await end(tx, request, now, by_worker=True)
        return None
    helper = await tx.members.get(request.taken_by_id)
    if event.kind == "other" or helper is None:
        return [Reply("helpchat.unreadable", {}, (END,))]
    text = event.media.caption or "" if event.media else event.text
    if len(text) > MAX_RELAY:
        return [Reply("helpdesk.relay_too_long", {"max": MAX_RELAY}, (END,))]
    params = {"name": request.name, "id": request.id, "text": text, "kind": event.media.kind if event.media else None}
    media = event.media.as_answer("relay") if event.media else None
    await notices.to_member(tx, helper, Reply("helpchat.from_worker", params), f"relay-in:{request.id}:{update}", media=media)
    return [Reply("helpchat.relayed", {"helper": helper.name}, (END,))]


def _picked(event: Event, locale: str) -> bool:
    """The one option on the worker's screen, by press, number or words ("Kết thúc hỗ trợ")."""
    if event.kind == "choice":
        return event.text == END.value
    if event.kind != "text":
        return False
    by_number = reading.numbered_pick(event.text, (END,), reads_numbers=True)
    return END.value in (by_number, render.pressed(event.text, (END,), locale))


async def end(tx: Transaction, request: HelpRequest, now: datetime, *, by_worker: bool) -> None:
    """Close the chat on both sides; the one who did not end it is told."""
    await tx.help_requests.close(request, now)
    helper = await tx.members.get(request.taken_by_id) if request.taken_by_id else None
    if by_worker and helper is not None:
        told = Reply("helpchat.ended_by_worker", {"name": request.name, "id": request.id})
        await notices.to_member(tx, helper, told, f"help-ended:{request.id}")
    row = await tx.conversations.load(request.channel, request.chat_id, request.chat_id)
    if row is not None and (row.meta or {}).get("relay"):
        meta = {k: v for k, v in row.meta.items() if k != "relay"}
        await _save(tx, request, row, State(row.flow, row.step, row.answers or {}, meta))


async def resume(tx: Transaction, request: HelpRequest, base: Context, lead: Reply) -> None:
    """After the supporter ended it: the worker's question again, with the draft as it now stands."""
    row = await tx.conversations.load(request.channel, request.chat_id, request.chat_id)
    worker = await tx.members.get(request.member_id) if request.member_id else None
    state = State(row.flow, row.step, row.answers or {}, row.meta or {}) if row else State()
    ctx = await _context_of(tx, worker, base)
    state = engine.synced(state, ctx, follow=True)
    flow = FLOWS.get(state.flow or "")
    if flow is not None and state.step is not None and (flow is not REGISTRATION or worker is None):
        asked = form.ask(flow, state, ctx, lead=(lead,))
    else:
        asked = menu.menu(ctx, lead=(lead,))
    await _save(tx, request, row, asked.state)
    locale = worker.locale if worker else state.answers.get("language") or "vi"  # still registering
    for n, reply in enumerate(asked.replies):
        await notices.to_chat(tx, request.channel, request.chat_id, locale, reply, f"help-resume:{request.id}:{n}")


async def _context_of(tx: Transaction, worker: Member | None, base: Context) -> Context:
    if worker is None:
        return replace(base, member=None, items=None, display_name="")
    unit = await tx.units.get(worker.unit_id) if worker.unit_id else None
    unit_ref = UnitRef(unit.id, unit.code, unit.name) if unit else None
    member = MemberRef(worker.id, worker.name, unit_ref)
    return replace(base, member=member, display_name=worker.name, items=await own_items(tx, worker.id), powers=frozenset())


async def _save(tx: Transaction, request: HelpRequest, row, state: State) -> None:
    await tx.conversations.save(
        row, channel=request.channel, chat_id=request.chat_id, user_id=request.chat_id,
        flow=state.flow, step=state.step, answers=dict(state.answers), meta=dict(state.meta),
    )

