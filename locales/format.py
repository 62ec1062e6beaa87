"""Numbers, money and dates the way each language writes them (Babel), for templates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal


@lru_cache(maxsize=8)
def _locale(code: str) -> Locale:
    return Locale.parse(code)  # parsed once: a report writes hundreds of numbers


def number(value: int | float, locale: str) -> str:
    return format_decimal(value, locale=_locale(locale))


def one_decimal(percent: float) -> float:
    """A share of a target as every screen shows it: one decimal, half up (12.25 is 12.3 in the chat, the chart
    and the spreadsheet alike)."""
    return float(Decimal(repr(float(percent))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percent(value: float, locale: str) -> str:
    """'12,5' in Vietnamese, '12.5' in English; a whole number without its decimal ('50')."""
    shown = one_decimal(value)
    return number(int(shown) if shown.is_integer() else shown, locale)


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
