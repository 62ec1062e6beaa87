"""Officers' use cases in the chat: the progress report (/baocao), checked against their scope."""

from __future__ import annotations

from datetime import datetime

import locales
from conversations.model import Choice, Reply
from messaging.messages import Incoming, Outgoing
from handlers.scope import Scope
from handlers.turn import Turn
from documents.chart import progress_chart
from storage.models import Unit
from storage.reports import Report, progress
from storage.repositories import Transaction

CANDIDATES = 6  # units a name may fit and still be listed to pick from; more asks for more of the name
ROOTS_SEARCHED = 5  # scope roots a typed name is looked for under (a person has one or two)
MAX_ASKED = 120  # characters of a typed name looked for: longer than any unit's name, and every word is a query


def as_params(report: Report) -> dict:
    def figures(f) -> dict:
        return {
            "name": f.name,
            "code": f.code,
            "submitted": f.submitted,
            "valid": f.valid,
            "under_review": f.under_review,
            "needs_changes": f.needs_changes,
            "rejected": f.rejected,
            "statuses": f.by_status,  # what was sent in, split by status: the parts add up to `submitted`
            "participants": f.participants,
            "target": f.target,
            "percent": f.percent,
            "since_yesterday": f.since_yesterday,
            "value": f.value,
            "rank": f.rank,
        }

    return {
        "unit": figures(report.unit),
        "children": [figures(c) for c in report.children],
        "phase": report.phase.name if report.phase else None,
    }


def chart_rows(report: Report) -> list[dict]:
    """What the chart draws of each child unit: its % of target, split by status."""
    return [{"name": c.name, "code": c.code, "percent": c.percent, "target": c.target, "statuses": c.by_status}
            for c in report.children]


def chart_of(report: Report, locale: str) -> bytes | None:
    rows = chart_rows(report)
    return progress_chart(report.unit.name, rows, locale) if rows else None


async def units_asked(tx: Transaction, scope: Scope, action: str, asked: str,
                      pick: bool = False) -> tuple[list[Unit], Reply | None]:
    """The units an officer's command is about: the one named (by code or name), or the roots of their scope.

    The second value is a refusal, when there is one: not allowed, no such unit, outside the scope, or
    a name that fits several units (listed; with `pick`, as choices the screen takes back as "unit:<id>").
    """
    roots = scope.units(action)
    if not roots:
        return [], Reply("report.not_allowed" if action == "report" else "staff.not_allowed")
    asked = " ".join(asked.split())[:MAX_ASKED]
    if not asked:
        units = [await tx.units.by_path(path) for path in roots[:3]]  # three is plenty in a chat; more by name
        return [u for u in units if u is not None], None
    found: dict[int, Unit] = {}
    for root in roots[:ROOTS_SEARCHED]:
        found |= {u.id: u for u in await tx.units.find(asked, CANDIDATES + 1, within=root)}
    units = [u for u in found.values() if scope.can(action, u.path)]
    if len(units) == 1:
        return units, None
    if not units:
        key = "staff.scope.outside_scope" if await tx.units.find(asked, 1) else "staff.scope.no_unit_named"
        return [], Reply(key, {"code": asked})
    return [], which_unit(asked, units, pick)


def which_unit(asked: str, units: list[Unit], pick: bool) -> Reply:
    """Several units fit what was typed: name them (a few at most), or ask for more of the name."""
    if len(units) > CANDIDATES:
        return Reply("report.too_many_units", {"query": asked})
    listed = [{"name": u.name, "code": u.code} for u in units]
    choices = tuple(Choice(f"unit:{u.id}", label=f"{u.name} ({u.code})") for u in units) if pick else ()
    return Reply("report.which_unit", {"query": asked, "units": listed, "pick": pick}, choices)


async def report_for(turn: Turn) -> list[Outgoing]:
    """The progress report of each unit the member may report on (or the one named), with a chart."""
    units, refusal = await units_asked(turn.tx, turn.scope, "report", turn.event.args)
    if refusal:
        text = locales.render(refusal.key, refusal.params, turn.locale)
        return [Outgoing(turn.incoming.channel, turn.incoming.chat_id, text, turn.locale)]
    messages = []
    for unit in units:
        messages += await unit_report(turn.tx, unit, turn.incoming, turn.locale, turn.now)
    return messages


async def unit_report(tx: Transaction, unit: Unit, incoming: Incoming, locale: str, now: datetime) -> list[Outgoing]:
    """One unit's progress report (in the current phase) with its chart, for the chat of `incoming`."""
    text, image = await progress_message(tx, unit, locale, now)
    return [Outgoing(incoming.channel, incoming.chat_id, text, locale, image=image)]


async def progress_message(tx: Transaction, unit: Unit, locale: str, now: datetime, key: str = "report.progress",
                           **params) -> tuple[str, str | None]:
    """The text and the stored chart (a token, or None) of a unit's progress report."""
    report, text = await progress_text(tx, unit, locale, now, key, **params)
    png = chart_of(report, locale)
    image = await tx.images.add(png) if png else None
    return text, image


async def progress_text(tx: Transaction, unit: Unit, locale: str, now: datetime, key: str = "report.progress",
                        **params) -> tuple[Report, str]:
    """A unit's figures in the current phase, and the text of its report."""
    phase = await tx.phases.current(now.date())
    report = await progress(tx.session, unit, phase, now)
    return report, locales.render(key, {**as_params(report), **params}, locale)
