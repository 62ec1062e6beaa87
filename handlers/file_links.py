"""Links to the files people sent, for what is read away from the chat (the XLSX export, the DOCX form).

`PUBLIC_BASE_URL/files/<token>` serves the bot's own copy (bot/webhook.py); `.aac` after the token, a voice
note as AAC, which every phone plays. Without PUBLIC_BASE_URL there is no link, and the files say so.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import locales
from conversations import telling

FILES_PATH = "/files"
PLAYABLE = ".aac"
SPOKEN = ("voice", "audio")


def kept_file_url(public_base_url: str, token: str, playable: bool = False) -> str:
    return f"{public_base_url.rstrip('/')}{FILES_PATH}/{token}{PLAYABLE if playable else ''}"


def link(item: Mapping[str, Any], base: str | None) -> str | None:
    """Where an attachment is fetched: a voice note's playable copy where there is one; None without a copy."""
    if not base or not item.get("token") or not item.get("stored"):
        return None
    return kept_file_url(base, item["token"], playable=item.get("kind") in SPOKEN and bool(item.get("playable")))


def listed(items: Iterable[Mapping[str, Any]], base: str | None, locale: str) -> list[str]:
    """One line per attachment: which answer, what kind, its link (or why there is none)."""
    return [
        locales.render("export.file_line", {"field": item.get("field"), "kind": item.get("kind"),
                                            "name": item.get("filename"), "caption": item.get("caption"),
                                            "transcript": item.get("transcript"), "url": link(item, base)}, locale)
        for item in items
    ]


def with_voice_mark(text: str | None, items: Iterable[Mapping[str, Any]], field: str, locale: str) -> str | None:
    """An answer given by voice says so: "(ghi âm)" after its words, or alone where there are none; words the
    transcriber heard and the sender confirmed say they are the machine's."""
    items = list(items)
    if not any(item.get("field") == field and item.get("kind") in SPOKEN for item in items):
        return text
    machine = telling.machine_made(text, items, field)
    mark = locales.render("export.by_machine" if machine else "export.by_voice", {}, locale)
    return f"{text} {mark}" if text else mark
