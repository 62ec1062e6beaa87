"""Numbers, money and dates the way each language writes them (Babel), for templates."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal


@lru_cache(maxsize=8)
def _locale(code: str) -> Locale:
    return Locale.parse(code)  # parsed once: a report writes hundreds of numbers


def number(value: int | float, locale: str) -> str:
    return format_decimal(value, locale=_locale(locale))


def vnd(amount: int, locale: str) -> str:
    """'20.000.000 đ' in Vietnamese, '20,000,000 VND' in English."""
    return f"{number(amount, locale)} đ" if locale == "vi" else f"{number(amount, locale)} VND"


def applied(value: dict, locale: str) -> str:
    """A first-applied date at the precision it was given: 'tháng 3/2022', '15/03/2022', 'năm 2022'."""
    day = date.fromisoformat(value["date"])
    precision = value.get("precision", "day")
    if locale == "vi":
        if precision == "year":
            return f"năm {day.year}"
        if precision == "month":
            return f"tháng {day.month}/{day.year}"
        return day.strftime("%d/%m/%Y")
    pattern = {"year": "yyyy", "month": "MMMM yyyy"}.get(precision, "d MMMM yyyy")
    return format_date(day, pattern, locale="en")


def bar(percent: float, width: int = 10) -> str:
    """A text progress bar for channels without images: '▓▓▓▓▓▓░░░░ 62%'."""
    filled = max(0, min(width, round(width * percent / 100)))
    return "▓" * filled + "░" * (width - filled)
