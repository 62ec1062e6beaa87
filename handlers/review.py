"""Review (xét duyệt): the queue of a reviewer's subtree, one initiative with possible duplicates, decisions.

Decisions are valid (hợp lệ), needs changes (cần bổ sung, with a comment) and rejected (không hợp lệ,
with a reason). The author hears of each at once through the outbox, keyed by the review round, so
a decision reaches them exactly once however often the update is retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.attachments import sent_along
from conversations.model import Choice, Reply
from handlers import documents, duplicates, notices
from handlers.screen_state import ScreenState
from handlers.staff import Call, Step, refuse, screen, staff_menu, with_lead
from storage.authorship import wrote
from storage.repositories.answers import answers_of

QUEUE_SIZE = 8
MAX_REASON = 1000
ASKS_REASON = {"/needs_changes": "needs_changes", "/reject": "rejected"}


@dataclass(frozen=True)
class Reviewing(ScreenState):
    """One initiative under review: its screen, the confirmation of valid, the reason asked."""

    item: int
    decision: str | None = None  # needs_changes | rejected: what the reason asked is for


async def queue(call: Call, lead: tuple = ()) -> Step:
    roots = call.scope.units("review")
    if not roots:
        return refuse()
    own = await call.tx.initiatives.own_waiting(call.member, roots)  # left for another reviewer
    total, rows = await call.tx.initiatives.queue(roots, QUEUE_SIZE, exclude=own)
    lead = (*lead, Reply("assess.own_left", {"count": len(own)})) if own else lead
    if not total:
        return staff_menu(call, lead=(*lead, Reply("assess.queue_empty")))
    offered = [
        Choice(
            f"rv:{initiative.id}",
            key="assess.queue_item",
            params={"code": initiative.code, "title": initiative.title, "unit": unit.name, "days": _age(initiative.submitted_at, call.now)},
        )
        for initiative, _author, unit in rows
    ]
    reply = Reply("assess.queue", {"total": total, "shown": len(rows)}, (*offered, Choice("/canbo", key="choice.back")))
    return screen("queue", [*lead, reply])


async def show(call: Call, initiative_id: int, lead: tuple = (), files: bool = False) -> Step:
    """One initiative; `files`: its voice notes, photos and documents sent along (on opening it, not on every redraw)."""
    found = await call.tx.initiatives.with_author(initiative_id)
    if found is None or found[2] is None or found[0].status in ("draft", "deleted"):
        return with_lead(await queue(call), Reply("error.gone"))
    initiative, author, unit = found
    if not call.scope.can("view", unit.path):
        return refuse("assess.outside_scope", {"code": initiative.code})
    similar = await duplicates.similar_to(call.tx, initiative, unit, call.options.duplicate_threshold)
    entered_by = None
    if initiative.entered_by_id and initiative.entered_by_id != initiative.author_id:
        entered = await call.tx.members.get(initiative.entered_by_id)
        entered_by = entered.name if entered else None
    decision = await call.tx.initiatives.latest_decision(initiative.id)
    params = {
        "code": initiative.code,
        "status": initiative.status,
        "answers": answers_of(initiative),
        "author": author.name,
        "unit": unit.name,
        "entered_by": entered_by,
        "submitted_on": _local(initiative.submitted_at, call).strftime("%d/%m/%Y") if initiative.submitted_at else None,
        "note": decision.reason if decision else None,
        "similar": similar,
    }
    actions, own = [], initiative.status == "submitted" and wrote(initiative, call.member)
    lead = (*lead, Reply("assess.own", {"code": initiative.code})) if own else lead
    if initiative.status == "submitted" and call.scope.can("review", unit.path) and not own:
        actions = [Choice("/valid", key="choice.assess.valid"), Choice("/needs_changes", key="choice.assess.needs_changes"), Choice("/reject", key="choice.assess.reject")]
    actions += [Choice("/form", key="choice.assess.form"), Choice("/duyet", key="choice.back")]
    reply = Reply("assess.item", params, tuple(actions), actions=True)
    along = sent_along(params["answers"]) if files else ()
    return Reviewing(initiative.id).screen("reviewing", [*lead, *along, reply])


async def on_item(call: Call) -> Step:
    """A choice on the screen of one initiative."""
    item = Reviewing.from_meta(call.state.meta).item
    if call.intent in ("/valid", *ASKS_REASON) and await _own(call, item):
        return await show(call, item)  # typed "hợp lệ" where no button was offered: it says why
    if call.intent == "/valid":
        found = await call.tx.initiatives.with_author(item)
        params = {"code": found[0].code, "title": found[0].title} if found else {}
        reply = Reply("assess.confirm_valid", params, (Choice("/yes", key="choice.assess.yes_valid"), Choice("/no", key="choice.back")), actions=True)
        return Reviewing(item).screen("confirm_valid", [reply])
    if call.intent in ASKS_REASON:
        decision = ASKS_REASON[call.intent]
        reply = Reply(f"assess.ask_reason.{decision}", {}, (Choice("/back", key="choice.back"),))
        return Reviewing(item, decision).screen("reason", [reply])
    if call.intent == "/form":
        return await form(call, item)
    if call.intent in ("/duyet", "/back"):
        return await queue(call)
    return await show(call, item, lead=(Reply("error.choose_one", {"count": 0}),))


async def on_confirm(call: Call) -> Step:
    item = Reviewing.from_meta(call.state.meta).item
    if call.intent == "/yes":
        return await decide(call, item, "valid", None)
    return await show(call, item)


async def on_reason(call: Call) -> Step:
    """The comment of "needs changes" or the reason of a rejection: required, in words."""
    on = Reviewing.from_meta(call.state.meta)
    item, decision = on.item, on.decision
    if call.intent in ("/back", "/cancel"):
        return await show(call, item)
    text = call.event.text.strip() if call.event.kind == "text" else ""
    ask_again = Reply(f"assess.ask_reason.{decision}", {}, (Choice("/back", key="choice.back"),))
    if len(text) < 3 or call.intent is not None:
        return on.screen("reason", [Reply("assess.reason_required"), ask_again])
    if len(text) > MAX_REASON:
        return on.screen("reason", [Reply("assess.reason_too_long", {"max": MAX_REASON}), ask_again])
    return await decide(call, item, decision, text)


async def decide(call: Call, initiative_id: int, decision: str, reason: str | None) -> Step:
    found = await call.tx.initiatives.with_author(initiative_id, for_update=True)
    if found is None or found[2] is None:
        return with_lead(await queue(call), Reply("error.gone"))
    initiative, author, unit = found
    if not call.scope.can("review", unit.path):
        return refuse("assess.outside_scope", {"code": initiative.code})
    if wrote(initiative, call.member):  # an old button, or a screen opened before they were named co-author
        return await queue(call, lead=(Reply("assess.own", {"code": initiative.code}),))
    if initiative.status != "submitted":
        already = Reply("assess.already_decided", {"code": initiative.code, "status": initiative.status})
        return await queue(call, lead=(already,))
    round_ = await call.tx.initiatives.decide(initiative, decision, actor_id=call.member.id, reason=reason)
    told = Reply(f"decision.{decision}", {"code": initiative.code, "title": initiative.title, "reason": reason})
    purpose = f"decision:{initiative.id}:{round_}"
    reached = await notices.to_member(call.tx, author, told, purpose)
    if initiative.entered_by_id not in (None, author.id, call.member.id):
        entered = await call.tx.members.get(initiative.entered_by_id)
        if entered is not None:
            await notices.to_member(call.tx, entered, told, f"{purpose}:entered")
    done = Reply("assess.decided", {"code": initiative.code, "status": decision, "told": reached > 0})
    return await queue(call, lead=(done,))


async def form(call: Call, initiative_id: int) -> Step:
    found = await call.tx.initiatives.with_author(initiative_id)
    if found is None or found[2] is None or not call.scope.can("view", found[2].path):
        return refuse("assess.outside_scope", {"code": found[0].code if found else ""})
    message = await documents.form_message(call.tx, *found, call.now, channel=call.incoming.channel,
                                           chat_id=call.incoming.chat_id, locale=call.locale,
                                           base_url=call.options.public_base_url)
    step = await show(call, initiative_id)
    return with_lead(step, message)


async def _own(call: Call, initiative_id: int) -> bool:
    found = await call.tx.initiatives.with_author(initiative_id)
    return found is not None and wrote(found[0], call.member)


def _local(moment: datetime, call: Call) -> datetime:
    return moment.astimezone(call.now.tzinfo or ZoneInfo("Asia/Ho_Chi_Minh"))


def _age(moment: datetime | None, now: datetime) -> int:
    return max(0, (now - moment).days) if moment else 0
