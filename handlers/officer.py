"""Officers' use cases in the chat: the progress report (/baocao), checked against their scope."""

from __future__ import annotations

from datetime import datetime

import locales
from handlers.messages import Incoming, Outgoing
from handlers.scope import Scope
from locales.chart import progress_chart
from storage.models import Member
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


async def report_for(tx: Transaction, member: Member | None, incoming: Incoming, locale: str, now: datetime) -> list[Outgoing]:
    """The progress report of each unit the member may report on, with a chart; a refusal otherwise."""
    scope = Scope(tuple(await tx.roles.scopes(member.id))) if member else Scope(())
    roots = scope.units("report")
    if not roots:
        text = locales.render("report.not_allowed", {}, locale)
        return [Outgoing(incoming.channel, incoming.chat_id, text, locale)]
    phase = await tx.phases.current(now.date())
    messages = []
    for path in roots[:3]:  # an officer of many units asks for one by code later; three is plenty in a chat
        unit = await tx.units.by_path(path)
        if unit is None:
            continue
        report = await progress(tx.session, unit, phase, now)
        png = chart_of(report, locale)
        image = await tx.images.add(png) if png else None
        text = locales.render("report.progress", as_params(report), locale)
        messages.append(Outgoing(incoming.channel, incoming.chat_id, text, locale, image=image))
    return messages
