"""An initiative as the conversation sees it: one answer per step, read from its columns and files, and written back."""

from __future__ import annotations

import secrets
from datetime import date

from storage.models import Attachment, Initiative

TEXT_FIELDS = ("title", "field", "problem", "solution", "benefit")


def answers_of(initiative: Initiative) -> dict:
    """The conversation's view of an initiative: one key per step that has an answer."""
    answers: dict = {key: getattr(initiative, key) for key in TEXT_FIELDS if getattr(initiative, key) is not None}
    if initiative.estimated_value is not None:
        answers["estimated_value"] = initiative.estimated_value
    if initiative.first_applied_on is not None:
        answers["first_applied"] = {
            "date": initiative.first_applied_on.isoformat(),
            "precision": initiative.first_applied_precision,
        }
    if initiative.coauthors:
        answers["coauthors"] = list(initiative.coauthors)
    if initiative.attachments:
        answers["attachments"] = [attachment_answer(a) for a in initiative.attachments]
    return answers


def attachment_answer(a: Attachment) -> dict:
    """An attachment as the conversation (and the channels passing it on) see it: Media.as_answer, and its link."""
    return {
        "field": a.field,
        "kind": a.kind,
        "channel": a.channel,
        "ref": a.file_ref,
        "caption": a.caption,
        "mime_type": a.mime_type,
        "size": a.size,
        "stored": a.stored_key,
        "playable": a.playable_key,
        "filename": a.filename,
        "token": a.token,
        "transcript": a.transcript,
    }


def apply_answers(initiative: Initiative, answers: dict) -> None:
    """The conversation's answers written over the initiative, its files kept, added and dropped to match."""
    for key in TEXT_FIELDS:
        setattr(initiative, key, answers.get(key))
    initiative.estimated_value = answers.get("estimated_value")
    applied = answers.get("first_applied")
    initiative.first_applied_on = date.fromisoformat(applied["date"]) if applied else None
    initiative.first_applied_precision = applied["precision"] if applied else None
    initiative.coauthors = list(answers.get("coauthors") or [])
    wanted = {(a["field"], a["ref"]): a for a in answers.get("attachments") or []}
    kept = {(a.field, a.file_ref): a for a in initiative.attachments if (a.field, a.file_ref) in wanted}
    initiative.attachments = list(kept.values())
    for key, item in wanted.items():
        row = kept.get(key)
        if row is None:
            row = Attachment(field=item["field"], file_ref=item["ref"])
            initiative.attachments.append(row)
        row.kind = item["kind"]
        row.channel = item.get("channel") or ""
        row.caption = item.get("caption")
        row.mime_type = item.get("mime_type")
        row.size = item.get("size")
        row.stored_key = item.get("stored") or row.stored_key
        row.playable_key = item.get("playable") or row.playable_key
        row.filename = item.get("filename") or row.filename
        row.token = row.token or secrets.token_urlsafe(24)
        row.transcript = item.get("transcript") or row.transcript
