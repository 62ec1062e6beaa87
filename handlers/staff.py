"""The officers' and support team's work in a private chat (công việc cán bộ), opened from handlers/routes.py.

Every screen checks the person's scope on the server; nothing is stored for a refused request.
Screens keep the choices they showed in the state, so a typed number or a button's label means
the same thing on the next message.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from conversations.campaign_form import CAMPAIGN
from conversations.model import Choice, Event, Reply, State
from conversations import lexicon
from conversations.reading import numbered_pick
from messaging import render
from messaging.messages import Outgoing
from handlers.options import StaffOptions
from handlers.timetable import Timetable
from handlers.turn import Turn
from storage.models import Unit

# Screens that explain themselves: "ko biết", "giúp với" typed there is "/explain" (their explanation, the screen
# kept), as at the worker's choice questions (docs/answers.md), not the worker's help that drops the screen.
EXPLAINED = {"pick_unit", *(CAMPAIGN.screen(q) for q in CAMPAIGN.questions if q.explain)}


TURN_PARTS = frozenset({"tx", "member", "scope", "state", "event", "ctx", "incoming", "locale", "now"})


@dataclass
class Call:
    """One message to a staff screen: the update's Turn, and what the message means on the screen."""

    turn: Turn
    intent: str | None
    menu: tuple[tuple[str, str, str], ...] = ()  # the staff menu: (intent, scope action, label key), handlers.routes

    def __getattr__(self, name: str):
        if name in TURN_PARTS:  # call.tx, call.member, ... are the update's own (the Turn's)
            return getattr(self.turn, name)
        raise AttributeError(name)

    @property
    def options(self) -> StaffOptions:
        return self.turn.options.staff

    @property
    def timetable(self) -> Timetable:  # when pushes go out (a campaign saved after today's is announced at once)
        return self.turn.options.timetable


@dataclass
class Step:
    state: State
    replies: list = field(default_factory=list)  # Reply, or an Outgoing already made (a file, a chart)


def is_staff_state(state: State) -> bool:
    return bool(state.meta.get("staff"))


def intent_on_screen(state: State, event: Event, locale: str, words: bool = True) -> str | None:
    """What a message means on a staff screen: a shown choice, a command word (unless `words` is off,
    where everything typed is content), or None for free text."""
    shown = tuple(Choice(v, key=k, label=label, params=p) for v, k, label, p in state.meta.get("shown", ()))
    if event.kind == "choice":
        return event.text
    if event.kind == "command":  # its word as the route table names it (handlers.routes)
        return "/" + event.command
    if event.kind != "text":
        return None
    text = event.text.strip()
    picked = numbered_pick(text, shown, reads_numbers=True)  # other numbers are for the screen to read
    if picked is not None:
        return picked
    pressed = render.pressed(text, shown, locale)
    if pressed is not None:
        return pressed
    word = lexicon.intent(text) if words else None
    if word in ("/help", "/dont_know") and state.flow in EXPLAINED:
        return "/explain"
    return word


def screen(flow: str, replies: list, **meta) -> Step:
    """A staff screen's state: its flow, its own data, and the choices its last question showed."""
    asked = next((r for r in reversed(replies) if isinstance(r, Reply) and r.choices), None)
    shown = [[c.value, c.key, c.label, dict(c.params)] for c in asked.choices] if asked else []
    return Step(State(flow=flow, meta={"staff": True, "shown": shown, **meta}), replies)


def refuse(key: str = "staff.not_allowed", params: dict | None = None) -> Step:
    return Step(State(), [Reply(key, params or {})])


def staff_menu(call: Call, lead: tuple = ()) -> Step:
    offered = [Choice(value, key=key) for value, action, key in call.menu if action in call.ctx.powers]
    if not offered:
        return refuse()
    reply = Reply("staff.menu", {"name": call.member.name}, (*offered, Choice("/menu", key="choice.back")))
    return screen("staff", [*lead, reply])


def with_lead(step: Step, *lead) -> Step:
    return replace(step, replies=[*lead, *step.replies])


async def units_in_scope(call: Call, action: str, query: str | None = None, limit: int = 6) -> list[Unit]:
    """The units to offer for an action: the roots of the person's scope, or those of it a typed name finds."""
    roots = call.scope.units(action)
    if query is None:
        units = [await call.tx.units.by_path(root) for root in roots[:limit]]
        return [u for u in units if u is not None]
    found = await call.tx.units.search(query, limit=20) if query else []
    return [u for u in found if any(u.path.startswith(root) for root in roots)][:limit]


def outgoing_text(call: Call, key: str, params: dict, **extra) -> Outgoing:
    reply = Reply(key, params)
    message = render.outgoing(reply, channel=call.incoming.channel, chat_id=call.incoming.chat_id, locale=call.locale)
    return replace(message, **extra)
