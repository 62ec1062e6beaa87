"""Outgoing to Telegram sendMessage calls: HTML-escaped text in pieces of at most 4096, and keyboards."""

from __future__ import annotations

import html
from dataclasses import dataclass

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from messaging.plain import split_lines
from messaging.messages import Outgoing
from messaging.render import numbered

LIMIT = 4096
CALLBACK_LIMIT = 64  # bytes of callback data Telegram accepts

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True)
class Piece:
    text: str  # escaped for parse_mode=HTML
    markup: Markup | None


def split(text: str, limit: int = LIMIT) -> list[str]:
    """Escaped pieces of at most `limit` characters, cut at line ends where possible, never inside an entity."""
    return split_lines(html.escape(text, quote=False), limit, _safe_cut)


def _safe_cut(line: str, limit: int) -> int:
    amp = line.rfind("&", limit - 8, limit)  # never split "&amp;" and friends
    return amp if amp != -1 and ";" not in line[amp:limit] else limit


def markup(message: Outgoing) -> Markup:
    if not message.choices:
        return ReplyKeyboardRemove()  # free text expected: no stale buttons
    labels = numbered([c.label for c in message.choices])  # a typed number means the same as a press
    if message.actions and all(len(c.value.encode()) <= CALLBACK_LIMIT for c in message.choices):
        rows = [[InlineKeyboardButton(text=label, callback_data=c.value)] for label, c in zip(labels, message.choices)]
        return InlineKeyboardMarkup(inline_keyboard=rows)
    rows = [[KeyboardButton(text=label)] for label in labels]
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)


def pieces(message: Outgoing) -> list[Piece]:
    """The calls one Outgoing takes; the keyboard rides on the last piece, next to the question."""
    texts = split(message.text)
    return [Piece(text, markup(message) if i == len(texts) - 1 else None) for i, text in enumerate(texts)]
