"""Help requests ("Cần hỗ trợ"): to the nearest support team up the tree, taken once, relayed, escalated.

A worker's request reaches every member of the support team (Tổ hỗ trợ sáng kiến) of their
grassroots unit, or of the nearest unit above that has one. The first to take it ("Nhận hỗ trợ")
has it; the others are told. Then the two talk through the bot (handlers/help_chat.py for the
worker's side), and the helper can continue the worker's draft on their behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.flows import SUBMISSION
from conversations.attachments import sent_along
from conversations.model import Choice, Reply, State
from handlers import help_chat, notices
from handlers.screen_state import ScreenState
from handlers.staff import Call, Step, intent_on_screen, refuse, screen, staff_menu
from storage.models import HelpRequest
from storage.repositories import Transaction
from storage.repositories.answers import answers_of

LIST_SIZE = 8
MAX_RELAY = 2000


@dataclass(frozen=True)
class Relaying(ScreenState):
    request: int  # the help request taken: the supporter's words go to its worker


async def route(tx: Transaction, request: HelpRequest, now: datetime, *, above: int | None = None) -> bool:
    """Hand a request to the nearest support team (above unit `above` when escalating); False if none."""
    unit = await tx.units.get(request.unit_id) if request.unit_id else None
    team = await tx.help_requests.support_team(unit.path, above=above) if unit else None
    if team is None:
        return False
    routed_to, members = team
    await tx.help_requests.route(request, routed_to.id, now)
    draft = await tx.initiatives.get(request.initiative_id) if request.initiative_id else None
    params = {
        "id": request.id,
        "name": request.name,
        "unit": unit.name,
        "step": request.step,
        "answers": answers_of(draft) if draft else {},
        "escalated": above is not None,
    }
    for member in members:
        await notices.to_member(tx, member, Reply("helpdesk.incoming", params), f"help:{request.id}:{routed_to.id}")
    return True


async def waiting(call: Call, lead: tuple = ()) -> Step:
    roots = call.scope.units("review")
    if not roots:
        return refuse()
    rows = await call.tx.help_requests.waiting(roots, LIST_SIZE)
    if not rows:
        return staff_menu(call, lead=(*lead, Reply("helpdesk.none")))
    offered = []
    for request, unit in rows:
        taker = await call.tx.members.get(request.taken_by_id) if request.taken_by_id else None
        params = {"id": request.id, "name": request.name, "unit": unit.name if unit else "", "step": request.step, "taken_by": taker.name if taker else None}
        offered.append(Choice(f"take:{request.id}", key="helpdesk.item", params=params))
    reply = Reply("helpdesk.list", {"count": len(rows)}, (*offered, Choice("/canbo", key="choice.back")))
    return screen("requests", [*lead, reply])


async def take(call: Call, request_id: int | None) -> Step:
    request = await call.tx.help_requests.get(request_id) if request_id else None
    if request is None:
        return refuse("helpdesk.unknown")
    unit = await call.tx.units.get(request.unit_id) if request.unit_id else None
    if unit is None or not call.scope.can("review", unit.path):
        return refuse("helpdesk.outside_scope")
    if request.taken_by_id == call.member.id and request.status == "taken":
        return _relaying(request)  # its text says whom they are helping
    if not await call.tx.help_requests.take(request.id, call.member.id, call.now):
        taker = await call.tx.members.get(request.taken_by_id) if request.taken_by_id else None
        return await waiting(call, lead=(Reply("helpdesk.taken_already", {"name": request.name, "taken_by": taker.name if taker else None}),))
    await call.tx.session.refresh(request)
    await help_chat.taken(call.tx, request)
    helper = {"helper": call.member.name, "name": request.name, "id": request.id}
    told = Reply("helpdesk.taken_for_worker", helper, (help_chat.END,))
    await notices.to_chat(call.tx, request.channel, request.chat_id, await _locale_of(call.tx, request), told, f"help-taken:{request.id}")
    team = await call.tx.help_requests.support_team(unit.path) if unit else None
    for other in (team[1] if team else []):
        if other.id != call.member.id:
            await notices.to_member(call.tx, other, Reply("helpdesk.taken_by_other", helper), f"help-taken:{request.id}")
    draft = await call.tx.initiatives.get(request.initiative_id) if request.initiative_id else None
    return _relaying(request, lead=sent_along(answers_of(draft)) if draft else ())


def _relaying(request: HelpRequest, lead: tuple = ()) -> Step:
    offered = [Choice("/done", key="choice.assess.help_done"), Choice("/canbo", key="choice.back")]
    if request.initiative_id and request.member_id:
        offered.insert(0, Choice("/continue", key="choice.assess.help_continue_draft"))
    reply = Reply("helpdesk.relaying", {"name": request.name}, tuple(offered))
    return Relaying(request.id).screen("relay", [*lead, reply])


async def relay(call: Call) -> Step:
    """On the relay screen: words, voice notes and photos go to the worker; only the options shown act
    ("ok", "cảm ơn" are words for the worker); Done closes the request; Continue opens their draft."""
    request = await call.tx.help_requests.get(Relaying.from_meta(call.state.meta).request)
    if request is None or request.taken_by_id != call.member.id or request.status != "taken":
        return staff_menu(call, lead=(Reply("helpdesk.not_yours"),))
    intent = call.intent if call.event.kind in ("command", "choice") else intent_on_screen(call.state, call.event, call.locale, words=False)
    if intent == "/done":
        await help_chat.end(call.tx, request, call.now, by_worker=False)
        told = Reply("helpdesk.closed_for_worker", {"helper": call.member.name})
        await help_chat.resume(call.tx, request, call.ctx, told)
        return staff_menu(call, lead=(Reply("helpdesk.closed", {"name": request.name}),))
    if intent == "/canbo":
        return staff_menu(call)
    if intent == "/continue" and request.initiative_id and request.member_id:
        return await _continue_draft(call, request)
    media = call.event.media if call.event.kind == "media" else None
    text = (media.caption or "" if media else call.event.text if call.event.kind == "text" else "").strip()
    if intent is not None or not (text or media):
        return _relaying(request, lead=(Reply("helpdesk.relay_hint"),))
    if len(text) > MAX_RELAY:
        return _relaying(request, lead=(Reply("helpdesk.relay_too_long", {"max": MAX_RELAY}),))
    words = Reply("helpdesk.relayed", {"helper": call.member.name, "text": text, "kind": media.kind if media else None}, (help_chat.END,))
    purpose = f"relay:{call.incoming.channel}:{call.incoming.update_id or call.now.isoformat()}"
    locale = await _locale_of(call.tx, request)
    await notices.to_chat(call.tx, request.channel, request.chat_id, locale, words, purpose, media=media.as_answer("relay") if media else None)
    return _relaying(request, lead=(Reply("helpdesk.relay_sent", {"name": request.name}),))


async def _continue_draft(call: Call, request: HelpRequest) -> Step:
    from handlers.on_behalf import open_form  # the form for a worker, shared with "Nhập hộ"

    draft = await call.tx.initiatives.get(request.initiative_id)
    worker = await call.tx.members.get(request.member_id)
    unit = await call.tx.units.get(worker.unit_id) if worker and worker.unit_id else None
    if draft is None or worker is None or draft.status not in ("draft", "needs_changes") or draft.author_id != worker.id:
        return _relaying(request, lead=(Reply("error.gone"),))
    if unit is None or not call.scope.can("submit_on_behalf", unit.path):
        return refuse()
    steps = {s.key for s in SUBMISSION.steps}
    step = draft.current_step if draft.current_step in steps else "title"
    state = State(flow="submit", step=step, answers=answers_of(draft), meta={"draft": draft.id})
    return open_form(call, worker, state)


async def _locale_of(tx: Transaction, request: HelpRequest) -> str:
    worker = await tx.members.get(request.member_id) if request.member_id else None
    return worker.locale if worker else "vi"  # asked while registering: the default language


async def escalate_overdue(tx: Transaction, now: datetime, routed_before: datetime) -> int:
    """Hand every request nobody took in time to the next support team up; how many moved."""
    moved = 0
    for request in await tx.help_requests.overdue(routed_before):
        if await route(tx, request, now, above=request.routed_unit_id):
            moved += 1
        else:
            request.routed_at = now  # nobody above: asked again after another wait, not every round
    return moved
