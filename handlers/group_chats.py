"""A unit's group chat (nhóm của đơn vị): binding it to the unit, pausing its pushes, its schedule, its figures.

Binding is for an officer whose scope covers the unit and who administers the group where the
platform can tell; a group bound to a unit outside someone's scope stays as it is. Anything
else typed to the bot in a group gets the way to the private chat, where the forms run.
"""

from __future__ import annotations

from datetime import datetime

from conversations.model import Reply
from handlers import group_report, officer
from messaging.messages import Incoming, Outgoing
from handlers.scope import Scope
from handlers.timetable import Timetable
from storage.models import Member, Unit
from storage.repositories import Transaction

BIND = {"ganketnhom", "bind"}
UNBIND = {"huyganket", "unbind"}
PAUSE = {"tamdung", "pause"}
RESUME = {"tieptuc", "resume"}
SCHEDULE = {"lichnhac", "schedule"}
COMMANDS = BIND | UNBIND | PAUSE | RESUME | SCHEDULE | officer.REPORT_COMMANDS
FOR_GROUP_ADMINS = BIND | UNBIND | PAUSE | RESUME  # the channel asks the platform whether the sender is an admin


async def answer(
    tx: Transaction, incoming: Incoming, member: Member | None, command: str, args: str, now: datetime,
    timetable: Timetable, locale: str, served: Unit | None = None, charts: dict[str, bytes | None] | None = None,
) -> list[Reply | Outgoing]:
    """The replies to one of our commands in a group (the caller renders and queues them).

    `served`: the unit whose subtree this bot serves (one of several bots), None for the whole tree.
    `charts`: the charts drawn for this update, outside its transaction (see handlers.group_report).
    """
    scope = Scope(tuple(await tx.roles.scopes(member.id))) if member else Scope(())
    asks_report = command in officer.REPORT_COMMANDS and not args.strip()
    bound = await tx.bound_chats.get(incoming.channel, incoming.chat_id, lock=asks_report)
    if bound is not None and incoming.private_link and bound[0].bot_link != incoming.private_link:
        await tx.bound_chats.remember_link(incoming.channel, incoming.chat_id, incoming.private_link)
    if command in officer.REPORT_COMMANDS:
        if bound is not None and asks_report:  # a bound group shows its unit's figures to everyone in it
            return await group_report.answer(tx, incoming, bound[0], bound[1], now, charts or {})
        return await officer.report_for(tx, member, incoming, locale, now, args)
    if command in SCHEDULE:
        if bound is None:
            return [Reply("group.not_bound")]
        return [await timetable.describe(tx, bound[0], bound[1], now, locale)]
    if member is None:
        return [Reply("group.register_first", {"link": incoming.private_link})]
    if command in BIND:
        return [await _bind(tx, incoming, member, scope, args, bound, locale, timetable, served)]
    if bound is None:
        return [Reply("group.not_bound")]
    chat, unit = bound
    officer_here = scope.can("bind", unit.path)
    if command in UNBIND:
        if not officer_here:
            return [Reply("group.not_officer_of_bound", {"unit": unit.name})]
        if incoming.chat_admin is False:
            return [Reply("group.not_chat_admin")]
        await tx.bound_chats.unbind(incoming.channel, incoming.chat_id)
        return [Reply("group.unbound", {"unit": unit.name})]
    if not (officer_here or incoming.chat_admin):
        return [Reply("group.not_officer_of_bound", {"unit": unit.name})]
    paused = command in PAUSE
    if paused == (chat.paused_at is not None):
        return [Reply("group.already_paused" if paused else "group.already_running")]
    await tx.bound_chats.pause(incoming.channel, incoming.chat_id, paused, now)
    return [Reply("group.paused" if paused else "group.resumed", {"unit": unit.name, "time": timetable.daily_time})]


async def _bind(tx, incoming, member, scope, args, bound, locale, timetable, served) -> Reply:
    code = args.split()[0] if args.split() else ""
    if not code:
        return Reply("group.bind_usage")
    unit = await tx.units.by_code(code)
    if unit is None:
        return Reply("staff.scope.unknown_unit", {"code": code})
    if served is not None and not unit.path.startswith(served.path):  # its pushes would go through this bot
        return Reply("group.outside_bot", {"unit": unit.name, "served": served.name})
    if not scope.can("bind", unit.path):
        return Reply("group.not_officer", {"unit": unit.name})
    if incoming.chat_admin is False:
        return Reply("group.not_chat_admin")
    if bound is not None and not scope.can("bind", bound[1].path):
        return Reply("group.bound_elsewhere", {"unit": bound[1].name})
    if bound is not None and bound[1].id == unit.id:
        return Reply("group.already_bound", {"unit": unit.name, "time": timetable.daily_time})
    await tx.bound_chats.bind(
        incoming.channel, incoming.chat_id, kind="group", unit_id=unit.id, member_id=member.id,
        title=incoming.chat_title, locale=locale, bot_link=incoming.private_link,
    )
    key = "group.rebound" if bound is not None else "group.bound"
    return Reply(key, {"unit": unit.name, "code": unit.code, "time": timetable.daily_time,
                       "previous": bound[1].name if bound else ""})


DAILY = {"nhanbaocao", "dailyreport"}
PRIVATE = DAILY | SCHEDULE


async def answer_private(
    tx: Transaction, incoming: Incoming, member: Member | None, command: str, args: str, now: datetime,
    timetable: Timetable, locale: str,
) -> list[Reply | Outgoing]:
    """/nhanbaocao switches an officer's daily report on and off; /lichnhac shows what they will get."""
    scope = Scope(tuple(await tx.roles.scopes(member.id))) if member else Scope(())
    if member is None or not scope.units("report"):
        return [Reply("daily.not_allowed")]
    mine = await tx.bound_chats.get(incoming.channel, incoming.chat_id)
    if command in SCHEDULE:
        if mine is None:
            return [Reply("daily.none", {"time": timetable.daily_time})]
        return [await timetable.describe(tx, mine[0], mine[1], now, locale)]
    if mine is not None and not args.strip():
        await tx.bound_chats.unbind(incoming.channel, incoming.chat_id)
        return [Reply("daily.off")]
    units, refusal = await officer.units_asked(tx, scope, "report", args)
    if refusal:
        return [refusal]
    await tx.bound_chats.bind(incoming.channel, incoming.chat_id, kind="private", unit_id=units[0].id,
                              member_id=member.id, locale=locale)
    return [Reply("daily.on", {"unit": units[0].name, "time": timetable.daily_time})]
