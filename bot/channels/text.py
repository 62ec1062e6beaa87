"""The shared renderer for channels without buttons: choices become a numbered list or a hint line."""

from __future__ import annotations

import locales
from handlers.messages import Outgoing


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
