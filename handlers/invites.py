"""One-time invites: an officer makes a link that makes its first user an officer or support member of a unit.

Only a unit inside the officer's own subtree can be offered; the link works once and expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.model import Choice, Reply
from conversations.text import id_after
from handlers import notices
from handlers.screen_state import ScreenState
from handlers.staff import Call, Step, refuse, screen, staff_menu, units_in_scope
from storage.models import Member
from storage.repositories import Transaction

PREFIX = "inv_"  # /start inv_<token>; a unit code never starts so (codes are letters, digits, '-')
ROLES = ("officer", "support")


@dataclass(frozen=True)
class Inviting(ScreenState):
    role: str  # the role the invitation gives; its unit is asked


def token_of(args: str) -> str | None:
    args = args.strip()
    return args[len(PREFIX):] if args.startswith(PREFIX) and len(args) > len(PREFIX) else None


async def start(call: Call) -> Step:
    if not call.scope.units("invite"):
        return refuse()
    offered = [Choice(f"role:{role}", key=f"invite.role.{role}") for role in ROLES]
    reply = Reply("invite.pick_role", {}, (*offered, Choice("/canbo", key="choice.back")))
    return screen("invite_role", [reply])


async def on_role(call: Call) -> Step:
    role = (call.intent or "")[5:] if (call.intent or "").startswith("role:") else None
    if role not in ROLES:
        return staff_menu(call) if call.intent in ("/canbo", "/back") else await start(call)
    return await _ask_unit(call, role)


async def _ask_unit(call: Call, role: str, units=None, lead: tuple = ()) -> Step:
    offered = [Choice(f"iu:{u.id}", label=u.name) for u in units or await units_in_scope(call, "invite")]
    reply = Reply("invite.ask_unit", {"role": role}, (*offered, Choice("/moi", key="choice.back")))
    return Inviting(role).screen("invite_unit", [*lead, reply])


async def on_unit(call: Call) -> Step:
    role = Inviting.from_meta(call.state.meta).role
    intent = call.intent or ""
    if intent == "/moi":
        return await start(call)
    if intent.startswith("iu:"):
        unit = await call.tx.units.get(id_after(intent, "iu:") or 0)
        if unit is None or not call.scope.can("invite", unit.path):
            return refuse()
        invite = await call.tx.invites.create(
            role=role, unit_id=unit.id, created_by_id=call.member.id, now=call.now, lifetime=call.options.invite_lifetime
        )
        start_arg = f"{PREFIX}{invite.token}"
        deep = call.incoming.private_link if call.incoming.start_links else ""  # Zalo links carry no start code
        link = f"{deep}?start={start_arg}" if deep else None
        params = {"role": role, "unit": unit.name, "link": link, "command": f"/start {start_arg}", "days": call.options.invite_lifetime.days}
        return staff_menu(call, lead=(Reply("invite.created", params),))
    text = call.event.text.strip() if call.event.kind == "text" else ""
    found = await units_in_scope(call, "invite", text)
    lead = () if found else (Reply("invite.no_unit", {"query": text}),)
    return await _ask_unit(call, role, units=found, lead=lead)


async def accept(tx: Transaction, member: Member, token: str, now: datetime) -> Reply:
    """Use an invite: the role is granted once; a used, expired or unknown link changes nothing."""
    invite = await tx.invites.by_token(token)
    if invite is None or not await tx.invites.use(invite, member.id, now):
        return Reply("invite.invalid")
    unit = await tx.units.get(invite.unit_id)
    await tx.roles.grant(member.id, invite.role, invite.unit_id)
    creator = await tx.members.get(invite.created_by_id)
    if creator is not None:
        told = Reply("invite.used", {"name": member.name, "role": invite.role, "unit": unit.name})
        await notices.to_member(tx, creator, told, f"invite-used:{invite.id}")
    return Reply("invite.accepted", {"role": invite.role, "unit": unit.name})
