"""One Incoming in, Outgoing messages out, in one transaction: state, drafts, outbox and the update id.

A repeated update id changes nothing; a conflict with another writer on the same chat is tried again on
fresh state; a group's report whose chart is missing is drawn with no transaction open, then tried again.
The route table (handlers/routes.py) says what answers a command; everything else in a private chat is
the person's conversation (handlers/private_chat.py).
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime
from typing import Awaitable, Callable
from zoneinfo import ZoneInfo

from conversations.model import Reply
from handlers import group_report, private_chat, replies, routes
from handlers.options import Options
from handlers.turn import Turn, begin
from messaging.messages import Incoming, Outgoing
from storage.db import Conflict, Database
from storage.repositories import Transaction

log = logging.getLogger(__name__)
ATTEMPTS = 8  # a concurrent writer on the same chat makes us retry on fresh state
PAUSE = 0.02  # seconds: the pauses between attempts, random up to this doubled each time (1 s at most)
Claim = Callable[[Transaction, list[Outgoing]], Awaitable[None]]


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
        self.on_voice_queued: Callable[[], None] = lambda: None  # the transcriber (bot/hearing) starts on it at once

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
                    answered = await self._handle(tx, incoming, charts)
                    if claim is not None and answered:
                        await claim(tx, answered)
                self._wake_others(tx, incoming)
                if tx.hearings.queued:
                    self.on_voice_queued()
                return answered
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

    def wake(self, channel: str, chat_id: str) -> None:
        """What was queued for a chat outside an update of its own (the transcriber's words) goes out now."""
        waker = self._wakers.get(channel)
        if waker is not None:
            waker(chat_id)

    def _wake_others(self, tx: Transaction, incoming: Incoming) -> None:
        for channel, chat_id in tx.outbox.queued - {(incoming.channel, incoming.chat_id)}:
            self.wake(channel, chat_id)

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
                return await replies.answered_again(tx, incoming)
        event = routes.named(incoming.event(), incoming.is_group)
        turn = await begin(tx, incoming, event, self.options, self._clock(), charts)
        route = routes.find(event, incoming.is_group)
        if incoming.is_group:  # binding, schedule, figures; the forms run in private chats
            answered = await route.answer(turn) if route else [Reply("group.use_private", {"link": incoming.private_link})]
            return await replies.send(turn, answered)
        # A report of a unit named goes to the officer's screens, where a name that fits several units is
        # answered with a list to pick from; other reports and the daily report's settings keep no state.
        if route is not None and route.answer is not None and not (route.opens and turn.member and event.args.strip()):
            return await replies.send(turn, await _answered(route, turn))
        return await private_chat.answer(turn)


async def _answered(route: routes.Route, turn: Turn) -> list:
    if route.refusal is not None and not routes.allowed(route, turn):
        return [Reply(route.refusal)]
    return await route.answer(turn)
