"""The shared renderer for channels without buttons: choices become a numbered list and one hint line."""

from __future__ import annotations

from typing import Callable

import locales
from messaging.messages import Outgoing
from messaging.render import numbered


def split_lines(text: str, limit: int, hard_cut: Callable[[str, int], int] | None = None) -> list[str]:
    """Pieces of at most `limit` characters, cut at line ends (or spaces) where possible, none blank.

    `hard_cut(line, limit)` chooses where to cut a line with no space to cut at (Telegram keeps
    HTML entities whole); by default at the limit.
    """
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else (hard_cut(line, limit) if hard_cut else limit)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    pieces.append(current)
    return [piece for piece in pieces if piece.strip()] or ["…"]


def plain_text(message: Outgoing) -> str:
    """'Chọn lĩnh vực:\\n1. Y tế\\n2. Khác\\nGõ số 1 hoặc 2 để chọn.': every choice numbered, one hint."""
    if not message.choices:
        return message.text
    lines = [message.text, *numbered([choice.label for choice in message.choices])]
    lines.append(locales.render("hint.numbers", {"count": len(message.choices)}, message.locale))
    return "\n".join(lines)
