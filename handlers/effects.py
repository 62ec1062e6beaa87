"""Carry out the engine's effects inside the update's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from conversations.model import (
    DeleteDraft,
    SendForm,
    Effect,
    KeepTranscript,
    Register,
    Reply,
    RequestHelp,
    SaveDraft,
    SetLocale,
    SetPhone,
    State,
    Submit,
    Transcribe,
    Withdraw,
)
from handlers import documents, duplicates, help_desk, notices, own_initiatives
from messaging.messages import Outgoing
from handlers.scope import Scope
from handlers.turn import Turn
from storage.models import Member
from storage.repositories import Transaction


@dataclass
class Outcome:
    """What the effects changed that the rest of the update needs: the state, the member, extra replies."""

    state: State
    member: Member | None
    replies: list[Reply | Outgoing] = field(default_factory=list)


async def apply(turn: Turn, effects: tuple[Effect, ...], outcome: Outcome) -> Outcome:
    tx, now, scope, locale = turn.tx, turn.now, turn.scope, turn.locale
    channel, chat_id = turn.incoming.channel, turn.incoming.chat_id
    duplicate_threshold, base_url = turn.options.staff.duplicate_threshold, turn.options.staff.public_base_url
    for effect in effects:
        member = outcome.member
        if isinstance(effect, Register):
            outcome.member = await tx.members.register(
                channel=channel,
                external_user_id=turn.incoming.user_id,
                name=effect.name,
                unit_id=effect.unit_id,
                target_group=effect.target_group,
                locale=effect.locale or locale,
                phone=effect.phone,
            )
        elif isinstance(effect, RequestHelp):
            unit = outcome.state.answers.get("unit") if member is None else None
            if member is None and unit is None:  # nobody to route it to yet: where to ask instead
                outcome.replies.append(Reply("support.needs_unit"))
                continue
            if await tx.help_requests.active_in_chat(channel, chat_id) is not None:
                outcome.replies.append(Reply("support.waiting"))
                continue
            request = await tx.help_requests.open(
                member_id=member.id if member else None,
                name=member.name if member else turn.incoming.display_name,
                unit_id=member.unit_id if member else (unit or {}).get("id"),
                initiative_id=effect.draft_id,
                channel=channel,
                chat_id=chat_id,
                step=effect.step,
            )
            routed = await help_desk.route(tx, request, now)
            outcome.replies.append(Reply("support.sent" if routed else "support.extra.no_team"))
        elif member is None:
            continue  # every other effect acts for a registered member
        elif isinstance(effect, SaveDraft):
            author = await _author(tx, effect.for_member, member, scope)
            if author is None:
                outcome.replies.append(Reply("staff.not_allowed"))
                continue
            draft = await tx.initiatives.save_draft(
                draft_id=outcome.state.meta.get("draft"),
                author_id=author.id,
                answers=dict(effect.answers),
                step=effect.step,
                entered_by_id=member.id,
            )
            if outcome.state.flow == "submit" and outcome.state.meta.get("draft") != draft.id:
                outcome.state = outcome.state.with_meta(draft=draft.id)
                await tx.help_requests.attach_draft(channel, chat_id, draft.id)  # asked before the first answer
        elif isinstance(effect, Submit):
            author = await _author(tx, effect.for_member, member, scope)
            if author is None:
                outcome.replies.append(Reply("staff.not_allowed"))
                continue
            if author.id != member.id and own_initiatives.entering_own(member, author, effect.answers):
                outcome.replies.append(Reply("behalf.own_coauthor", {"name": author.name}))
                continue  # the draft stays in the worker's name, for them or another supporter to send
            await _submit(tx, effect, author, member, outcome, now, duplicate_threshold)
        elif isinstance(effect, SendForm):
            found = await tx.initiatives.with_author(effect.initiative_id)
            if found is not None and found[0].author_id == member.id:
                outcome.replies.append(
                    await documents.form_message(tx, *found, now, channel=channel, chat_id=chat_id, locale=locale,
                                                 base_url=base_url)
                )
        elif isinstance(effect, DeleteDraft):
            initiative = await tx.initiatives.owned(effect.initiative_id, member.id)
            if initiative is not None and initiative.status == "draft":
                await tx.initiatives.delete_draft(initiative)
        elif isinstance(effect, Withdraw):
            initiative = await tx.initiatives.owned(effect.initiative_id, member.id)
            if initiative is not None and initiative.status == "submitted":
                await tx.initiatives.withdraw(initiative, actor_id=member.id)
        elif isinstance(effect, Transcribe):
            await tx.hearings.add(channel, chat_id, turn.incoming.user_id, effect.ref, effect.stored)
        elif isinstance(effect, KeepTranscript):
            await tx.hearings.keep_transcript(effect.for_member or member.id, effect.ref, effect.text)
        elif isinstance(effect, SetPhone):
            member.phone = effect.phone
        elif isinstance(effect, SetLocale):
            await tx.members.set_locale(member, effect.locale)
    return outcome


async def _author(tx: Transaction, for_member: int | None, member: Member, scope: Scope) -> Member | None:
    """Who the initiative belongs to: the person, or the worker the support team enters it for (if in scope)."""
    if for_member is None or for_member == member.id:
        return member
    worker = await tx.members.get(for_member)
    unit = await tx.units.get(worker.unit_id) if worker and worker.unit_id else None
    return worker if unit is not None and scope.can("submit_on_behalf", unit.path) else None


async def _submit(
    tx: Transaction, effect: Submit, author: Member, member: Member, outcome: Outcome, now: datetime, threshold: float
) -> None:
    draft = await tx.initiatives.save_draft(
        draft_id=effect.draft_id, author_id=author.id, answers=dict(effect.answers), step="review", entered_by_id=member.id
    )
    code = await tx.initiatives.submit(draft, actor_id=member.id, unit_id=author.unit_id, now=now, entered_by_id=member.id)
    params = {"code": code, "title": draft.title, "name": author.name}
    if author.id == member.id:
        outcome.replies.append(Reply("submitted.done", params))
    else:
        outcome.replies.append(Reply("behalf.submitted", params))
        told = Reply("behalf.submitted_for_worker", {**params, "helper": member.name})
        await notices.to_member(tx, author, told, f"submitted:{draft.id}:{len(await tx.initiatives.status_changes(draft.id))}")
    unit = await tx.units.get(draft.unit_id) if draft.unit_id else None
    if unit is not None and await duplicates.similar_to(tx, draft, unit, threshold):
        outcome.replies.append(Reply("submitted.extra.similar"))
    if unit is not None:
        await own_initiatives.leave_for_others(tx, draft, unit)
