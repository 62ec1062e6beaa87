"""The officers' and support team's work in a private chat (công việc cán bộ), behind one entry point.

Every screen checks the person's scope on the server; nothing is stored for a refused request.
Screens keep the choices they showed in the state, so a typed number or a button's label means
the same thing on the next message.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from conversations.model import Choice, Context, Event, Reply, State
from conversations import lexicon
from conversations.reading import numbered_pick
from messaging import render
from messaging.messages import Incoming, Outgoing
from handlers.scope import Scope
from handlers.timetable import Timetable
from storage.models import Member, Unit
from storage.repositories import Transaction

# Command words (Telegram allows only [a-z0-9_]) and what they mean; Vietnamese first.
COMMANDS = {
    "canbo": "/canbo", "officer": "/canbo",
    "duyet": "/duyet", "review": "/duyet",
    "baocao": "/baocao", "report": "/baocao", "tiendo": "/baocao",
    "xuat": "/xuat", "export": "/xuat",
    "nhapho": "/nhapho", "onbehalf": "/nhapho",
    "yeucau": "/yeucau", "requests": "/yeucau",
    "nhan": "/nhan", "take": "/nhan",
    "moi": "/moi", "invite": "/moi",
    "chiendich": "/chiendich", "campaign": "/chiendich", "campaigns": "/chiendich",
}  # fmt: skip
ENTRIES = set(COMMANDS.values())
MENU = (
    ("/duyet", "review", "choice.staff_menu.review"),
    ("/baocao", "report", "choice.staff_menu.report"),
    ("/xuat", "export", "choice.staff_menu.export"),
    ("/nhapho", "submit_on_behalf", "choice.staff_menu.on_behalf"),
    ("/yeucau", "review", "choice.staff_menu.requests"),
    ("/moi", "invite", "choice.staff_menu.invite"),
    ("/chiendich", "campaign", "choice.staff_menu.campaign"),
)
LEAVING = {"/cancel", "/mine", "/menu", "/start", "/new", "/language", "/help"}
# Choice screens that explain themselves: "ko biết", "giúp với" typed there is "/explain" (their explanation, the
# screen kept), as at the worker's choice questions (docs/answers.md), not the worker's help that drops the screen.
EXPLAINED = {"pick_unit", "campaign_kind"}


@dataclass(frozen=True)
class StaffOptions:
    duplicate_threshold: int = 80
    invite_lifetime: timedelta = timedelta(days=7)
    public_base_url: str | None = None  # links to the files people sent, in exports and forms


@dataclass
class Call:
    """One message to a staff screen, with everything a screen may need."""

    tx: Transaction
    member: Member
    scope: Scope
    state: State
    event: Event
    intent: str | None
    ctx: Context
    incoming: Incoming
    locale: str
    now: datetime
    options: StaffOptions
    timetable: Timetable | None = None  # when pushes go out (a campaign saved after today's is announced at once)


@dataclass
class Step:
    state: State
    replies: list = field(default_factory=list)  # Reply, or an Outgoing already made (a file, a chart)


def is_staff_state(state: State) -> bool:
    return bool(state.meta.get("staff"))


def entry(event: Event, intent: str | None, state: State) -> str | None:
    """The staff screen a message opens from outside the staff screens, if any."""
    if event.kind == "command":
        return COMMANDS.get(event.command)
    if state.flow in ("submit", "register"):
        return None  # typed answers are answers, even when they look like a command word
    return intent if intent in ENTRIES else None


def intent_on_screen(state: State, event: Event, locale: str, words: bool = True) -> str | None:
    """What a message means on a staff screen: a shown choice, a command word (unless `words` is off,
    where everything typed is content), or None for free text."""
    shown = tuple(Choice(v, key=k, label=label, params=p) for v, k, label, p in state.meta.get("shown", ()))
    if event.kind == "choice":
        return event.text
    if event.kind == "command":
        return COMMANDS.get(event.command, "/" + event.command)
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
    return COMMANDS.get((word or "/")[1:], word) if word else None


def screen(flow: str, replies: list, **meta) -> Step:
    """A staff screen's state: its flow, its own data, and the choices its last question showed."""
    asked = next((r for r in reversed(replies) if isinstance(r, Reply) and r.choices), None)
    shown = [[c.value, c.key, c.label, dict(c.params)] for c in asked.choices] if asked else []
    return Step(State(flow=flow, meta={"staff": True, "shown": shown, **meta}), replies)


def refuse(key: str = "staff.not_allowed", params: dict | None = None) -> Step:
    return Step(State(), [Reply(key, params or {})])


def staff_menu(call: Call, lead: tuple = ()) -> Step:
    offered = [Choice(value, key=key) for value, action, key in MENU if action in call.ctx.powers]
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
