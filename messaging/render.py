"""Replies from the engine to Outgoing messages in the person's language."""

from __future__ import annotations

from conversations import reading
from conversations.model import Choice, Reply
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


def pressed(text: str, shown: tuple[Choice, ...], locale: str) -> str | None:
    """The value of the choice whose label (in `locale`) this text is: see conversations.reading.pressed."""
    return reading.pressed(text, shown, lambda choice: label(choice, locale))
