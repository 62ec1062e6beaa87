"""Parse a money estimate typed on a phone ("20 triệu", "1,5 tỷ", "500k", "20.000.000đ") into whole VND.

English users copy the catalog's "20,000,000 VND" and also write "20 million", "1.5bn", "500 thousand".

Vietnamese writes '.' for thousands and ',' for decimals, but phones and habits mix both, so
a separator is read by the digits around it rather than by its character (see `_number`).
Arithmetic uses Fraction so "2,55 triệu" is exactly 2_550_000, never a float approximation.
"""

from __future__ import annotations

import re
from fractions import Fraction

from conversations.parsing.errors import ParseError
from conversations.text import fold, nfc

MAX_AMOUNT = 10**15
_MAX_LENGTH = 100  # also keeps int() far from Python's 4300-digit conversion limit

_UNITS = {
    "ty": 10**9, "ti": 10**9, "billion": 10**9, "billions": 10**9, "bn": 10**9, "b": 10**9,
    "trieu": 10**6, "tr": 10**6, "m": 10**6, "cu": 10**6,  # "củ": spoken slang for million
    "million": 10**6, "millions": 10**6, "mil": 10**6,
    "nghin": 10**3, "ngan": 10**3, "k": 10**3, "thousand": 10**3, "thousands": 10**3,
}
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
# One "<number> [trăm] [unit] [rưỡi]" chunk; a unit must not run into further letters ("20 trieuu"),
# which also keeps the one-letter "m"/"b"/"k" from matching the start of a word ("20 bucks").
_PART = re.compile(rf"\s*(\d[\d.,]*)\s*(tram(?![a-z])\s*)?(?:({_UNIT})(?![a-z])(\s*ruoi(?![a-z]))?)?\s*")
_PREFIX = re.compile(r"^(?:khoang|tam|chung|uoc tinh|uoc|about|around|approx(?:imately|\.)?|~|≈)\s*")
# "đ" folds to "d", which must not be cut off the end of "thousand".
_CURRENCY = re.compile(r"\s*(?:vnd|dong|(?<!thousan)d)$")
# "20 000 000": a space between digit groups is a thousands separator, not two numbers.
_SPACE_GROUP = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*")


def parse_money(text: str) -> int:
    """Whole VND in `text`; raises ParseError("empty" | "not_a_number" | "not_positive" | "fraction" | "too_large")."""
    if not nfc(text):
        raise ParseError("empty")
    s = fold(nfc(text)).rstrip(" .,!")
    if len(s) > _MAX_LENGTH:
        raise ParseError("not_a_number")
    s = _CURRENCY.sub("", _PREFIX.sub("", s))
    negative = s[:1] in ("-", "−")
    s = _SPACE_GROUP.sub(".", s.lstrip("-− "))
    amount = _amount(s)
    if negative or amount <= 0:
        raise ParseError("not_positive")
    if amount > MAX_AMOUNT:
        raise ParseError("too_large", limit=MAX_AMOUNT)
    if amount.denominator != 1:
        raise ParseError("fraction")
    return int(amount)


def _amount(s: str) -> Fraction:
    """Sum the chunks of "1 tỷ 200 triệu", "15tr500" or a plain "20.000.000"."""
    total, pos, last_unit = Fraction(0), 0, None
    while pos < len(s):
        match = _PART.match(s, pos)
        if not match:
            raise ParseError("not_a_number")
        digits, hundred, unit, half = match.groups()
        pos = match.end()
        if unit is None:
            done = pos == len(s)
            if done and last_unit is not None and not hundred and re.fullmatch(r"\d{1,3}", digits):
                # "15tr500" / "1 tỷ 2": trailing digits are the decimals of the previous unit.
                return total + Fraction(f"0.{digits}") * last_unit
            if not done or last_unit is not None:
                raise ParseError("not_a_number")  # two bare numbers, or a bare one after a unit
        if half and pos < len(s):
            raise ParseError("not_a_number")  # "rưỡi" only ends an amount
        multiplier = _UNITS[unit] if unit else 1
        multiplier *= 100 if hundred else 1
        value = _number(digits) * multiplier + (Fraction(multiplier, 2) if half else 0)
        if last_unit is not None and value >= last_unit:
            raise ParseError("not_a_number")  # "20 triệu 30 triệu", "1 tỷ 1500 triệu"
        total += value
        last_unit = multiplier
    if pos == 0:
        raise ParseError("not_a_number")
    return total


def _number(token: str) -> Fraction:
    """Read "20.000.000", "20,000,000", "1,5", "2.55", "0,125" or "1.500,5" exactly.

    Groups of exactly three digits after a non-zero lead are thousands; one trailing separator
    followed by 1-2 digits (or any digits after a lone "0") is the decimal mark.
    """
    if re.fullmatch(r"\d+", token):
        return Fraction(int(token))
    if _THOUSANDS.fullmatch(token):
        return Fraction(int(re.sub(r"[.,]", "", token)))
    head, sep, tail = _split_last(token)
    if sep and tail.isdigit() and (head == "0" or len(tail) <= 2):
        if re.fullmatch(r"\d+", head) or (_THOUSANDS.fullmatch(head) and sep not in head):
            return Fraction(int(re.sub(r"[.,]", "", head))) + Fraction(int(tail), 10 ** len(tail))
    raise ParseError("not_a_number")


def _split_last(token: str) -> tuple[str, str, str]:
    index = max(token.rfind("."), token.rfind(","))
    return token[:index], token[index:index + 1], token[index + 1:]
