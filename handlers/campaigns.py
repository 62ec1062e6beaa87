"""Chiến dịch cao điểm: an officer's or admin's peak campaigns for their subtree, in a private chat.

Listed (upcoming, running, just ended), opened, edited before they start (campaign_wizard asks
the questions), and cancelled, with the cancellation notice going out once. Every campaign
opened by a choice is checked against the person's scope: a forged id is refused.
"""

from __future__ import annotations

from datetime import date, timedelta

from conversations.model import Choice, Reply
from conversations.text import id_after
from handlers.staff import Call, Step, refuse, screen, staff_menu
from handlers.campaign_pushes import announce_cancellation
from storage.models import Campaign, Unit
from storage.repositories import Transaction

RECENT = timedelta(days=7)  # a campaign that just ended stays listed a week, so its close is visible
LISTED = 8
TOP_SHARES = 5  # child units shown with their share; the rest are counted


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
    return screen("campaign", [*lead, reply], campaign=campaign.id)


async def on_list(call: Call) -> Step:
    intent = call.intent or ""
    if intent.startswith("cp:"):  # an id no campaign has is refused like one out of scope
        return await show(call, id_after(intent, "cp:") or 0)
    if intent == "cnew":
        from handlers import campaign_wizard  # here: the wizard imports this module

        return await campaign_wizard.start(call)
    if intent in ("/back", "/canbo"):
        return staff_menu(call)
    return await listing(call, lead=(Reply("error.choose_one", {"count": 0}),))


async def on_campaign(call: Call) -> Step:
    """One campaign's screen: edit (before it starts), cancel, or back to the list."""
    campaign_id = call.state.meta["campaign"]
    intent = call.intent or ""
    if intent == "cedit":
        return await ask_edit(call, campaign_id)
    if intent == "ccancel":
        return await ask_cancel(call, campaign_id)
    if intent in ("/back", "/chiendich"):
        return await listing(call)
    return await show(call, campaign_id, lead=(Reply("error.choose_one", {"count": 0}),))


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


async def ask_edit(call: Call, campaign_id: int, lead: tuple = ()) -> Step:
    refused = await not_editable(call, campaign_id)
    if refused is not None:
        return refused
    campaign = await call.tx.campaigns.get(campaign_id)
    offered = [Choice(f"cf:{f}", key=f"choice.campaign.field.{f}") for f in ("name", "dates", "target", "slogan")]
    reply = Reply("campaign.edit_what", {"name": campaign.name}, (*offered, Choice("/back", key="choice.back")))
    return screen("campaign_edit", [*lead, reply], campaign=campaign_id)


async def on_edit(call: Call) -> Step:
    from handlers import campaign_wizard

    campaign_id = call.state.meta["campaign"]
    intent = call.intent or ""
    if intent == "/back":
        return await show(call, campaign_id)
    field = intent[3:] if intent.startswith("cf:") else None
    if field not in campaign_wizard.EDITABLE:
        return await ask_edit(call, campaign_id, lead=(Reply("error.choose_one", {"count": 0}),))
    refused = await not_editable(call, campaign_id)
    return refused or await campaign_wizard.edit(call, campaign_id, field)


async def ask_cancel(call: Call, campaign_id: int) -> Step:
    found = await _cancellable(call, campaign_id)
    if isinstance(found, Step):
        return found
    offered = (Choice("cyes", key="choice.campaign.yes_cancel"), Choice("/back", key="choice.campaign.keep"))
    reply = Reply("campaign.confirm_cancel", {"name": found[0].name}, offered, actions=True)
    return screen("campaign_cancel", [reply], campaign=campaign_id)


async def _cancellable(call: Call, campaign_id: int) -> tuple[Campaign, Unit] | Step:
    """The campaign and its unit, or the screen saying why it cannot be cancelled (checked again at confirm)."""
    found = await owned(call, campaign_id)
    if found is None:
        return refuse("campaign.outside_scope")
    told = _not_cancellable(found[0], call.now.date())
    return await show(call, campaign_id, lead=(told,)) if told is not None else found


def _not_cancellable(campaign: Campaign, today: date) -> Reply | None:
    """Why a campaign cannot be cancelled (already cancelled: no second notice; already over), or None."""
    if campaign.cancelled_at is not None:
        return Reply("campaign.cancelled_already", {"name": campaign.name})
    if status(campaign, today) == "ended":
        return Reply("campaign.ended_already", {"name": campaign.name})
    return None


async def on_cancel(call: Call) -> Step:
    campaign_id = call.state.meta["campaign"]
    if (call.intent or "") not in ("cyes", "/yes"):
        return await show(call, campaign_id)
    found = await _cancellable(call, campaign_id)
    if isinstance(found, Step):
        return found
    campaign, unit = found
    await call.tx.campaigns.cancel(campaign, call.now)
    chats = await announce_cancellation(call.tx, campaign, unit, call.now)
    return await listing(call, lead=(Reply("campaign.cancelled", {"name": campaign.name, "chats": chats}),))
