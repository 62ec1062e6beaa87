"""A campaign's pushes to the bound groups of its subtree: announcement, daily countdown, closing summary, cancellation.

The scheduler's job (reminders/campaigns.py) sends what each day owes; the chat and the CLI announce at once
what cannot wait for the morning round (a campaign saved after the push time, a cancellation)."""

from __future__ import annotations

import logging
from datetime import datetime

import locales
from messaging.messages import Outgoing
from messaging.pushes import queue
from handlers.timetable import Timetable
from storage.models import Campaign, Unit
from storage.reports import Figures, progress, rollup
from storage.repositories import Transaction

log = logging.getLogger(__name__)
TOP = {"start": 0, "countdown": 3, "summary": 10}  # child units ranked in each message
ACTIVE_GRASSROOTS = 5


async def announce_if_due(tx: Transaction, campaign: Campaign, unit: Unit, timetable: Timetable, now: datetime) -> int | None:
    """A campaign saved to start today after the push time is announced now rather than tomorrow: to how many
    groups; None when the morning round will announce it."""
    if not timetable.past_push_time(campaign.starts_on, now):
        return None
    return await send(tx, campaign, unit, "start", timetable, now)


async def announce_cancellation(tx: Transaction, campaign: Campaign, unit: Unit, now: datetime) -> int:
    """The cancellation notice, once, to every bound group of the campaign's subtree."""
    params = {**_dates(campaign), "name": campaign.name, "unit": unit.name}
    return await _to_groups(tx, unit, campaign, "cancelled", "", params)


async def send(tx: Transaction, campaign: Campaign, unit: Unit, what: str, timetable: Timetable, now: datetime) -> int:
    targets = {**await tx.campaigns.targets(campaign.id), unit.id: campaign.target}
    report = await progress(tx.session, unit, campaign, now, targets)
    params = {
        **_dates(campaign), "name": campaign.name, "kind": campaign.kind, "unit": unit.name,
        "slogan": campaign.slogan or "", "target": campaign.target, "done": report.unit.submitted,
        "percent": report.unit.percent, "days": (campaign.ends_on - campaign.starts_on).days + 1,
        "days_left": timetable.days_left(campaign, now.date()),
        "top": [_line(f) for f in report.children[:TOP[what]]],
    }
    if what == "summary":
        everyone = await rollup(tx.session, unit, campaign, now, targets)
        params["grassroots"] = [_line(f) for f in _most_active(everyone)]
    period = now.date().isoformat() if what == "countdown" else ""
    return await _to_groups(tx, unit, campaign, what, period, params)


async def _to_groups(tx: Transaction, unit: Unit, campaign: Campaign, what: str, period: str, params: dict) -> int:
    """`push.campaign.<what>` to each group, in its language and with the link to its bot (a group's platform's)."""
    texts: dict[tuple[str, str], str] = {}
    queued = 0
    for chat, _ in await tx.bound_chats.receiving(under_path=unit.path, kind="group"):
        key = (chat.locale, chat.bot_link or "")
        if key not in texts:
            texts[key] = locales.render(f"push.campaign.{what}", {**params, "link": key[1]}, chat.locale)
        text = texts[key]
        message = Outgoing(chat.channel, chat.chat_id, text, chat.locale)
        queued += await queue(tx, chat, message, f"campaign:{campaign.id}:{what}", period)
    if queued:
        log.info("campaign %s: %s queued for %d groups", campaign.id, what, queued)
    return queued


def _most_active(ordered: list[Figures]) -> list[Figures]:
    """Grassroots units (the leaves, from the tree order) with the most initiatives sent in."""
    leaves = [f for f, after in zip(ordered, [*ordered[1:], None]) if after is None or after.level <= f.level]
    active = [f for f in leaves if f.submitted and f.level > 1]
    return sorted(active, key=lambda f: (-f.submitted, f.name))[:ACTIVE_GRASSROOTS]


def _line(figures: Figures) -> dict:
    return {"rank": figures.rank, "name": figures.name, "submitted": figures.submitted, "target": figures.target,
            "percent": figures.percent}


def _dates(campaign: Campaign) -> dict:
    return {"starts_on": campaign.starts_on.strftime("%d/%m/%Y"), "ends_on": campaign.ends_on.strftime("%d/%m/%Y")}
