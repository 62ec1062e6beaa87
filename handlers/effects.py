"""Carry out the engine's effects inside the update's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from conversations.model import (
    DeleteDraft,
    Effect,
    Register,
    Reply,
    RequestHelp,
    SaveDraft,
    SetLocale,
    SetPhone,
    State,
    Submit,
    Withdraw,
)
from storage.models import Member
from storage.repositories import Transaction


@dataclass
class Outcome:
    """What the effects changed that the rest of the update needs: the state, the member, extra replies."""

    state: State
    member: Member | None
    replies: list[Reply] = field(default_factory=list)


async def apply(
    tx: Transaction,
    effects: tuple[Effect, ...],
    outcome: Outcome,
    *,
    channel: str,
    chat_id: str,
    user_id: str,
    display_name: str,
    now: datetime,
) -> Outcome:
    for effect in effects:
        member = outcome.member
        if isinstance(effect, Register):
            outcome.member = await tx.members.register(
                channel=channel,
                external_user_id=user_id,
                name=effect.name,
                unit_id=effect.unit_id,
                target_group=effect.target_group,
                locale=effect.locale,
                phone=effect.phone,
            )
        elif isinstance(effect, RequestHelp):
            unit = outcome.state.answers.get("unit") if member is None else None
            await tx.help_requests.open(
                member_id=member.id if member else None,
                name=member.name if member else display_name,
                unit_id=member.unit_id if member else (unit or {}).get("id"),
                initiative_id=effect.draft_id,
                channel=channel,
                chat_id=chat_id,
                step=effect.step,
            )
        elif member is None:
            continue  # every other effect acts for a registered member
        elif isinstance(effect, SaveDraft):
            draft = await tx.initiatives.save_draft(
                draft_id=outcome.state.meta.get("draft"), author_id=member.id, answers=dict(effect.answers), step=effect.step
            )
            if outcome.state.flow == "submit":
                outcome.state = outcome.state.with_meta(draft=draft.id)
        elif isinstance(effect, Submit):
            draft = await tx.initiatives.save_draft(
                draft_id=effect.draft_id, author_id=member.id, answers=dict(effect.answers), step="review"
            )
            code = await tx.initiatives.submit(draft, actor_id=member.id, unit_id=member.unit_id, now=now)
            outcome.replies.append(Reply("submitted.done", {"code": code, "title": draft.title}))
        elif isinstance(effect, DeleteDraft):
            initiative = await tx.initiatives.owned(effect.initiative_id, member.id)
            if initiative is not None and initiative.status == "draft":
                await tx.initiatives.delete_draft(initiative)
        elif isinstance(effect, Withdraw):
            initiative = await tx.initiatives.owned(effect.initiative_id, member.id)
            if initiative is not None and initiative.status == "submitted":
                await tx.initiatives.withdraw(initiative, actor_id=member.id)
        elif isinstance(effect, SetPhone):
            member.phone = effect.phone
        elif isinstance(effect, SetLocale):
            await tx.members.set_locale(member, effect.locale)
    return outcome
