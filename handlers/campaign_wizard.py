"""Tạo chiến dịch: the campaign wizard (conversations.campaign_form) walked in a private chat, and its
questions again to edit one before it starts.

The answers so far (the draft) live in the screen's state: nothing is stored until the summary is
confirmed, and then the scope and the start date are checked once more. Only what needs storage is
here: the units in scope, the summary's shares, saving and announcing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from conversations import campaign_rules as rules
from conversations.campaign_form import CAMPAIGN, EDITABLE
from conversations.model import Choice, Reply
from conversations.officer_form import Again, Lookup, Question, prompt, read, shown_value
from conversations.text import collapse_spaces
from handlers.campaign_pushes import announce_if_due
from handlers.campaign_views import child_units, facts, facts_of, listing, not_editable, show
from handlers.screen_state import ScreenState
from handlers.staff import Call, Step, refuse, staff_menu, units_in_scope
from storage.repositories.campaigns import split_target

FLOWS = CAMPAIGN.screens
FREE_TEXT = {CAMPAIGN.screen(q) for q in CAMPAIGN.questions if q.kind in ("unit", "text", "day", "number")}
SAVED = tuple(q.key for q in CAMPAIGN.questions if q.kind not in ("unit", "confirm"))  # a campaign's own columns
COLUMNS = {"starts": "starts_on", "ends": "ends_on"}  # the draft's keys that the table names otherwise


@dataclass(frozen=True)
class Wizard(ScreenState):
    draft: dict = field(default_factory=dict)  # the answers so far, by the form's keys


async def start(call: Call) -> Step:
    if not call.scope.units("campaign"):
        return refuse()
    roots = await units_in_scope(call, "campaign")
    if len(roots) == 1 and not await child_units(call.tx, roots[0]):
        return await ask(call, CAMPAIGN.get("name"), _with_unit({}, roots[0]))  # a grassroots officer: their own unit
    return await ask(call, CAMPAIGN.get("unit"), {"asked_unit": True})


async def edit(call: Call, campaign_id: int, what: str) -> Step:
    """Ask for one field of a campaign that has not started (the caller checked scope and dates)."""
    campaign = await call.tx.campaigns.get(campaign_id)
    unit = await call.tx.units.get(campaign.unit_id)
    stored = {key: getattr(campaign, COLUMNS.get(key, key)) for key in SAVED}
    answers = {key: value.isoformat() if isinstance(value, date) else value for key, value in stored.items()}
    draft = _with_unit({"editing": campaign.id, "field": what, **answers}, unit)
    return await ask(call, CAMPAIGN.get(EDITABLE[what][0]), draft)


def _with_unit(draft: dict, unit) -> dict:
    return {**draft, "unit": unit.id, "unit_name": unit.name, "members": unit.member_count}


async def ask(call: Call, question: Question, draft: dict, lead: tuple = (), units: list | None = None) -> Step:
    today, editing = call.now.date(), "editing" in draft
    if question.kind == "unit":
        offered = tuple(Choice(f"cu:{u.id}", label=u.name) for u in units or await units_in_scope(call, "campaign"))
        reply = prompt(CAMPAIGN, question, draft, today, offered=offered, params={"example": _example(offered)})
    elif question.kind == "confirm":
        params = {"c": await _facts(call, draft), "above": await _above_share(call, draft)}
        reply = prompt(CAMPAIGN, question, draft, today, offered=(Choice("ccreate", key="choice.campaign.create"),), params=params)
    else:
        reply = prompt(CAMPAIGN, question, draft, today, editing=editing)
    return Wizard(draft).screen(CAMPAIGN.screen(question), [*lead, reply])


def _example(offered: tuple[Choice, ...]) -> str:
    return offered[0].label or "" if offered else ""


async def _facts(call: Call, draft: dict) -> dict:
    unit = await call.tx.units.get(draft["unit"])
    children = await child_units(call.tx, unit)
    return facts(
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
    question = CAMPAIGN.at(call.state.flow)
    draft = dict(Wizard.from_meta(call.state.meta).draft)
    text = collapse_spaces(call.event.text) if call.event.kind == "text" else ""
    intent = call.intent or ""  # a number picks an option shown; any other number is the answer (a target, a day)
    if intent == "/back":
        return await _back(call, question, draft)
    if intent == "/canbo":
        return staff_menu(call)
    outcome = read(question, draft, text, intent, call.now.date())
    if isinstance(outcome, Lookup):
        return await _read_unit(call, draft, outcome)
    if isinstance(outcome, Again):
        return await ask(call, question, draft, outcome.lead)
    if question.kind == "confirm":
        return await _create(call, draft)
    return await _next(call, question, outcome.draft)


async def _read_unit(call: Call, draft: dict, outcome: Lookup) -> Step:
    if outcome.picked is not None:
        unit = await call.tx.units.get(outcome.picked)
        if unit is None or not call.scope.can("campaign", unit.path):
            return refuse("campaign.unit_outside_scope")
        return await _next(call, CAMPAIGN.get("unit"), _with_unit(draft, unit))
    found = await units_in_scope(call, "campaign", outcome.text)
    lead = () if found else (Reply("campaign.no_unit", {"query": outcome.text}),)
    return await ask(call, CAMPAIGN.get("unit"), draft, lead, units=found)


async def _create(call: Call, draft: dict) -> Step:
    unit = await call.tx.units.get(draft["unit"])
    if unit is None or not call.scope.can("campaign", unit.path):
        return refuse("campaign.unit_outside_scope")
    today = call.now.date()
    told = rules.start_refusal(date.fromisoformat(draft["starts"]), today)  # the day turned while the summary waited
    if told is not None:
        return await ask(call, CAMPAIGN.get("start"), draft, (Reply(told.key, {k: shown_value(v) for k, v in told.params.items()}),))
    campaign = await call.tx.campaigns.create(unit=unit, created_by_id=call.member.id, **_columns(draft, SAVED))
    announced = await announce_if_due(call.tx, campaign, unit, call.timetable, call.now) if call.timetable else None
    params = {"c": await facts_of(call.tx, campaign, unit, today), "announced": announced,
              "time": call.timetable.daily_time if call.timetable else ""}  # fmt: skip
    return await listing(call, lead=(Reply("campaign.created", params),))


def _columns(draft: dict, keys) -> dict:
    """The draft's answers as the table's columns (days as dates)."""
    return {COLUMNS.get(k, k): date.fromisoformat(draft[k]) if k in COLUMNS else draft.get(k) for k in keys}


async def _next(call: Call, question: Question, draft: dict) -> Step:
    within = EDITABLE[draft["field"]] if "editing" in draft else None
    following = CAMPAIGN.following(question.step, draft, within)
    if following is None:
        return await _save(call, draft)
    return await ask(call, following, draft)


async def _back(call: Call, question: Question, draft: dict) -> Step:
    within = EDITABLE[draft["field"]] if "editing" in draft else None
    earlier = CAMPAIGN.earlier(question.step, draft, within)
    if earlier is not None:
        return await ask(call, earlier, draft)
    return await show(call, draft["editing"]) if "editing" in draft else await listing(call)


async def _save(call: Call, draft: dict) -> Step:
    """Write the edited field; the child units' shares stay unless the target changed."""
    refused = await not_editable(call, draft["editing"])
    if refused is not None:
        return refused
    campaign = await call.tx.campaigns.get(draft["editing"])
    changes = _columns(draft, [CAMPAIGN.get(step).key for step in EDITABLE[draft["field"]]])
    kept = None if changes.get("target", campaign.target) != campaign.target else await call.tx.campaigns.targets(campaign.id)
    try:
        await call.tx.campaigns.edit(campaign, per_unit=kept or None, **changes)
    except ValueError:  # the tree changed under the kept shares: split by member share again
        await call.tx.campaigns.edit(campaign)
    announced = None
    if "starts_on" in changes and call.timetable:  # moved to start today, after the push time
        announced = await announce_if_due(call.tx, campaign, await call.tx.units.get(campaign.unit_id), call.timetable, call.now)
    return await show(call, campaign.id, lead=(Reply("campaign.saved", {"name": campaign.name, "announced": announced}),))
