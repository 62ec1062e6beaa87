"""The official application form (Đơn yêu cầu công nhận sáng kiến) of an initiative, as a DOCX message."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from conversations.model import Reply
from handlers import file_links
from messaging import render
from messaging.messages import Outgoing
from locales import format as fmt
from storage.models import Initiative, Member, Unit
from storage.repositories import Transaction
from storage.repositories.answers import answers_of

if TYPE_CHECKING:
    from documents.application_form import ApplicationForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def form_of(initiative: Initiative, author: Member, unit: Unit | None, now: datetime,
            base_url: str | None = None) -> ApplicationForm:
    """The form filled from the stored answers; what was never asked stays blank to fill by hand. An answer
    given by voice says "(ghi âm)", and every attachment is listed with its link (`base_url`)."""
    from documents.application_form import ApplicationForm, Author  # python-docx is loaded on first use only

    answers = answers_of(initiative)
    files = answers.get("attachments", [])
    authors = (Author(author.name, workplace=unit.name if unit else None), *(Author(n) for n in initiative.coauthors or ()))
    return ApplicationForm(
        authors=authors,
        title=file_links.with_voice_mark(initiative.title, files, "title", "vi"),
        addressee=unit.name if unit else None,
        code=initiative.code,
        field=initiative.field,
        first_applied=fmt.applied(answers["first_applied"], "vi") if "first_applied" in answers else None,
        problem=file_links.with_voice_mark(initiative.problem, files, "problem", "vi"),
        solution=file_links.with_voice_mark(initiative.solution, files, "solution", "vi"),
        benefit_author=file_links.with_voice_mark(initiative.benefit, files, "benefit", "vi"),
        estimated_value=fmt.vnd(initiative.estimated_value, "vi") if initiative.estimated_value is not None else None,
        signed_on=now.date(),
        attachments=tuple(file_links.listed(files, base_url, "vi")),
    )


async def form_message(
    tx: Transaction, initiative: Initiative, author: Member, unit: Unit | None, now: datetime, *, channel: str,
    chat_id: str, locale: str, base_url: str | None = None,
) -> Outgoing:
    from documents.application_form import application_form, filename

    form = form_of(initiative, author, unit, now, base_url)
    token = await tx.images.add(application_form(form), DOCX, filename(form))
    reply = Reply("form.ready", {"code": initiative.code, "title": initiative.title})
    message = render.outgoing(reply, channel=channel, chat_id=chat_id, locale=locale)
    return Outgoing(message.channel, message.chat_id, message.text, locale, document=token)
