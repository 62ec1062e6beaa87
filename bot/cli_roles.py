"""`sangkien roles` and `sangkien members`: who is an officer, a support team member or an admin."""

from __future__ import annotations

from typing import Optional

import typer

from bot.cli_errors import OperatorError
from bot.cli_units import with_db
from bot.cli_values import record_id

roles_app = typer.Typer(help="Roles: officer or support team of a unit's subtree, or admin.", no_args_is_help=True)
members_app = typer.Typer(help="Members who registered with the bot.", no_args_is_help=True)


@roles_app.command("grant")
def roles_grant(
    role: str = typer.Argument(..., help="officer, support or admin"),
    member: int = typer.Option(..., "--member", parser=record_id("member"), metavar="ID",
                               help="The member's id (see 'sangkien members list')."),
    unit: Optional[str] = typer.Option(None, "--unit", help="The unit code whose subtree the role covers."),
) -> None:
    """Give a member a role over a unit's subtree (or everything, for admin)."""
    _change(role, member, unit, grant=True)


@roles_app.command("revoke")
def roles_revoke(
    role: str = typer.Argument(..., help="officer, support or admin"),
    member: int = typer.Option(..., "--member", parser=record_id("member"), metavar="ID"),
    unit: Optional[str] = typer.Option(None, "--unit"),
) -> None:
    """Take a role back."""
    _change(role, member, unit, grant=False)


def _change(role: str, member_id: int, unit_code: str | None, *, grant: bool) -> None:
    role = role.lower()
    if role not in ("officer", "support", "admin"):
        raise typer.BadParameter("officer, support or admin", param_hint="ROLE")
    if (role == "admin") == bool(unit_code):
        raise typer.BadParameter("admin takes no --unit; officer and support need one", param_hint="--unit")

    async def work(tx):
        member = await tx.members.get(member_id)
        unit = await tx.units.by_code(unit_code) if unit_code else None
        if member is None:
            raise OperatorError(f"no member {member_id}")
        if unit_code and unit is None:
            raise OperatorError(f"no unit {unit_code!r}")
        unit_id = unit.id if unit else None
        done = await (tx.roles.grant if grant else tx.roles.revoke)(member.id, role, unit_id)
        where = f" of {unit.code} ({unit.name})" if unit else ""
        if grant:
            return f"{member.name} is now {role}{where}" if done else f"{member.name} was {role}{where} already"
        return f"{member.name} is no longer {role}{where}" if done else f"{member.name} was not {role}{where}"

    typer.echo(with_db(work))


@roles_app.command("list")
def roles_list() -> None:
    """Every role held, by member."""

    async def work(tx):
        return [(m.id, m.name, role, unit.code if unit else "*") for m, role, unit in await tx.roles.listing()]

    for member_id, name, role, unit in with_db(work):
        typer.echo(f"{member_id}\t{name}\t{role}\t{unit}")


@members_app.command("list")
def members_list(unit: Optional[str] = typer.Option(None, "--unit", help="Only members of this unit's subtree.")) -> None:
    """Members with their id, unit and the chat accounts they use."""

    async def work(tx):
        found = await tx.units.by_code(unit) if unit is not None else None
        if unit is not None and found is None:
            raise OperatorError(f"no unit {unit!r}")
        return await tx.members.listing(found.code if found else None)

    for member_id, name, unit_code, accounts in with_db(work):
        typer.echo(f"{member_id}\t{name}\t{unit_code or '-'}\t{accounts}")
