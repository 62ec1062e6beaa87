"""Officers' use cases in the chat: the progress report (/baocao), checked against their scope."""

from __future__ import annotations

from datetime import datetime

import locales
from handlers.messages import Incoming, Outgoing
from handlers.scope import Scope
from locales.chart import progress_chart
from storage.models import Member, Unit
from storage.reports import Report, progress
from storage.repositories import Transaction

REPORT_COMMANDS = {"baocao", "report", "tiendo"}


def as_params(report: Report) -> dict:
    def figures(f) -> dict:
        return {
            "name": f.name,
            "code": f.code,
            "submitted": f.submitted,
            "valid": f.valid,
            "under_review": f.under_review,
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


def chart_of(report: Report, locale: str) -> bytes | None:
    rows = [{"name": c.name, "percent": c.percent} for c in report.children]
    return progress_chart(report.unit.name, rows, locale) if rows else None


async def units_asked(tx: Transaction, scope: Scope, action: str, code: str) -> tuple[list[Unit], str | None]:
    """The units an officer's command is about: the one named by code, or the roots of their scope.

    The second value is the locale key of a refusal, when there is one.
    """
    roots = scope.units(action)
    if not roots:
        return [], "report.not_allowed" if action == "report" else "staff.not_allowed"
    code = code.split()[0] if code.split() else ""
    if code:
        unit = await tx.units.by_code(code)
        if unit is None:
            return [], "staff.scope.unknown_unit"
        return ([unit], None) if scope.can(action, unit.path) else ([], "staff.scope.outside_scope")
    units = [await tx.units.by_path(path) for path in roots[:3]]  # three is plenty in a chat; more by code
    return [u for u in units if u is not None], None


async def report_for(
    tx: Transaction, member: Member | None, incoming: Incoming, locale: str, now: datetime, code: str = ""
) -> list[Outgoing]:
    """The progress report of each unit the member may report on (or the one named), with a chart."""
    scope = Scope(tuple(await tx.roles.scopes(member.id))) if member else Scope(())
    units, refusal = await units_asked(tx, scope, "report", code)
    if refusal:
        text = locales.render(refusal, {"code": code.strip()}, locale)
        return [Outgoing(incoming.channel, incoming.chat_id, text, locale)]
    messages = []
    for unit in units:
        messages += await unit_report(tx, unit, incoming, locale, now)
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
