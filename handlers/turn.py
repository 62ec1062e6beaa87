"""One update, read once: who sent it, what they may do, their language and conversation, and the time.

Every use case takes the Turn instead of a long list of parameters; the scope is loaded here and only
here (again only when an invite changes it). `fill` puts in the engine's Context what `engine.needs` asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import locales
from conversations.inputs import MAX_UNIT_CHOICES
from conversations.model import Context, Event, ItemRef, MemberRef, State, UnitRef
from handlers.options import Options
from handlers.scope import ACTIONS, Scope
from messaging import render
from messaging.messages import Incoming
from storage.models import ConversationState, Member, Unit
from storage.repositories import Transaction
from storage.repositories.answers import answers_of
from storage.repositories.initiatives import DECISIONS


@dataclass(frozen=True)
class Turn:
    """What every use case knows of the update it answers; built once, changed only by `replace`."""

    tx: Transaction
    incoming: Incoming
    event: Event  # its command word as the route table names it ("review" arrives as "duyet")
    member: Member | None
    scope: Scope
    locale: str
    now: datetime
    options: Options
    charts: dict[str, bytes | None] = field(default_factory=dict)  # drawn outside the transaction (group_report)
    state: State = State()
    row: ConversationState | None = None  # the stored conversation (read with the sender), saved over
    ctx: Context | None = None  # the engine's view of it, once the conversation is read (private chats)


async def begin(tx: Transaction, incoming: Incoming, event: Event, options: Options, now: datetime,
                charts: dict[str, bytes | None]) -> Turn:
    arrival = await tx.members.arriving(incoming.channel, incoming.user_id, incoming.chat_id)
    member = arrival.member
    locale = member.locale if member else options.default_locale
    return Turn(tx, incoming, event, member, Scope(arrival.scopes), locale, now, options, charts,
                row=arrival.conversation)


async def scope_of(tx: Transaction, member: Member | None) -> Scope:
    return Scope(tuple(await tx.roles.scopes(member.id))) if member else Scope(())


async def with_conversation(turn: Turn, desk: frozenset[str]) -> Turn:
    """The private chat's stored conversation (read with the sender), the language it is in, and the engine's Context."""
    row = turn.row
    state = State(row.flow, row.step, row.answers or {}, row.meta or {}) if row else State()
    locale = locale_of(turn.options, turn.member, state)
    ctx = await context(turn, turn.member, turn.scope, locale, desk)
    return replace(turn, row=row, state=state, locale=locale, ctx=ctx)


def locale_of(options: Options, member: Member | None, state: State) -> str:
    if member is not None:
        return member.locale
    return state.answers.get("language") or options.default_locale


async def context(turn: Turn, member: Member | None, scope: Scope, locale: str, desk: frozenset[str]) -> Context:
    member_ref = None
    if member is not None:
        unit = await turn.tx.units.get(member.unit_id) if member.unit_id else None
        unit_ref = UnitRef(unit.id, unit.code, unit.name) if unit else None
        member_ref = MemberRef(member.id, member.name, unit_ref)
    options = turn.options
    return Context(
        now=turn.now,
        fields=options.fields,
        target_groups=options.target_groups,
        display_name=turn.incoming.display_name,
        member=member_ref,
        resume_after=options.resume_after,
        powers=frozenset(action for action in ACTIONS if scope.units(action)),
        label=lambda choice: render.label(choice, locale),
        buttons=locales.button_labels(),
        desk=desk,
        hears=options.hears,
    )


async def fill(turn: Turn, ctx: Context, needs: set[str], member: Member | None) -> Context:
    """The Context with what the engine asked for: own initiatives, units found by a typed name, a link's unit."""
    tx, event = turn.tx, turn.event
    if "items" in needs and ctx.items is None and member is not None:
        ctx = replace(ctx, items=await own_items(tx, member.id))
    if "units" in needs and ctx.units is None:
        served = await served_unit(turn)
        within = served.path if served else None
        typed = event.text.strip()
        coded = await tx.units.by_code(typed) if typed else None
        if coded is not None and (within is None or coded.path.startswith(within)):
            found = [coded]  # a unit's exact code is that unit, whatever else holds those characters
        elif typed.isdigit() and len(typed) <= 3:
            found = []  # a bare number is an option's number on every screen, never part of a unit's code
        else:
            found = await tx.units.search(typed, limit=MAX_UNIT_CHOICES + 1, within=within)
        ctx = replace(ctx, units=tuple(UnitRef(u.id, u.code, u.name) for u in found))
    if "deep_link" in needs and ctx.deep_link_unit is None:
        unit = await tx.units.by_code(event.args)
        served = await served_unit(turn)
        unit = unit if unit is None or served is None or unit.path.startswith(served.path) else None
        ctx = replace(ctx, deep_link_unit=UnitRef(unit.id, unit.code, unit.name) if unit else None)
    return ctx


async def own_items(tx: Transaction, member_id: int) -> tuple[ItemRef, ...]:
    """A member's initiatives as "Sáng kiến của tôi" lists them (drafts first)."""
    items = await tx.initiatives.for_author(member_id)
    notes = await tx.initiatives.notes([i.id for i in items if i.status in DECISIONS])
    return tuple(ItemRef(i.id, i.status, i.code, answers_of(i), i.current_step, i.updated_at, notes.get(i.id)) for i in items)


async def served_unit(turn: Turn) -> Unit | None:
    """The unit whose subtree this bot serves (one of several bots, see BOTS), or None: the whole tree."""
    code = dict(turn.options.served).get(turn.incoming.channel)
    return await turn.tx.units.by_code(code) if code else None
