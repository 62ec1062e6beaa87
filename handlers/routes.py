"""Every command word the bot answers, in one table: where it is read, who may use it, what answers it.

Words are Vietnamese first, then English aliases (Telegram allows only [a-z0-9_] in a command); the
first word names the command everywhere past this table ("/review" is read as "/duyet"). A route with
neither `answer` nor `opens` is the worker's conversation, which the engine reads. To add a command:
one line here, its handler (taking the Turn, or a staff screen's Call), and its locale keys.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Awaitable, Callable

from conversations.model import Event
from handlers import campaigns, group_chats, help_desk, invites, officer, on_behalf, review, staff_desk
from handlers.staff import Call, Step
from handlers.turn import Turn


@dataclass(frozen=True)
class Route:
    words: tuple[str, ...]
    where: str  # "private" | "group"
    may: str = "anyone"  # "anyone", "registered", or a scope action held somewhere (handlers.scope.ACTIONS)
    answer: Callable[[Turn], Awaitable[list]] | None = None  # replies, no conversation state kept
    opens: Callable[[Call], Awaitable[Step]] | None = None  # an officer's screen (it checks the scope per unit)
    refusal: str | None = None  # the reply to whom `may` leaves out, given here before `answer` runs
    help: str | None = None  # the locale key describing it in the platform's list of commands
    menu: str | None = None  # the label key of its entry in the staff menu ("Công việc cán bộ")
    admins: bool = False  # the channel asks the platform whether the sender administers the group

    @property
    def intent(self) -> str:
        return "/" + self.words[0]


ROUTES = (
    # The worker's conversation: the commands listed in the platform's command menu.
    Route(("start",), "private", help="commands.start"),
    Route(("new",), "private", help="commands.new"),
    Route(("mine",), "private", help="commands.mine"),
    Route(("help",), "private", help="commands.help"),
    Route(("language",), "private", help="commands.language"),
    # The officers' and support team's screens, in the staff menu's order.
    Route(("canbo", "officer"), "private", "registered", opens=staff_desk.menu),
    Route(("duyet", "review"), "private", "review", opens=review.queue, menu="choice.staff_menu.review"),
    Route(("baocao", "report", "tiendo"), "private", "report", answer=officer.report_for, opens=staff_desk.report,
          menu="choice.staff_menu.report"),
    Route(("xuat", "export"), "private", "export", opens=staff_desk.export, menu="choice.staff_menu.export"),
    Route(("nhapho", "onbehalf"), "private", "submit_on_behalf", opens=on_behalf.start,
          menu="choice.staff_menu.on_behalf"),
    Route(("yeucau", "requests"), "private", "review", opens=help_desk.waiting, menu="choice.staff_menu.requests"),
    Route(("nhan", "take"), "private", "review", opens=staff_desk.take),
    Route(("moi", "invite"), "private", "invite", opens=invites.start, menu="choice.staff_menu.invite"),
    Route(("chiendich", "campaign", "campaigns"), "private", "campaign", opens=campaigns.listing,
          menu="choice.staff_menu.campaign"),
    # An officer's own daily report, in the private chat.
    Route(("nhanbaocao", "dailyreport"), "private", "report", answer=group_chats.daily, refusal="daily.not_allowed"),
    Route(("lichnhac", "schedule"), "private", "report", answer=group_chats.my_schedule, refusal="daily.not_allowed"),
    # A unit's group chat (the forms run in private chats).
    Route(("baocao", "report", "tiendo"), "group", answer=group_chats.report),
    Route(("lichnhac", "schedule"), "group", answer=group_chats.schedule),
    Route(("ganketnhom", "bind"), "group", "registered", answer=group_chats.bind, admins=True),
    Route(("huyganket", "unbind"), "group", "registered", answer=group_chats.unbind, admins=True),
    Route(("tamdung", "pause"), "group", "registered", answer=group_chats.pause, admins=True),
    Route(("tieptuc", "resume"), "group", "registered", answer=group_chats.resume, admins=True),
)

_BY_WORD = {(word, route.where): route for route in ROUTES for word in route.words}
DESK = {route.intent: route for route in ROUTES if route.opens is not None}  # by the intent they open with
DESK_MENU = tuple((route.intent, route.may, route.menu) for route in ROUTES if route.menu)
LISTED = tuple((route.words[0], route.help) for route in ROUTES if route.help)  # the platform's command menu
FOR_GROUP_ADMINS = frozenset(word for route in ROUTES if route.admins for word in route.words)


def find(event: Event, group: bool) -> Route | None:
    if event.kind != "command":
        return None
    return _BY_WORD.get((event.command, "group" if group else "private"))


def named(event: Event, group: bool) -> Event:
    """The event with its command word as the table names it: "/review" is "/duyet"."""
    route = find(event, group)
    return replace(event, command=route.words[0]) if route is not None else event


def allowed(route: Route, turn: Turn) -> bool:
    if route.may == "anyone":
        return True
    if turn.member is None:
        return False
    return route.may == "registered" or bool(turn.scope.units(route.may))
