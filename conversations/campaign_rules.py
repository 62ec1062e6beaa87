"""The rules of a peak campaign (chiến dịch cao điểm), the same in the chat's wizard and on the command line.

Each check returns None, or the reason as a Reply (a locale key and its params, dates as dates) that the
chat says before asking again and the CLI turns into one line on stderr.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from conversations.model import Reply

KINDS = ("peak_week", "peak_month", "forty_days", "custom")  # tuần, tháng cao điểm, 40 ngày, tự chọn
DAYS = {"peak_week": 7, "peak_month": 30, "forty_days": 40}  # a custom campaign's end is typed
NAME_MIN, NAME_MAX = 2, 200
SLOGAN_MAX = 300  # the column's size
TARGET_MAX = 10_000_000  # far above any subtree's; a slip of the finger must not overflow the column
YEARS_AHEAD = 5  # a campaign starts (and ends) within this many years: "31/12/9999" is a slip, refused
SLOGAN = "Tự hào trí tuệ lao động Việt Nam"


def furthest(today: date) -> date:
    """The last day a campaign typed on `today` may start on (or a campaign starting `today` end on)."""
    return today + timedelta(days=365 * YEARS_AHEAD + YEARS_AHEAD // 4 + 1)


def ten_percent(members: int) -> int:
    """The target offered: a tenth of the unit's members (the programme's chỉ tiêu), at least one."""
    return max(1, math.ceil(members / 10))


def kind_refusal(kind: str) -> Reply | None:
    return None if kind in KINDS else Reply("campaign.unknown_kind", {"kinds": KINDS})


def name_refusal(name: str) -> Reply | None:
    if name and not any(ch.isalpha() for ch in name):  # "🔥🔥", "!!!", "2026": nothing a group could call it by
        return Reply("campaign.name_needs_letters")
    if not NAME_MIN <= len(name) <= NAME_MAX:
        return Reply("campaign.name_needed", {"min": NAME_MIN, "max": NAME_MAX})
    return None


def slogan_refusal(slogan: str) -> Reply | None:
    return Reply("campaign.slogan_needed", {"max": SLOGAN_MAX}) if len(slogan) > SLOGAN_MAX else None


def target_refusal(target: int) -> Reply | None:
    return None if 1 <= target <= TARGET_MAX else Reply("campaign.bad_target", {"max": TARGET_MAX})


def start_refusal(starts: date, today: date) -> Reply | None:
    if starts < today:
        return Reply("campaign.past_date", {"today": today, "starts": starts})
    if starts > furthest(today):  # its end (start + the kind's days) must stay a date too
        return Reply("campaign.far_date", {"years": YEARS_AHEAD, "latest": furthest(today), "day": starts})
    return None


def end_refusal(ends: date, starts: date) -> Reply | None:
    """A typed end (a custom campaign's)."""
    if ends < starts:
        return Reply("campaign.end_before_start", {"starts": starts})
    if ends > furthest(starts):
        return Reply("campaign.far_date", {"years": YEARS_AHEAD, "latest": furthest(starts), "day": ends})
    return None


def fixed_end(kind: str, starts: date) -> date | None:
    """The last day a kind fixes (a week, 30 days, 40 days), or None for a custom campaign."""
    return starts + timedelta(days=DAYS[kind] - 1) if kind in DAYS else None


def ends_on(kind: str, starts: date, given: date | None) -> date | Reply:
    """The last day: fixed by the kind (a different one given is refused), or the one given for a custom campaign."""
    fixed = fixed_end(kind, starts)
    if fixed is None:
        return Reply("campaign.end_needed") if given is None else end_refusal(given, starts) or given
    if given is not None and given != fixed:
        return Reply("campaign.fixed_length", {"kind": kind, "days": DAYS[kind], "ends": fixed})
    return fixed
