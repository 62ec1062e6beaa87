"""Chiến dịch cao điểm: an officer's or admin's peak campaigns for their subtree, in a private chat.

Listed (upcoming, running, just ended), opened, edited before they start (campaign_wizard asks
the questions), and cancelled, with the cancellation notice going out once.
"""

from __future__ import annotations

from datetime import date

from conversations.campaign_form import EDITABLE
from conversations.model import Choice, Reply
from conversations.text import id_after
from handlers import campaign_wizard
from handlers.campaign_pushes import announce_cancellation
from handlers.campaign_views import CampaignShown, listing, not_editable, owned, show, status
from handlers.staff import Call, Step, refuse, staff_menu
from storage.models import Campaign, Unit

__all__ = ["listing", "on_list", "on_campaign", "on_edit", "on_cancel", "status"]


async def on_list(call: Call) -> Step:
    intent = call.intent or ""
    if intent.startswith("cp:"):  # an id no campaign has is refused like one out of scope
        return await show(call, id_after(intent, "cp:") or 0)
    if intent == "cnew":
        return await campaign_wizard.start(call)
    if intent in ("/back", "/canbo"):
        return staff_menu(call)
    return await listing(call, lead=(Reply("error.choose_one", {"count": 0}),))


async def on_campaign(call: Call) -> Step:
    """One campaign's screen: edit (before it starts), cancel, or back to the list."""
    campaign_id = CampaignShown.from_meta(call.state.meta).campaign
    intent = call.intent or ""
    if intent == "cedit":
        return await ask_edit(call, campaign_id)
    if intent == "ccancel":
        return await ask_cancel(call, campaign_id)
    if intent in ("/back", "/chiendich"):
        return await listing(call)
    return await show(call, campaign_id, lead=(Reply("error.choose_one", {"count": 0}),))


async def ask_edit(call: Call, campaign_id: int, lead: tuple = ()) -> Step:
    refused = await not_editable(call, campaign_id)
    if refused is not None:
        return refused
    campaign = await call.tx.campaigns.get(campaign_id)
    offered = [Choice(f"cf:{f}", key=f"choice.campaign.field.{f}") for f in EDITABLE]
    reply = Reply("campaign.edit_what", {"name": campaign.name}, (*offered, Choice("/back", key="choice.back")))
    return CampaignShown(campaign_id).screen("campaign_edit", [*lead, reply])


async def on_edit(call: Call) -> Step:
    campaign_id = CampaignShown.from_meta(call.state.meta).campaign
    intent = call.intent or ""
    if intent == "/back":
        return await show(call, campaign_id)
    field = intent[3:] if intent.startswith("cf:") else None
    if field not in EDITABLE:
        return await ask_edit(call, campaign_id, lead=(Reply("error.choose_one", {"count": 0}),))
    refused = await not_editable(call, campaign_id)
    return refused or await campaign_wizard.edit(call, campaign_id, field)


async def ask_cancel(call: Call, campaign_id: int) -> Step:
    found = await _cancellable(call, campaign_id)
    if isinstance(found, Step):
        return found
    offered = (Choice("cyes", key="choice.campaign.yes_cancel"), Choice("/back", key="choice.campaign.keep"))
    reply = Reply("campaign.confirm_cancel", {"name": found[0].name}, offered, actions=True)
    return CampaignShown(campaign_id).screen("campaign_cancel", [reply])


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
    campaign_id = CampaignShown.from_meta(call.state.meta).campaign
    if (call.intent or "") not in ("cyes", "/yes"):
        return await show(call, campaign_id)
    found = await _cancellable(call, campaign_id)
    if isinstance(found, Step):
        return found
    campaign, unit = found
    await call.tx.campaigns.cancel(campaign, call.now)
    chats = await announce_cancellation(call.tx, campaign, unit, call.now)
    return await listing(call, lead=(Reply("campaign.cancelled", {"name": campaign.name, "chats": chats}),))
