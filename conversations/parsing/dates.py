"""Parse when an initiative was first applied: "15/3/2022", "tháng 3/2022", "năm 2022", "tháng trước".

Answers are often only as precise as the worker remembers, so the result carries a precision
("day", "month" or "year") and a month or year is stored as its first day. Numeric dates are
always read day-first, as Vietnamese writes them; only a leading 4-digit year means ISO order.
English month names ("15 March 2022", "March 15, 2022", "Mar 2022") are turned into those numbers.
"""

from __future__ import annotations

import datetime
import re

from conversations.parsing.errors import ParseError
from conversations.text import fold, nfc

MIN_YEAR = 1950

_TODAY = {"hom nay", "today"}
_YESTERDAY = {"hom qua", "yesterday"}
_THIS_MONTH = {"thang nay", "this month"}
_LAST_MONTH = {"thang truoc", "thang roi", "last month"}
_THIS_YEAR = {"nam nay", "this year"}
_LAST_YEAR = {"nam ngoai", "nam truoc", "nam roi", "last year"}

_LEAD = re.compile(r"^(?:tu|vao|khoang|tam|in|on|since|from|around|about)\s+")
# Words only label the numbers ("ngày 15 tháng 3 năm 2022", "T3/2022", "15 of March"): numbers carry the date.
_WORDS = re.compile(r"\b(?:ngay|mung|thang|nam|of)\b|\bt(?=\d)")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Full names and usual abbreviations only: a typo ("Marchh") is better re-asked than guessed.
_MONTH_NAME = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?"
)
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")
_US_DAY = re.compile(r"[\s,]*(\d{1,2})\b")
_NUMERIC = re.compile(r"\d+(?:[\s/.\-,]+\d+)*")


def parse_date(text: str, today: datetime.date) -> tuple[datetime.date, str]:
    """(date, precision) for `text`; raises ParseError("empty" | "not_a_date" | "invalid" | "future" | "too_old")."""
    if not nfc(text):
        raise ParseError("empty")
    # Month names are matched before folding, or Vietnamese "mấy" ("which") would fold into "may".
    s = _LEAD.sub("", fold(_english_month(nfc(text).lower())).rstrip(" .,!"))
    relative = _relative(s, today)
    if relative is not None:
        return relative
    s = _WORDS.sub(" ", s).strip()
    if not _NUMERIC.fullmatch(s):
        raise ParseError("not_a_date")
    tokens = re.findall(r"\d+", s)
    if len(tokens[0]) == 4 and len(tokens) > 1:
        tokens.reverse()  # ISO "2022-03-15" / "2022-03"
    *day_month, year_token = tokens
    year_lengths = (2, 4) if day_month else (4,)  # a lone "15" is no year
    if len(tokens) > 3 or len(year_token) not in year_lengths or any(len(t) > 2 for t in day_month):
        raise ParseError("not_a_date")
    year = _full_year(int(year_token), today) if len(year_token) == 2 else int(year_token)
    precision = ("year", "month", "day")[len(day_month)]
    day, month = ([1, 1] + [int(t) for t in day_month])[-2:]  # missing day/month default to 1
    return _checked(year, month, day, precision, today)


def _english_month(s: str) -> str:
    """Rewrite "15 Mar 2022" / "March 15th, 2022" / "March 2022" as day-first "15 3 2022" / "3 2022"."""
    s = _ORDINAL.sub("", s)
    match = _MONTH_NAME.search(s)
    if not match:
        return s
    month = str(_MONTHS.index(match.group(1)[:3]) + 1)
    before, after = s[:match.start()], s[match.end():]
    day = _US_DAY.match(after)
    if day and not re.search(r"\d", before):
        # US order: a 1-2 digit number right after a leading month is the day, so "March 22" has no year.
        return f"{before} {day.group(1)} {month} {after[day.end():]}"
    return f"{before} {month} {after}"


def _relative(s: str, today: datetime.date) -> tuple[datetime.date, str] | None:
    if s in _TODAY:
        return today, "day"
    if s in _YESTERDAY:
        return today - datetime.timedelta(days=1), "day"
    if s in _THIS_MONTH:
        return today.replace(day=1), "month"
    if s in _LAST_MONTH:
        return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1), "month"
    if s in _THIS_YEAR:
        return datetime.date(today.year, 1, 1), "year"
    if s in _LAST_YEAR:
        return datetime.date(today.year - 1, 1, 1), "year"
    return None


def _full_year(yy: int, today: datetime.date) -> int:
    """"22" is 2022 unless that is still ahead of us, then it is 1922 (and so too old)."""
    return 2000 + yy if 2000 + yy <= today.year else 1900 + yy


def _checked(year: int, month: int, day: int, precision: str, today: datetime.date) -> tuple[datetime.date, str]:
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        raise ParseError("invalid") from None
    if year < MIN_YEAR:
        raise ParseError("too_old", min_year=MIN_YEAR)
    # Compare at the answer's own precision: "tháng 11/2026" is not future on 21/11/2026.
    limit = {"day": today, "month": today.replace(day=1), "year": datetime.date(today.year, 1, 1)}[precision]
    if value > limit:
        raise ParseError("future")
    return value, precision
