"""The progress report asked for in a bound group (/baocao): at most once a minute, its chart drawn once per figures.

Everything said in a group reaches all its members, a couple of hundred in a unit's group. So the
report goes out at most once a minute (EVERY). Asking again within that minute gets one short line
pointing to the report just above, once per report, and nothing more: a line for every asker would be
noise to everyone, and the platforms let a group receive about twenty messages a minute, so three
hundred of them would hold back the group's other messages for a quarter of an hour. After the
minute the figures are read afresh; the chart is the last report's own unless they changed.

What the group was last sent is in the outbox: each report's row is keyed by (group, minute) and
carries when it was made and the digest of the figures its chart shows, so every worker process
reads the same answer. The group's binding is locked while deciding (see BoundChatRepository.get).

Drawing a chart takes about half a second of CPU (two on a process's first, which loads matplotlib)
and is never done with a transaction open: on SQLite every other chat would wait for the one writer.
A report that needs a new chart raises ChartNeeded; the dispatcher has it drawn, then handles the
update again. Where it is drawn is the dispatcher's `draw` (Draw): the bot draws in a process of its
own (documents/drawing.py), since a thread would hold the interpreter's lock for tens of milliseconds at a
time and every other chat would wait for that instead; tests draw in a thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Awaitable, Callable

import locales
from handlers import officer
from messaging.messages import Incoming, Outgoing
from storage.db import Conflict
from storage.models import BoundChat, Outbox, Unit
from storage.reports import Report
from storage.repositories import Transaction

EVERY = timedelta(minutes=1)
Draw = Callable[..., Awaitable[bytes | None]]  # draw(function, *args): the function's result, run elsewhere
_DRAWING = threading.Lock()  # matplotlib's shared state (fonts, caches) is not thread-safe: one chart at a time


async def in_thread(function: Callable[..., bytes | None], *args) -> bytes | None:
    return await asyncio.to_thread(function, *args)


def draw_chart(report: Report, locale: str) -> bytes | None:
    """The report's chart (PNG), or None; a module-level function, so a process of its own can run it."""
    with _DRAWING:
        return officer.chart_of(report, locale)


class ChartNeeded(Exception):
    """The report needs a chart nobody has drawn yet: the dispatcher has it drawn outside the transaction."""

    def __init__(self, key: str, report: Report, locale: str) -> None:
        super().__init__(key)
        self.key = key
        self._report = replace(report, phase=None)  # the phase is a row of the session, expired once it rolls back
        self._locale = locale

    async def draw(self, where: Draw = in_thread) -> bytes | None:
        return await where(draw_chart, self._report, self._locale)


def chart_key(report: Report, locale: str) -> str:
    """A digest of the figures as a whole (every field, whatever fields they gain) and the chart's language."""
    figures = {"locale": locale, "unit": asdict(report.unit), "children": [asdict(c) for c in report.children]}
    return hashlib.sha256(json.dumps(figures, sort_keys=True, default=str).encode()).hexdigest()[:40]


async def answer(tx: Transaction, incoming: Incoming, chat: BoundChat, unit: Unit, now: datetime,
                 charts: dict[str, bytes | None]) -> list[Outgoing]:
    """The group's report, or a line pointing to the one just sent, or nothing (already pointed to).

    `charts`: the charts drawn for this update (chart key -> PNG, None for a report without one).
    """
    group = _group_key(incoming)
    minute = int(now.timestamp() // EVERY.total_seconds())
    rows = await tx.outbox.by_keys([f"report:{group}:{m}" for m in (minute - 1, minute)])
    last = max(rows, key=_made_at, default=None)
    if last is not None and now - _made_at(last) < EVERY:
        return await _pointer(tx, incoming, group, last, unit, chat.locale, now)
    report, text = await officer.progress_text(tx, unit, chat.locale, now)
    key, image = await _chart(tx, incoming, group, report, chat.locale, charts)
    message = Outgoing(incoming.channel, incoming.chat_id, text, chat.locale, image=image)
    payload = {**message.payload(), "report": {"at": now.isoformat(), "chart": key}}
    outbox_id = await tx.outbox.add(incoming.channel, incoming.chat_id, payload, f"report:{group}:{minute}")
    if outbox_id is None:  # another process reported this minute after all: answer on fresh state
        raise Conflict(f"a report was queued for {incoming.channel} group {incoming.chat_id} meanwhile")
    return [replace(message, outbox_id=outbox_id)]


async def _chart(tx: Transaction, incoming: Incoming, group: str, report: Report, locale: str,
                 charts: dict[str, bytes | None]) -> tuple[str, str | None]:
    """The chart's key and stored token: the last report's when the figures are the same, else the one drawn."""
    key = chart_key(report, locale)
    last = await tx.outbox.last_keyed(incoming.channel, incoming.chat_id, f"report:{group}:")
    if last is not None and last.payload.get("report", {}).get("chart") == key:
        token = last.payload.get("image")
        if token is None or await tx.images.exists(token):  # None: these figures have no chart (no child units)
            return key, token
    if not charts:
        raise ChartNeeded(key, report, locale)
    # Drawn for this update. Figures that moved while it was drawn (a submission that second) keep the
    # chart of the figures it shows, under their key: the next report draws the new ones.
    key, png = (key, charts[key]) if key in charts else next(iter(charts.items()))
    return key, (await tx.images.add(png) if png else None)


async def _pointer(tx: Transaction, incoming: Incoming, group: str, last: Outbox, unit: Unit, locale: str,
                   now: datetime) -> list[Outgoing]:
    made = _made_at(last).astimezone(now.tzinfo)
    ready = made + EVERY
    if ready.second or ready.microsecond:  # the clock's next whole minute: from then on a new report comes
        ready = ready.replace(second=0, microsecond=0) + timedelta(minutes=1)
    text = locales.render("group.report_again", {"unit": unit.name, "time": made.strftime("%H:%M"),
                                                 "next": ready.strftime("%H:%M")}, locale)
    message = Outgoing(incoming.channel, incoming.chat_id, text, locale)
    outbox_id = await tx.outbox.add(incoming.channel, incoming.chat_id, message.payload(),
                                    f"report-again:{group}:{last.id}")
    return [replace(message, outbox_id=outbox_id)] if outbox_id is not None else []


def _made_at(row: Outbox) -> datetime:
    return datetime.fromisoformat(row.payload["report"]["at"])


def _group_key(incoming: Incoming) -> str:
    # Chat ids are the platform's, of any length: a digest keeps the dedupe key short and unique.
    return f"{incoming.channel}:{hashlib.sha256(incoming.chat_id.encode()).hexdigest()[:40]}"
