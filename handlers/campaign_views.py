"""Chiến dịch cao điểm as an officer sees them: the list of their subtree's campaigns and one campaign's facts.

The screens the campaign screens and the wizard both come back to. Every campaign opened by a choice
is checked against the person's scope: a forged id is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from conversations.model import Choice, Reply
from handlers.screen_state import ScreenState
from handlers.staff import Call, Step, refuse, screen
from storage.models import Campaign, Unit
from storage.repositories import Transaction

RECENT = timedelta(days=7)  # a campaign that just ended stays listed a week, so its close is visible
LISTED = 8
TOP_SHARES = 5  # child units shown with their share; the rest are counted


@dataclass(frozen=True)
class CampaignShown(ScreenState):
    campaign: int  # the campaign opened, being edited or cancelled


def status(campaign: Campaign, today: date) -> str:
    """sắp diễn ra, đang diễn ra, đã kết thúc or đã huỷ, as a catalog key's last part."""
    if campaign.cancelled_at is not None:
        return "cancelled"
    if today < campaign.starts_on:
        return "upcoming"
    return "running" if today <= campaign.ends_on else "ended"


def day(value: date) -> dict:
    return {"date": value.isoformat(), "precision": "day"}  # the shape the `applied` filter prints


async def child_units(tx: Transaction, unit: Unit) -> list[Unit]:
    return await tx.units.children(unit.id)


def facts(*, name: str, kind: str, unit: Unit, starts: date, ends: date, target: int, slogan: str | None,
          shares: dict[int, int], children: list[Unit], status: str | None = None) -> dict:
    """A campaign (or the wizard's draft) as the templates show it, with the largest child shares."""
    names = {u.id: u.name for u in children}
    ranked = sorted(((names.get(i, "?"), n) for i, n in shares.items()), key=lambda s: (-s[1], s[0]))
    return {
        "name": name, "kind": kind, "unit": unit.name, "starts": day(starts), "ends": day(ends),
        "days": (ends - starts).days + 1, "target": target, "slogan": slogan or "", "status": status or "",
        "shares": [{"unit": u, "target": n} for u, n in ranked[:TOP_SHARES]], "more": max(len(ranked) - TOP_SHARES, 0),
    }  # fmt: skip


async def facts_of(tx: Transaction, campaign: Campaign, unit: Unit, today: date) -> dict:
    return facts(
        name=campaign.name, kind=campaign.kind, unit=unit, starts=campaign.starts_on, ends=campaign.ends_on,
        target=campaign.target, slogan=campaign.slogan, shares=await tx.campaigns.targets(campaign.id),
        children=await child_units(tx, unit), status=status(campaign, today),
    )


async def owned(call: Call, campaign_id: int) -> tuple[Campaign, Unit] | None:
    """The campaign with its unit, if it lies in the person's campaign scope."""
    campaign = await call.tx.campaigns.get(campaign_id)
    unit = await call.tx.units.get(campaign.unit_id) if campaign else None
    if unit is None or not call.scope.can("campaign", unit.path):
        return None
    return campaign, unit


async def listing(call: Call, lead: tuple = ()) -> Step:
    roots = call.scope.units("campaign")
    if not roots:
        return refuse()
    today = call.now.date()
    rows = (await call.tx.campaigns.listing(roots, since=today - RECENT))[:LISTED]
    shown = [
        {"name": c.name, "unit": u.name, "starts": day(c.starts_on), "ends": day(c.ends_on), "target": c.target,
         "status": status(c, today)}
        for c, u in rows
    ]  # fmt: skip
    offered = [Choice(f"cp:{c.id}", key="choice.campaign.item", params={"name": c.name, "starts": day(c.starts_on)}) for c, _ in rows]
    offered += [Choice("cnew", key="choice.campaign.new"), Choice("/canbo", key="choice.back")]
    return screen("campaigns", [*lead, Reply("campaign.list", {"campaigns": shown}, tuple(offered))])


async def show(call: Call, campaign_id: int, lead: tuple = ()) -> Step:
    found = await owned(call, campaign_id)
    if found is None:
        return refuse("campaign.outside_scope")
    campaign, unit = found
    params = await facts_of(call.tx, campaign, unit, call.now.date())
    offered = []
    if params["status"] == "upcoming":
        offered.append(Choice("cedit", key="choice.campaign.edit"))
    if params["status"] in ("upcoming", "running"):
        offered.append(Choice("ccancel", key="choice.campaign.cancel"))
    offered.append(Choice("/back", key="choice.back"))
    reply = Reply("campaign.facts", {"c": params}, tuple(offered))
    return CampaignShown(campaign.id).screen("campaign", [*lead, reply])


async def not_editable(call: Call, campaign_id: int) -> Step | None:
    """A refusal when the campaign cannot be edited any more (started, ended or cancelled)."""
    found = await owned(call, campaign_id)
    if found is None:
        return refuse("campaign.outside_scope")
    campaign, _ = found
    state = status(campaign, call.now.date())
    if state != "upcoming":
        told = Reply("campaign.not_editable", {"name": campaign.name, "status": state, "starts": day(campaign.starts_on)})
        return await show(call, campaign.id, lead=(told,))
    return None
