"""Tạo chiến dịch: the short wizard that makes a peak campaign, and its questions again to edit one before it starts.

The answers so far (the draft) live in the screen's state: nothing is stored until the summary
is confirmed, and then the scope and the start date are checked once more.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from conversations import lexicon
from conversations.model import Choice, Reply
from conversations.text import collapse_spaces, fold, id_after
from handlers import campaigns
from handlers.campaign_days import YEARS_AHEAD, furthest, next_weekday, parse_day
from handlers.campaigns import child_units, day
from handlers.staff import Call, Step, refuse, screen, staff_menu, units_in_scope
from handlers.campaign_pushes import announce_if_due
from storage.models import CAMPAIGN_DAYS, CAMPAIGN_KINDS
from storage.repositories.campaigns import split_target

NAME_MAX = 200
SLOGAN_MAX = 300  # the column's size
TARGET_MAX = 10_000_000  # far above any subtree's; a slip of the finger must not overflow the column
SLOGAN = "Tự hào trí tuệ lao động Việt Nam"
ORDER = ("unit", "name", "kind", "start", "end", "target", "slogan", "confirm")
FLOWS = {f"campaign_{step}" for step in ORDER}
FREE_TEXT = {f"campaign_{step}" for step in ("unit", "name", "start", "end", "target", "slogan")}
EDITABLE = {"name": "name", "dates": "start", "target": "target", "slogan": "slogan"}  # what to edit -> first question
BACK = Choice("/back", key="choice.back")


async def start(call: Call) -> Step:
    if not call.scope.units("campaign"):
        return refuse()
    roots = await units_in_scope(call, "campaign")
    if len(roots) == 1 and not await child_units(call.tx, roots[0]):
        return await ask(call, "name", _with_unit({}, roots[0]))  # a grassroots officer: their own unit
    return await ask(call, "unit", {"asked_unit": True})


async def edit(call: Call, campaign_id: int, field: str) -> Step:
    """Ask for one field of a campaign that has not started (the caller checked scope and dates)."""
    campaign = await call.tx.campaigns.get(campaign_id)
    unit = await call.tx.units.get(campaign.unit_id)
    draft = _with_unit({"editing": campaign.id, "field": field, "name": campaign.name, "kind": campaign.kind,
                        "starts": campaign.starts_on.isoformat(), "ends": campaign.ends_on.isoformat(),
                        "target": campaign.target, "slogan": campaign.slogan}, unit)  # fmt: skip
    return await ask(call, EDITABLE[field], draft)


def _with_unit(draft: dict, unit) -> dict:
    return {**draft, "unit": unit.id, "unit_name": unit.name, "members": unit.member_count}


def ten_percent(draft: dict) -> int:
    return max(1, math.ceil(draft["members"] / 10))


async def ask(call: Call, step: str, draft: dict, lead: tuple = (), units: list | None = None) -> Step:
    today = call.now.date()
    editing = "editing" in draft
    if step == "unit":
        offered = [Choice(f"cu:{u.id}", label=u.name) for u in units or await units_in_scope(call, "campaign")]
        reply = Reply("campaign.ask_unit", {}, (*offered, BACK))
    elif step == "name":
        reply = Reply("campaign.ask_name", {"unit": draft["unit_name"], "current": draft["name"] if editing else ""}, (BACK,))
    elif step == "kind":
        offered = [Choice(f"kind:{k}", key=f"campaign.kind.{k}") for k in CAMPAIGN_KINDS]
        reply = Reply("campaign.ask_kind", {}, (*offered, BACK))
    elif step == "start":
        monday = next_weekday(today, 0)
        current = day(date.fromisoformat(draft["starts"])) if editing else None
        offered = (Choice(f"day:{monday.isoformat()}", key="choice.campaign.next_monday", params={"day": day(monday)}), BACK)
        reply = Reply("campaign.ask_start", {"example": day(monday), "current": current}, offered)
    elif step == "end":
        reply = Reply("campaign.ask_end", {"starts": day(date.fromisoformat(draft["starts"]))}, (BACK,))
    elif step == "target":
        starts, ends = date.fromisoformat(draft["starts"]), date.fromisoformat(draft["ends"])
        params = {"unit": draft["unit_name"], "starts": day(starts), "ends": day(ends), "days": (ends - starts).days + 1,
                  "current": draft["target"] if editing else 0}  # fmt: skip
        offered = (Choice("target:default", key="choice.campaign.ten_percent", params={"target": ten_percent(draft)}), BACK)
        reply = Reply("campaign.ask_target", params, offered)
    elif step == "slogan":
        offered = (Choice("slogan:default", key="choice.campaign.slogan", params={"slogan": SLOGAN}),
                   Choice("/skip", key="choice.campaign.no_slogan"), BACK)  # fmt: skip
        reply = Reply("campaign.ask_slogan", {"current": (draft.get("slogan") or "") if editing else ""}, offered)
    else:
        params = {"c": await _facts(call, draft), "above": await _above_share(call, draft)}
        reply = Reply("campaign.summary", params, (Choice("ccreate", key="choice.campaign.create"), BACK))
    return screen(f"campaign_{step}", [*lead, reply], draft=draft)


async def _facts(call: Call, draft: dict) -> dict:
    unit = await call.tx.units.get(draft["unit"])
    children = await child_units(call.tx, unit)
    return campaigns.facts(
        name=draft["name"], kind=draft["kind"], unit=unit, starts=date.fromisoformat(draft["starts"]),
        ends=date.fromisoformat(draft["ends"]), target=draft["target"], slogan=draft.get("slogan"),
        shares=split_target(draft["target"], children), children=children,
    )


async def _above_share(call: Call, draft: dict) -> list[dict]:
    """The parent campaigns running at the same time whose share for this unit the target goes above:
    the officer sees both numbers before saving (and may still save)."""
    given = await call.tx.campaigns.shares_given(draft["unit"], date.fromisoformat(draft["starts"]), date.fromisoformat(draft["ends"]))
    return [{"name": c.name, "unit": u.name, "share": share} for c, u, share in given if draft["target"] > share]


async def on_answer(call: Call) -> Step:
    step = call.state.flow.removeprefix("campaign_")
    draft = dict(call.state.meta.get("draft") or {})
    text = collapse_spaces(call.event.text) if call.event.kind == "text" else ""
    intent = call.intent or ""  # a number picks an option shown; any other number is the answer (a target, a day)
    if intent == "/back":
        return await _back(call, step, draft)
    if intent == "/canbo":
        return staff_menu(call)
    return await READ[step](call, draft, intent, text)


async def _read_unit(call: Call, draft: dict, intent: str, text: str) -> Step:
    if intent.startswith("cu:"):
        unit = await call.tx.units.get(id_after(intent, "cu:") or 0)
        if unit is None or not call.scope.can("campaign", unit.path):
            return refuse("campaign.unit_outside_scope")
        return await ask(call, "name", _with_unit(draft, unit))
    found = await units_in_scope(call, "campaign", text)
    lead = () if found else (Reply("campaign.no_unit", {"query": text}),)
    return await ask(call, "unit", draft, lead, units=found)


async def _read_name(call: Call, draft: dict, intent: str, text: str) -> Step:
    if text and not any(ch.isalpha() for ch in text):  # "🔥🔥", "!!!", "2026": nothing a group could call it by
        return await ask(call, "name", draft, (Reply("campaign.name_needs_letters"),))
    if intent in lexicon.NON_ANSWERS or not 2 <= len(text) <= NAME_MAX:  # "ko", "ok", "giúp với" name nothing
        return await ask(call, "name", draft, (Reply("campaign.name_needed", {"max": NAME_MAX}),))
    return await _next(call, "name", {**draft, "name": text})


async def _read_kind(call: Call, draft: dict, intent: str, text: str) -> Step:
    if intent == "/explain":  # "ko biết", "giúp với": what each kind means
        return await ask(call, "kind", draft, (Reply("campaign.kind_help"),))
    kind = intent[5:] if intent.startswith("kind:") else None
    if kind not in CAMPAIGN_KINDS:
        return await ask(call, "kind", draft, (Reply("error.choose_one", {"count": len(CAMPAIGN_KINDS) + 1}),))
    return await _next(call, "kind", {**draft, "kind": kind})


async def _read_start(call: Call, draft: dict, intent: str, text: str) -> Step:
    today = call.now.date()
    starts = parse_day(intent[4:] if intent.startswith("day:") else text, today)
    if starts is None:
        return await ask(call, "start", draft, (Reply("campaign.bad_date", {"text": text[:40], "example": day(next_weekday(today, 0))}),))
    if starts < today:
        return await ask(call, "start", draft, (Reply("campaign.past_date", {"today": day(today)}),))
    if starts > furthest(today):  # its end (start + the kind's days) must stay a date too
        return await ask(call, "start", draft, (_too_far(text, today, next_weekday(today, 0)),))
    draft = {**draft, "starts": starts.isoformat()}
    if draft["kind"] != "custom":
        draft["ends"] = (starts + timedelta(days=CAMPAIGN_DAYS[draft["kind"]] - 1)).isoformat()
    return await _next(call, "start", draft)


async def _read_end(call: Call, draft: dict, intent: str, text: str) -> Step:
    starts = date.fromisoformat(draft["starts"])
    ends = parse_day(text, starts)
    if ends is None:
        return await ask(call, "end", draft, (Reply("campaign.bad_date", {"text": text[:40], "example": day(starts + timedelta(days=13))}),))
    if ends < starts:
        return await ask(call, "end", draft, (Reply("campaign.end_before_start", {"starts": day(starts)}),))
    if ends > furthest(starts):
        return await ask(call, "end", draft, (_too_far(text, starts, starts + timedelta(days=13)),))
    return await _next(call, "end", {**draft, "ends": ends.isoformat()})


def _too_far(text: str, since: date, example: date) -> Reply:
    params = {"text": text[:40], "years": YEARS_AHEAD, "latest": day(furthest(since)), "example": day(example)}
    return Reply("campaign.far_date", params)


async def _read_target(call: Call, draft: dict, intent: str, text: str) -> Step:
    digits = re.sub(r"[\s.,]", "", text)
    target = ten_percent(draft) if intent == "target:default" else int(digits) if digits.isdigit() else 0
    if not 1 <= target <= TARGET_MAX:
        return await ask(call, "target", draft, (Reply("campaign.bad_target", {"max": TARGET_MAX}),))
    return await _next(call, "target", {**draft, "target": target})


async def _read_slogan(call: Call, draft: dict, intent: str, text: str) -> Step:
    if intent in ("slogan:default", "/skip", "/no", "/dont_know") or _no_slogan(text):  # "không cần", "ko can": none
        return await _next(call, "slogan", {**draft, "slogan": SLOGAN if intent == "slogan:default" else None})
    if not text or intent in lexicon.NON_ANSWERS:
        return await ask(call, "slogan", draft)
    if len(text) > SLOGAN_MAX:
        return await ask(call, "slogan", draft, (Reply("campaign.slogan_needed", {"max": SLOGAN_MAX}),))
    return await _next(call, "slogan", {**draft, "slogan": text})


def _no_slogan(text: str) -> bool:
    """ "ko can khau hieu", "khỏi slogan": a refusal once the word for slogan is taken off (never stored as one)."""
    rest = _SLOGAN_WORDS.sub(" ", fold(text)).strip()
    return bool(rest) and lexicon.intent(rest) in ("/no", "/skip")


async def _read_confirm(call: Call, draft: dict, intent: str, text: str) -> Step:
    if intent not in ("ccreate", "/confirm", "/yes"):
        return await ask(call, "confirm", draft, (Reply("error.choose_one", {"count": 0}),))
    unit = await call.tx.units.get(draft["unit"])
    if unit is None or not call.scope.can("campaign", unit.path):
        return refuse("campaign.unit_outside_scope")
    today = call.now.date()
    if date.fromisoformat(draft["starts"]) < today:  # the day turned while the summary waited
        return await ask(call, "start", draft, (Reply("campaign.past_date", {"today": day(today)}),))
    campaign = await call.tx.campaigns.create(
        name=draft["name"], kind=draft["kind"], unit=unit, starts_on=date.fromisoformat(draft["starts"]),
        ends_on=date.fromisoformat(draft["ends"]), target=draft["target"], slogan=draft.get("slogan"),
        created_by_id=call.member.id,
    )
    announced = await announce_if_due(call.tx, campaign, unit, call.timetable, call.now) if call.timetable else None
    params = {"c": await campaigns.facts_of(call.tx, campaign, unit, today), "announced": announced,
              "time": call.timetable.daily_time if call.timetable else ""}  # fmt: skip
    return await campaigns.listing(call, lead=(Reply("campaign.created", params),))


async def _next(call: Call, step: str, draft: dict) -> Step:
    if "editing" in draft and not (step == "start" and draft["kind"] == "custom"):
        return await _save(call, draft)
    following = ORDER[ORDER.index(step) + 1]
    if following == "end" and draft["kind"] != "custom":
        following = "target"
    return await ask(call, following, draft)


async def _back(call: Call, step: str, draft: dict) -> Step:
    if "editing" in draft:
        return await campaigns.show(call, draft["editing"]) if step != "end" else await ask(call, "start", draft)
    earlier = [s for s in ORDER[: ORDER.index(step)] if not _skipped(s, draft)]
    return await ask(call, earlier[-1], draft) if earlier else await campaigns.listing(call)


def _skipped(step: str, draft: dict) -> bool:
    return (step == "unit" and not draft.get("asked_unit")) or (step == "end" and draft.get("kind") != "custom")


async def _save(call: Call, draft: dict) -> Step:
    """Write the edited field; the child units' shares stay unless the target changed."""
    refused = await campaigns.not_editable(call, draft["editing"])
    if refused is not None:
        return refused
    campaign = await call.tx.campaigns.get(draft["editing"])
    field = draft["field"]
    if field == "dates":
        changes = {"starts_on": date.fromisoformat(draft["starts"]), "ends_on": date.fromisoformat(draft["ends"])}
    else:
        changes = {field: draft[field]}
    kept = None if changes.get("target", campaign.target) != campaign.target else await call.tx.campaigns.targets(campaign.id)
    try:
        await call.tx.campaigns.edit(campaign, per_unit=kept or None, **changes)
    except ValueError:  # the tree changed under the kept shares: split by member share again
        await call.tx.campaigns.edit(campaign)
    announced = None
    if field == "dates" and call.timetable:  # moved to start today, after the push time
        announced = await announce_if_due(call.tx, campaign, await call.tx.units.get(campaign.unit_id), call.timetable, call.now)
    return await campaigns.show(call, campaign.id, lead=(Reply("campaign.saved", {"name": campaign.name, "announced": announced}),))


READ = {
    "unit": _read_unit, "name": _read_name, "kind": _read_kind, "start": _read_start, "end": _read_end,
    "target": _read_target, "slogan": _read_slogan, "confirm": _read_confirm,
}  # fmt: skip

_SLOGAN_WORDS = re.compile(r"\b(?:khau hieu|slogan)\b")
