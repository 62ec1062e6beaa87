"""One Incoming in, Outgoing messages out, in one transaction: state, drafts, outbox and the update id."""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Awaitable, Callable
from zoneinfo import ZoneInfo

from conversations import engine, menu, reading
from conversations.flows import FLOWS
from conversations.model import Context, Event, MemberRef, Reply, State, UnitRef
from conversations.inputs import MAX_UNIT_CHOICES
from handlers import effects, group_chats, group_report, help_chat, invites, officer, staff, staff_desk
from messaging import render
from messaging.keys import reply_key
from messaging.messages import Incoming, Outgoing
from handlers.scope import ACTIONS, Scope
from handlers.staff import StaffOptions
from messaging.quiet import QuietHours
from handlers.timetable import Timetable
from storage.db import Conflict, Database
from storage.models import Member
from storage.repositories import Transaction

log = logging.getLogger(__name__)
ATTEMPTS = 8  # a concurrent writer on the same chat makes us retry on fresh state
PAUSE = 0.02  # seconds: the pauses between attempts, random up to this doubled each time (1 s at most)
Claim = Callable[[Transaction, list[Outgoing]], Awaitable[None]]


@dataclass(frozen=True)
class Options:
    """The parts of Settings the conversations need."""

    fields: tuple[str, ...]
    target_groups: tuple[str, ...]
    timezone: str = "Asia/Ho_Chi_Minh"
    default_locale: str = "vi"
    resume_after: timedelta = timedelta(hours=1)
    staff: StaffOptions = StaffOptions()
    timetable: Timetable = Timetable(time(8), QuietHours.parse("21:00-07:00"), ZoneInfo("Asia/Ho_Chi_Minh"))
    served: tuple[tuple[str, str], ...] = ()  # (channel, unit code): one of several bots serves that subtree only


class Dispatcher:
    def __init__(self, db: Database, options: Options, clock: Callable[[], datetime] | None = None,
                 draw: group_report.Draw = group_report.in_thread) -> None:
        """`draw`: where a group report's chart is drawn (the bot passes a process of its own: documents/drawing.py)."""
        self.db = db
        self.options = options
        self.draw = draw
        self._tz = ZoneInfo(options.timezone)
        self._clock = clock or (lambda: datetime.now(self._tz))
        self._wakers: dict[str, Callable[[str], None]] = {}

    async def handle(self, incoming: Incoming, claim: Claim | None = None) -> list[Outgoing]:
        """Handle one update; a repeated update id changes nothing and returns nothing.

        `claim(tx, replies)` runs in the same transaction, after the replies are queued: a channel
        that answers in the webhook response marks its reply sent there (one transaction per update).
        """
        charts: dict[str, bytes | None] = {}  # drawn for this update with no transaction open (group_report)
        conflicts = 0
        while True:
            try:
                async with self.db.transaction() as tx:
                    replies = await self._handle(tx, incoming, charts)
                    if claim is not None and replies:
                        await claim(tx, replies)
                self._wake_others(tx, incoming)
                return replies
            except group_report.ChartNeeded as needed:  # at most once: with a chart drawn, the report uses it
                charts[needed.key] = await needed.draw(self.draw)
            except Conflict:
                conflicts += 1
                if conflicts == ATTEMPTS:
                    raise
                log.info("conflict on %s chat %s, retrying", incoming.channel, incoming.chat_id)
                # Random pauses, so two processes racing on one chat fall apart (about 3 s in all at most).
                await asyncio.sleep(random.uniform(0, min(1.0, PAUSE * 2**conflicts)))

    def on_queued(self, channel: str, wake: Callable[[str], None]) -> None:
        """`wake(chat_id)` when an update queues a message for another chat of `channel` (a decision, a
        supporter's words): sent at once rather than at the next round of the background sender."""
        self._wakers[channel] = wake

    def _wake_others(self, tx: Transaction, incoming: Incoming) -> None:
        for channel, chat_id in tx.outbox.queued - {(incoming.channel, incoming.chat_id)}:
            wake = self._wakers.get(channel)
            if wake is not None:
                wake(chat_id)

    async def chat_gone(self, channel: str, chat_id: str) -> bool:
        """The bot was removed from a group (or blocked): the group is unbound and gets no more pushes."""
        async with self.db.transaction() as tx:
            gone = await tx.bound_chats.unbind(channel, chat_id)
        if gone:
            log.info("a bound %s chat removed the bot: unbound", channel)
        return gone

    async def delivered(self, messages: list[Outgoing]) -> None:
        """Mark outbox rows as sent once the channel has delivered them."""
        ids = [m.outbox_id for m in messages if m.outbox_id is not None]
        if ids:
            async with self.db.transaction() as tx:
                await tx.outbox.mark_sent(ids)

    async def _handle(self, tx: Transaction, incoming: Incoming, charts: dict[str, bytes | None]) -> list[Outgoing]:
        if incoming.update_id is not None:
            if not await tx.updates.mark_processed(incoming.channel, incoming.update_id):
                log.info("update %s on %s already processed", incoming.update_id, incoming.channel)
                return await self._answered_again(tx, incoming)
        now = self._clock()
        member = await tx.members.by_identity(incoming.channel, incoming.user_id)
        event = incoming.event()
        command = event.command if event.kind == "command" else ""
        # A report of a unit named in a private chat goes to the officer's screens, where a name that fits
        # several units is answered with a list to pick from; other reports keep no state.
        named = command in officer.REPORT_COMMANDS and event.args.strip() and member is not None
        if incoming.is_group or (command in officer.REPORT_COMMANDS and not named) or command in group_chats.PRIVATE:
            return await self._outside_flows(tx, incoming, member, event, now, charts)
        invite = invites.token_of(event.args) if command == "start" else None
        if invite and member is not None:
            row = await tx.conversations.load(incoming.channel, incoming.chat_id, incoming.user_id)
            shown = await self._invited(tx, incoming, member, invite, now)
            await self._save_state(tx, row, incoming, shown.state)
            return await self._queue(tx, incoming, [self._render(r, incoming, member.locale) for r in shown.replies])
        if invite:  # registration first; the invite is used as soon as the person is registered
            event = Event("command", text="/start", command="start")
        row = await tx.conversations.load(incoming.channel, incoming.chat_id, incoming.user_id)
        state = State(row.flow, row.step, row.answers or {}, row.meta or {}) if row else State()
        locale = self._locale(member, state)
        lead: list[Reply] = []
        if state.meta.get("relay"):  # a supporter has taken this worker's help request: the two are talking
            delivery = incoming.update_id or now.isoformat()
            relayed = await help_chat.from_worker(tx, state.meta["relay"], event, locale, now, delivery)
            if relayed is not None:
                return await self._queue(tx, incoming, [self._render(r, incoming, locale) for r in relayed])
            state, lead = state.with_meta(relay=None), [Reply("helpchat.ended")]
            if event.kind != "command":  # ended with its button: back to where the worker was
                event = Event("command", text="/resume", command="resume")
        scope = Scope(tuple(await tx.roles.scopes(member.id))) if member else Scope(())
        ctx = await self._context(tx, member, incoming, now, scope)

        if staff.is_staff_state(state):
            intent = staff.intent_on_screen(state, event, locale)
            if intent not in staff.LEAVING:
                return await self._staff(tx, incoming, member, scope, state, event, intent, ctx, locale, now, row)
            state, event = State(), Event("command", text=intent, command=intent[1:])  # back to the worker's screens
        if state.flow not in FLOWS:
            ctx = await self._fill(tx, ctx, {"items"}, event, member, incoming.channel)
        if event.kind == "text":
            value = render.pressed(event.text, reading.offered(state, ctx), locale)
            event = Event("choice", text=value) if value is not None else event
        entry = staff.entry(event, reading.intent_of(state, event, ctx), state) if member else None
        if entry is not None:
            return await self._staff(tx, incoming, member, scope, state, event, entry, ctx, locale, now, row)
        ctx = await self._fill(tx, ctx, engine.needs(state, event), event, member, incoming.channel)

        result = engine.step(state, event, ctx)
        outcome = effects.Outcome(result.state, member)
        outcome = await effects.apply(
            tx,
            result.effects,
            outcome,
            channel=incoming.channel,
            chat_id=incoming.chat_id,
            user_id=incoming.user_id,
            display_name=incoming.display_name,
            now=now,
            scope=scope,
            duplicate_threshold=self.options.staff.duplicate_threshold,
            locale=locale,
            base_url=self.options.staff.public_base_url,
        )
        final = outcome.state
        pending_invite = state.meta.get("invite") or invite
        if pending_invite and member is None and outcome.member is not None:  # registered: the menu it opens
            shown = await self._invited(tx, incoming, outcome.member, pending_invite, now)
            kept = [r for r in result.replies if r.key != "menu.main"]  # drawn before the role was given
            result = replace(result, state=shown.state, replies=(*kept, *shown.replies))
            final = shown.state
        elif pending_invite and final.flow == "register":
            final = final.with_meta(invite=pending_invite)
        await self._save_state(tx, row, incoming, final)
        locale = self._locale(outcome.member, final)
        replies = [*lead, *outcome.replies, *result.replies]
        return await self._queue(tx, incoming, [self._render(r, incoming, locale) for r in replies])

    async def _invited(self, tx: Transaction, incoming: Incoming, member: Member, token: str, now: datetime):
        """Use an invite, then the main menu with the work it opens ("Công việc cán bộ")."""
        accepted = await invites.accept(tx, member, token, now)
        scope = Scope(tuple(await tx.roles.scopes(member.id)))
        ctx = await self._context(tx, member, incoming, now, scope)
        ctx = await self._fill(tx, ctx, {"items"}, incoming.event(), member, incoming.channel)
        return menu.menu(ctx, lead=(accepted,))

    async def _served(self, tx: Transaction, channel: str):
        """The unit whose subtree this bot serves (one of several bots, see BOTS), or None: the whole tree."""
        code = dict(self.options.served).get(channel)
        return await tx.units.by_code(code) if code else None

    async def _staff(self, tx, incoming, member, scope, state, event, intent, ctx, locale, now, row) -> list[Outgoing]:
        """An officer's or support member's screen: checked against their scope, state kept like any other."""
        call = staff.Call(tx, member, scope, state, event, intent, ctx, incoming, locale, now, self.options.staff,
                          self.options.timetable)
        done = await staff_desk.step(call)
        final = done.state
        await self._save_state(tx, row, incoming, final)
        return await self._queue(tx, incoming, [self._render(r, incoming, locale) for r in done.replies])

    async def _outside_flows(self, tx, incoming: Incoming, member, event: Event, now: datetime,
                             charts: dict[str, bytes | None]) -> list[Outgoing]:
        """Groups (binding, schedule, figures; the forms run in private chats), reports and push settings."""
        locale = member.locale if member else self.options.default_locale
        command = event.command if event.kind == "command" else ""
        timetable = self.options.timetable
        if incoming.is_group and command in group_chats.COMMANDS:
            served = await self._served(tx, incoming.channel)
            replies = await group_chats.answer(tx, incoming, member, command, event.args, now, timetable, locale, served,
                                               charts)
        elif incoming.is_group:
            replies = [Reply("group.use_private", {"link": incoming.private_link})]
        elif command in group_chats.PRIVATE:
            replies = await group_chats.answer_private(tx, incoming, member, command, event.args, now, timetable, locale)
        else:
            replies = await officer.report_for(tx, member, incoming, locale, now, event.args)
        return await self._queue(tx, incoming, [self._render(r, incoming, locale) for r in replies])

    @staticmethod
    async def _save_state(tx: Transaction, row, incoming: Incoming, state: State) -> None:
        await tx.conversations.save(
            row,
            channel=incoming.channel,
            chat_id=incoming.chat_id,
            user_id=incoming.user_id,
            flow=state.flow,
            step=state.step,
            answers=dict(state.answers),
            meta=dict(state.meta),
        )

    @staticmethod
    def _render(reply: Reply | Outgoing, incoming: Incoming, locale: str) -> Outgoing:
        if isinstance(reply, Outgoing):
            return reply
        return render.outgoing(reply, channel=incoming.channel, chat_id=incoming.chat_id, locale=locale)

    async def _queue(self, tx: Transaction, incoming: Incoming, messages: list[Outgoing]) -> list[Outgoing]:
        # Written in the same transaction as the state: a crash before sending leaves them for the sender.
        delivery = incoming.update_id or uuid.uuid4().hex
        queued = []
        for i, message in enumerate(messages):
            if message.outbox_id is not None:  # queued already, under a key of its own (a group's report)
                queued.append(message)
                continue
            key = reply_key(incoming.channel, incoming.chat_id, delivery, i)
            outbox_id = await tx.outbox.add(incoming.channel, incoming.chat_id, message.payload(), key)
            queued.append(replace(message, outbox_id=outbox_id))
        return queued

    async def _answered_again(self, tx: Transaction, incoming: Incoming) -> list[Outgoing]:
        """A reply given in a webhook response written too late to be sure it arrived, whose update the
        platform now delivers again (so it never took that response): owed again, and served again. A reply
        whose response is still being written is left to it (a concurrent duplicate delivery)."""
        key = reply_key(incoming.channel, incoming.chat_id, incoming.update_id, 0)  # only a lone reply rides inline
        rows = [row for row in await tx.outbox.by_keys([key]) if row.in_response and row.sent_at is not None]
        await tx.outbox.let_go([row.id for row in rows])
        return [Outgoing.from_payload(row.channel, row.chat_id, row.payload, row.id) for row in rows]

    def _locale(self, member: Member | None, state: State) -> str:
        if member is not None:
            return member.locale
        return state.answers.get("language") or self.options.default_locale

    async def _context(
        self, tx: Transaction, member: Member | None, incoming: Incoming, now: datetime, scope: Scope
    ) -> Context:
        member_ref = None
        if member is not None:
            unit = await tx.units.get(member.unit_id) if member.unit_id else None
            unit_ref = UnitRef(unit.id, unit.code, unit.name) if unit else None
            member_ref = MemberRef(member.id, member.name, unit_ref)
        return Context(
            now=now,
            fields=self.options.fields,
            target_groups=self.options.target_groups,
            display_name=incoming.display_name,
            member=member_ref,
            resume_after=self.options.resume_after,
            powers=frozenset(action for action in ACTIONS if scope.units(action)),
        )

    async def _fill(
        self, tx: Transaction, ctx: Context, needs: set[str], event: Event, member: Member | None, channel: str
    ) -> Context:
        if "items" in needs and ctx.items is None and member is not None:
            ctx = replace(ctx, items=await help_chat.own_items(tx, member.id))
        if "units" in needs and ctx.units is None:
            served = await self._served(tx, channel)
            within = served.path if served else None
            typed = event.text.strip()
            coded = await tx.units.by_code(typed) if typed else None
            if coded is not None and (within is None or coded.path.startswith(within)):
                found = [coded]  # a unit's exact code is that unit, whatever else holds those characters
            elif typed.isdigit() and len(typed) <= 3:
                found = []  # a bare number is an option's number on every screen, never part of a unit's code
            else:
                found = await tx.units.search(typed, limit=MAX_UNIT_CHOICES + 1, within=within)
            ctx = replace(ctx, units=tuple(UnitRef(u.id, u.code, u.name) for u in found))
        if "deep_link" in needs and ctx.deep_link_unit is None:
            unit = await tx.units.by_code(event.args)
            served = await self._served(tx, channel)
            unit = unit if unit is None or served is None or unit.path.startswith(served.path) else None
            ctx = replace(ctx, deep_link_unit=UnitRef(unit.id, unit.code, unit.name) if unit else None)
        return ctx
