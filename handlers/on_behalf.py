"""Nhập hộ: a support team member enters an initiative for a worker of their subtree.

The worker is found by name among the members of the subtree, or added as a new member without
a chat account. The submission form is the worker's own; the initiative records the worker as
author and the support member as the one who entered it.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations import form
from conversations.flows import SUBMISSION
from conversations.model import Choice, Reply, State
from conversations.text import id_after
from handlers.screen_state import ScreenState
from handlers.staff import Call, Step, refuse, screen, units_in_scope
from storage.models import Member

MATCHES = 6
MAX_NAME = 100


@dataclass(frozen=True)
class Behalf(ScreenState):
    query: str | None = None  # the name last searched: "a new worker with this name" takes it


@dataclass(frozen=True)
class NewWorker(ScreenState):
    name: str  # the worker to add, whose unit is asked


async def start(call: Call, lead: tuple = ()) -> Step:
    if not call.scope.units("submit_on_behalf"):
        return refuse()
    return screen("behalf", [*lead, Reply("behalf.ask_name", {}, (Choice("/canbo", key="choice.back"),))])


async def on_name(call: Call) -> Step:
    """A typed name (search), or a pick among the members found, or "a new worker with this name"."""
    roots = call.scope.units("submit_on_behalf")
    intent = call.intent or ""
    if intent.startswith("bm:"):  # an id nobody has is refused like a worker out of scope
        return await _chosen(call, id_after(intent, "bm:") or 0)
    asked = Behalf.from_meta(call.state.meta)
    if intent == "bnew" and asked.query:
        name = asked.query
        offered = [Choice(f"bu:{u.id}", label=u.name) for u in await units_in_scope(call, "submit_on_behalf")]
        reply = Reply("behalf.ask_unit", {"name": name}, (*offered, Choice("/canbo", key="choice.back")))
        return NewWorker(name).screen("behalf_unit", [reply])
    if intent in ("/canbo", "/back"):
        from handlers.staff import staff_menu

        return staff_menu(call)
    name = " ".join(call.event.text.split()) if call.event.kind == "text" else ""
    if len(name) < 2 or len(name) > MAX_NAME or intent:
        return await start(call, lead=(Reply("behalf.name_needed", {"max": MAX_NAME}),))
    found = await call.tx.members.search(name, roots, MATCHES)
    offered = [Choice(f"bm:{m.id}", key="behalf.member", params={"name": m.name, "unit": u.name}) for m, u in found]
    offered += [Choice("bnew", key="behalf.new", params={"name": name}), Choice("/canbo", key="choice.back")]
    reply = Reply("behalf.pick", {"count": len(found), "name": name}, tuple(offered))
    return Behalf(query=name).screen("behalf", [reply])


async def on_unit(call: Call) -> Step:
    """The unit of a new worker: one of the offered roots, or a unit of the subtree found by name."""
    name = NewWorker.from_meta(call.state.meta).name
    intent = call.intent or ""
    if intent.startswith("bu:"):
        unit = await call.tx.units.get(id_after(intent, "bu:") or 0)
        if unit is None or not call.scope.can("submit_on_behalf", unit.path):
            return refuse()
        worker = await call.tx.members.add_without_account(name, unit.id, call.locale)
        return open_form(call, worker, State(flow="submit", step="title"), new=True)
    if intent in ("/canbo", "/back"):
        return await start(call)
    text = call.event.text.strip() if call.event.kind == "text" else ""
    offered = [Choice(f"bu:{u.id}", label=u.name) for u in await units_in_scope(call, "submit_on_behalf", text)]
    key = "behalf.units_found" if offered else "behalf.no_unit"
    reply = Reply(key, {"name": name, "query": text}, (*offered, Choice("/canbo", key="choice.back")))
    return NewWorker(name).screen("behalf_unit", [reply])


async def _chosen(call: Call, member_id: int) -> Step:
    worker = await call.tx.members.get(member_id)
    unit = await call.tx.units.get(worker.unit_id) if worker and worker.unit_id else None
    if worker is None or unit is None or not call.scope.can("submit_on_behalf", unit.path):
        return refuse()
    if worker.id == call.member.id:  # their own goes in by "Sáng kiến mới", and another reviewer decides it
        return await start(call, lead=(Reply("behalf.own"),))
    return open_form(call, worker, State(flow="submit", step="title"))


def open_form(call: Call, worker: Member, state: State, new: bool = False) -> Step:
    """The submission form, answering for `worker`: drafts and the submission are theirs."""
    state = state.with_meta(author=worker.id, author_name=worker.name)
    lead = Reply("behalf.started", {"name": worker.name, "new": new})
    asked = form.ask(SUBMISSION, state, call.ctx, lead=(lead,))
    return Step(asked.state, list(asked.replies))
