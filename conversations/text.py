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
