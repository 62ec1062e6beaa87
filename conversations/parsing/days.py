"""The days an officer types for a campaign: 23/11/2026, 23/11, 2026-11-23, hôm nay, ngày mai, thứ hai tới."""

from __future__ import annotations

import re
from datetime import date, timedelta

from conversations.text import fold

_WEEKDAYS = {
    **{f"thu {name}": n for n, name in enumerate(("hai", "ba", "tu", "nam", "sau", "bay"))},
    **{f"thu {n + 2}": n for n in range(6)}, "chu nhat": 6, "cn": 6,
    **{name: n for n, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
}  # fmt: skip
_NEXT_WEEK = re.compile(r"\s+(?:tuan toi|tuan sau|toi|sau|next week)$")
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2}|\d{4}))?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def next_weekday(today: date, weekday: int) -> date:
    """The first such weekday after today (Monday is 0)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def parse_day(text: str, today: date) -> date | None:
    """A day on or after `today` as people type it: 23/11/2026, 23/11, 2026-11-23, hôm nay, ngày mai, thứ hai tới."""
    s = fold(text).rstrip(" .!")
    if s in ("hom nay", "today"):
        return today
    if s in ("ngay mai", "mai", "tomorrow"):
        return today + timedelta(days=1)
    s = re.sub(r"^(?:ngay|next)\s+", "", s)
    for candidate in (s, _NEXT_WEEK.sub("", s)):
        if candidate in _WEEKDAYS:
            return next_weekday(today, _WEEKDAYS[candidate])
    s = re.sub(r"\s*\b(?:thang|nam)\b\s*", "/", s)  # "23 tháng 11 năm 2026"
    iso, numeric = _ISO.fullmatch(s), _NUMERIC.fullmatch(s)
    try:
        if iso:
            return date(*(int(g) for g in iso.groups()))
        if not numeric:
            return None
        dd, month, year = int(numeric.group(1)), int(numeric.group(2)), numeric.group(3)
        found = date(int(year) + (2000 if len(year) == 2 else 0) if year else today.year, month, dd)
        # Without a year, a day already past this year is next year's ("5/1" typed in December).
        return found.replace(year=found.year + 1) if not year and found < today else found
    except ValueError:
        return None
