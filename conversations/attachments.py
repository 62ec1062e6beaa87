"""The files of an initiative sent along with its screen: the officer who decides hears and sees them.

One message per file, each saying which answer it belongs to; the channel sends the file itself where it
can (a voice note as voice, a photo as a photo) and a download link where it cannot.
"""

from __future__ import annotations

from typing import Any, Mapping

from conversations.model import Reply

ICONS = {"voice": "🎤", "audio": "🎵", "photo": "📷", "document": "📄", "video": "🎬"}


def sent_along(answers: Mapping[str, Any]) -> tuple[Reply, ...]:
    files = list(answers.get("attachments") or ())
    return tuple(
        Reply("file.shown", {"icon": ICONS.get(item.get("kind"), "📎"), "number": number, "total": len(files),
                                   "field": item.get("field"), "kind": item.get("kind"),
                                   "caption": item.get("caption"), "transcript": item.get("transcript")},
              media=dict(item))
        for number, item in enumerate(files, start=1)
    )
