"""A unit's group chat (nhóm của đơn vị): binding it to the unit, pausing its pushes, its schedule, its figures.

Binding is for an officer whose scope covers the unit and who administers the group where the
platform can tell; a group bound to a unit outside someone's scope stays as it is. Anything
else typed to the bot in a group gets the way to the private chat, where the forms run.
"""

from __future__ import annotations

from conversations.model import Reply
from handlers import group_report, officer
from handlers.turn import Turn, served_unit
from messaging.messages import Outgoing
from storage.models import BoundChat, Unit

Answer = list[Reply | Outgoing]


async def _bound(turn: Turn, lock: bool = False) -> tuple[BoundChat, Unit] | None:
    """The unit this group is bound to; the link to the bot's private chat kept up to date with it."""
    incoming = turn.incoming
    bound = await turn.tx.bound_chats.get(incoming.channel, incoming.chat_id, lock=lock)
    if bound is not None and incoming.private_link and bound[0].bot_link != incoming.private_link:
        await turn.tx.bound_chats.remember_link(incoming.channel, incoming.chat_id, incoming.private_link)
    return bound


async def report(turn: Turn) -> Answer:
    """A bound group's figures to everyone in it; a unit named, or an unbound group, as an officer's report."""
    asks_report = not turn.event.args.strip()
    bound = await _bound(turn, lock=asks_report)
    if bound is not None and asks_report:
        return await group_report.answer(turn.tx, turn.incoming, bound[0], bound[1], turn.now, turn.charts)
    return await officer.report_for(turn)


async def schedule(turn: Turn) -> Answer:
    bound = await _bound(turn)
    if bound is None:
        return [Reply("group.not_bound")]
    return [await turn.options.timetable.describe(turn.tx, bound[0], bound[1], turn.now, turn.locale)]


async def bind(turn: Turn) -> Answer:
    bound = await _bound(turn)
    if turn.member is None:
        return [Reply("group.register_first", {"link": turn.incoming.private_link})]
    return [await _bind(turn, bound)]


async def unbind(turn: Turn) -> Answer:
    bound = await _bound(turn)
    if turn.member is None:
        return [Reply("group.register_first", {"link": turn.incoming.private_link})]
    if bound is None:
        return [Reply("group.not_bound")]
    unit = bound[1]
    if not turn.scope.can("bind", unit.path):
        return [Reply("group.not_officer_of_bound", {"unit": unit.name})]
    if turn.incoming.chat_admin is False:
        return [Reply("group.not_chat_admin")]
    await turn.tx.bound_chats.unbind(turn.incoming.channel, turn.incoming.chat_id)
    return [Reply("group.unbound", {"unit": unit.name})]


async def pause(turn: Turn) -> Answer:
    return await _paused(turn, True)


async def resume(turn: Turn) -> Answer:
    return await _paused(turn, False)


async def _paused(turn: Turn, paused: bool) -> Answer:
    bound = await _bound(turn)
    if turn.member is None:
        return [Reply("group.register_first", {"link": turn.incoming.private_link})]
    if bound is None:
        return [Reply("group.not_bound")]
    chat, unit = bound
    if not (turn.scope.can("bind", unit.path) or turn.incoming.chat_admin):
        return [Reply("group.not_officer_of_bound", {"unit": unit.name})]
    if paused == (chat.paused_at is not None):
        return [Reply("group.already_paused" if paused else "group.already_running")]
    await turn.tx.bound_chats.pause(turn.incoming.channel, turn.incoming.chat_id, paused, turn.now)
    return [Reply("group.paused" if paused else "group.resumed", {"unit": unit.name, "time": turn.options.timetable.daily_time})]


async def _bind(turn: Turn, bound: tuple[BoundChat, Unit] | None) -> Reply:
    tx, incoming, scope, served = turn.tx, turn.incoming, turn.scope, await served_unit(turn)
    daily_time = turn.options.timetable.daily_time
    code = turn.event.args.split()[0] if turn.event.args.split() else ""
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
        return Reply("group.already_bound", {"unit": unit.name, "time": daily_time})
    await tx.bound_chats.bind(
        incoming.channel, incoming.chat_id, kind="group", unit_id=unit.id, member_id=turn.member.id,
        title=incoming.chat_title, locale=turn.locale, bot_link=incoming.private_link,
    )
    key = "group.rebound" if bound is not None else "group.bound"
    return Reply(key, {"unit": unit.name, "code": unit.code, "time": daily_time,
                       "previous": bound[1].name if bound else ""})


async def daily(turn: Turn) -> Answer:
    """/nhanbaocao switches an officer's daily report on and off (a unit named: that unit's)."""
    tx, incoming = turn.tx, turn.incoming
    mine = await tx.bound_chats.get(incoming.channel, incoming.chat_id)
    if mine is not None and not turn.event.args.strip():
        await tx.bound_chats.unbind(incoming.channel, incoming.chat_id)
        return [Reply("daily.off")]
    units, refusal = await officer.units_asked(tx, turn.scope, "report", turn.event.args)
    if refusal:
        return [refusal]
    await tx.bound_chats.bind(incoming.channel, incoming.chat_id, kind="private", unit_id=units[0].id,
                              member_id=turn.member.id, locale=turn.locale)
    return [Reply("daily.on", {"unit": units[0].name, "time": turn.options.timetable.daily_time})]


async def my_schedule(turn: Turn) -> Answer:
    """/lichnhac in a private chat: what the officer's daily report will bring, and when."""
    mine = await turn.tx.bound_chats.get(turn.incoming.channel, turn.incoming.chat_id)
    if mine is None:
        return [Reply("daily.none", {"time": turn.options.timetable.daily_time})]
    return [await turn.options.timetable.describe(turn.tx, mine[0], mine[1], turn.now, turn.locale)]
