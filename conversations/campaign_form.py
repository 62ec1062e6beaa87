"""Tạo chiến dịch: the campaign wizard's questions as data, walked by conversations.officer_form.

The unit is asked only of an officer over more than one unit; the end only of a campaign of chosen days
(a week, a month, 40 days fix it). Editing a campaign before it starts asks one field's questions again.
"""

from __future__ import annotations

from datetime import date, timedelta

from conversations import campaign_rules as rules
from conversations.model import Choice
from conversations.officer_form import OfficerForm, Question
from conversations.parsing.days import next_weekday


def _starts(draft: dict) -> date:
    return date.fromisoformat(draft["starts"])


def _with_end(draft: dict) -> dict:
    fixed = rules.fixed_end(draft["kind"], _starts(draft))
    return {**draft, "ends": fixed.isoformat()} if fixed else draft


def _next_monday(draft: dict, today: date) -> date:
    return next_weekday(today, 0)


def _two_weeks_on(draft: dict, today: date) -> date:
    return _starts(draft) + timedelta(days=13)


def _run(draft: dict, today: date) -> dict:
    starts, ends = _starts(draft), date.fromisoformat(draft["ends"])
    return {"unit": draft["unit_name"], "starts": starts, "ends": ends, "days": (ends - starts).days + 1}


def _on_next_monday(draft: dict, today: date) -> tuple[Choice, ...]:
    monday = _next_monday(draft, today).isoformat()
    return (Choice(f"day:{monday}", key="choice.campaign.next_monday", params={"day": {"date": monday, "precision": "day"}}),)


def _ten_percent(draft: dict, today: date) -> tuple[Choice, ...]:
    return (Choice("target:default", key="choice.campaign.ten_percent", params={"target": rules.ten_percent(draft["members"])}),)


def _suggested_or_none(draft: dict, today: date) -> tuple[Choice, ...]:
    return (Choice("slogan:default", key="choice.campaign.slogan", params={"slogan": rules.SLOGAN}),
            Choice("/skip", key="choice.campaign.no_slogan"))  # fmt: skip


CAMPAIGN = OfficerForm("campaign", (
    Question("unit", "unit", "campaign.ask_unit", explain="campaign.unit_help",
             asked=lambda draft: bool(draft.get("asked_unit"))),
    Question("name", "text", "campaign.ask_name", explain="campaign.name_help",
             check=lambda name, *_: rules.name_refusal(name), params=lambda draft, today: {"unit": draft["unit_name"]}),
    Question("kind", "choice", "campaign.ask_kind", options=rules.KINDS, explain="campaign.kind_help"),
    Question("start", "day", "campaign.ask_start", answer="starts", unreadable="campaign.bad_date",
             explain="campaign.start_help",
             check=lambda starts, draft, today: rules.start_refusal(starts, today), example=_next_monday,
             offers=_on_next_monday, then=_with_end),
    Question("end", "day", "campaign.ask_end", answer="ends", since="starts", unreadable="campaign.bad_date",
             explain="campaign.end_help",
             check=lambda ends, draft, today: rules.end_refusal(ends, _starts(draft)), example=_two_weeks_on,
             params=lambda draft, today: {"starts": _starts(draft)}, asked=lambda draft: draft.get("kind") == "custom"),
    Question("target", "number", "campaign.ask_target", explain="campaign.target_help",
             check=lambda target, *_: rules.target_refusal(target),
             default=lambda draft: rules.ten_percent(draft["members"]), params=_run, offers=_ten_percent),
    Question("slogan", "text", "campaign.ask_slogan", explain="campaign.slogan_help", skippable=True,
             skip_words=("khau hieu", "slogan"),
             check=lambda slogan, *_: rules.slogan_refusal(slogan), default=lambda draft: rules.SLOGAN,
             offers=_suggested_or_none),
    Question("confirm", "confirm", "campaign.summary", yes=("ccreate",)),
))  # fmt: skip

# What an officer may change before the start -> the questions asked again (their answers are what is saved).
EDITABLE = {"name": ("name",), "dates": ("start", "end"), "target": ("target",), "slogan": ("slogan",)}
