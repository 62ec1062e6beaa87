"""Replies from the engine to Outgoing messages in the person's language."""

from __future__ import annotations

import re

from conversations.model import Choice, Reply
from conversations.text import fold
from messaging.messages import OutChoice, Outgoing
import locales


def label(choice: Choice, locale: str) -> str:
    if choice.key:
        return locales.render(choice.key, choice.params, locale)
    return locales.translate_label(choice.label or choice.value, locale)


def outgoing(reply: Reply, *, channel: str, chat_id: str, locale: str) -> Outgoing:
    return Outgoing(
        channel=channel,
        chat_id=chat_id,
        text=locales.render(for_channel(reply.key, channel, locale), reply.params, locale),
        locale=locale,
        choices=tuple(OutChoice(c.value, label(c, locale)) for c in reply.choices),
        actions=reply.actions,
        media=dict(reply.media) if reply.media else None,
    )


def for_channel(key: str, channel: str, locale: str) -> str:
    """`key@console` where a channel says it its own way (the terminal has nothing to press or hold)."""
    variant = f"{key}@{channel.split('-')[0]}"
    return variant if locales.has(variant, locale) else key


def numbered(labels: list[str]) -> list[str]:
    """'1. Cần hỗ trợ': every option carries its number, on buttons and in lists alike."""
    return [f"{n}. {label}" for n, label in enumerate(labels, start=1)]


_NUMBER_PREFIX = re.compile(r"^\d{1,3}\.\s+")


def pressed(text: str, shown: tuple[Choice, ...], locale: str) -> str | None:
    """The value of the choice whose label this text is (a button press arrives as its numbered label).

    Typed without its number or the label's symbols ("Cần bổ sung" for "2. ✏️ Cần bổ sung") it matches too.
    """
    wanted = fold(_NUMBER_PREFIX.sub("", text.strip()))
    if not wanted:
        return None
    labels = [(choice, fold(label(choice, locale))) for choice in shown]
    exact = next((choice.value for choice, folded in labels if folded == wanted), None)
    if exact is not None:
        return exact
    bare = _bare(wanted)
    return next((choice.value for choice, folded in labels if bare and _bare(folded) == bare), None)


def _bare(folded: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())
