"""Text helpers shared by every input kind: Unicode normalisation and accent folding.

Vietnamese arrives in NFC from most phone keyboards and in NFD from some (macOS, a few
Telex/VNI set-ups), so everything is normalised to NFC on the way in. Matching of
commands, choices and unit names ignores case and diacritics ("quay lai" == "Quay lại").
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Normalise to NFC, drop control characters and trim surrounding whitespace."""
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable():  # printable text holds no control character: most text skips the walk
        text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form used only for matching, never stored as an answer."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "d")
    return _SPACES.sub(" ", stripped).strip()


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


MAX_ID = 2**31 - 1  # ids are 32-bit integer columns on PostgreSQL


def record_id(text: object) -> int | None:
    """A record's id as a person sends it (a command's argument, a button's payload such as "rv:123"): 1 to
    2**31-1 in ASCII digits, else None, which every caller answers like an id nothing has. A bigger number
    would overflow SQLite's 64 bits or PostgreSQL's integer before the lookup could say "not found"."""
    digits = str(text).strip()
    if not (0 < len(digits) <= 12 and digits.isascii() and digits.isdecimal()):
        return None
    number = int(digits)
    return number if 1 <= number <= MAX_ID else None


def id_after(intent: str | None, prefix: str) -> int | None:
    """The id a payload carries after its prefix ("rv:123" -> 123), or None when it is not that payload or no id."""
    return record_id(intent[len(prefix):]) if intent and intent.startswith(prefix) else None
