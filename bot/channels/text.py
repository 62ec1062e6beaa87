"""The shared renderer for channels without buttons: choices become a numbered list or a hint line."""

from __future__ import annotations

from typing import Callable

import locales
from handlers.messages import Outgoing


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
    """'Chọn lĩnh vực:\\n1. Y tế\\n2. Khác\\nTrả lời số 1 hoặc 2.' for a pick; a 'type one of' line for controls."""
    if not message.choices:
        return message.text
    lines = [message.text]
    if message.pick:
        lines += [f"{n}. {choice.label}" for n, choice in enumerate(message.choices, start=1)]
        lines.append(locales.render("hint.numbers", {"count": len(message.choices)}, message.locale))
    else:
        labels = [choice.label for choice in message.choices]
        lines.append(locales.render("hint.words", {"labels": labels}, message.locale))
    return "\n".join(lines)
