"""`sangkien campaign`: peak campaigns (chiến dịch cao điểm) of a unit's subtree from the command line.

The same rules as the chat (conversations/campaign_rules.py): a campaign starts today or later, within
five years, is edited only before it starts, and its cancellation notice goes out once. Every refusal exits non-zero and writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import typer

from bot.cli_errors import OperatorError as Refused  # raised inside the transaction: it rolls back, writes nothing
from bot.cli_units import with_db
from bot.cli_values import DAY, day, record_id
from bot.settings import get_settings
from conversations import campaign_rules as rules
from conversations.model import Reply
from handlers.campaign_views import status
from handlers.campaign_pushes import announce_cancellation

campaign_app = typer.Typer(help="Peak campaigns (chiến dịch cao điểm) of a unit's subtree.", no_args_is_help=True)

# The campaign rules' reasons (conversations/campaign_rules.py) as this command says them: a bad option
# (the option named, exit 2), or a refusal (exit 1).
OPTIONS = {"campaign.unknown_kind": "--kind", "campaign.name_needs_letters": "--name", "campaign.name_needed": "--name",
           "campaign.slogan_needed": "--slogan"}  # fmt: skip
LINES = {
    "campaign.unknown_kind": "{kinds}",
    "campaign.name_needs_letters": "letters, not only symbols, punctuation or digits",
    "campaign.name_needed": "{min} to {max} characters",
    "campaign.slogan_needed": "at most {max} characters",
    "campaign.past_date": "--start {starts} is in the past: a campaign starts today ({today}) or later",
    "campaign.far_date": "{day} is more than {years} years ahead: a campaign is planned up to {latest}",
    "campaign.end_needed": "a custom campaign needs --end",
    "campaign.end_before_start": "--end is before --start",
    "campaign.fixed_length": "a {kind} campaign lasts {days} days: it ends on {ends} (use --kind custom for other dates)",
}


def _now() -> datetime:
    return datetime.now(get_settings().tz)


def _check(refusal: Reply | None) -> None:
    """Say a rule's refusal, if any, as this command's one line."""
    if refusal is None:
        return
    params = {k: ", ".join(v) if isinstance(v, tuple) else v for k, v in refusal.params.items()}
    line = LINES[refusal.key].format(**params)
    if refusal.key in OPTIONS:
        raise typer.BadParameter(line, param_hint=OPTIONS[refusal.key])
    raise Refused(line)


def _ends(kind: str, starts: date, ends: date | None) -> date:
    """The last day: given for a custom campaign, else fixed by the kind."""
    found = rules.ends_on(kind, starts, ends)
    _check(found if isinstance(found, Reply) else None)
    return found


def _checked_text(name: str | None, slogan: str | None) -> None:
    _check(rules.name_refusal(name.strip()) if name is not None else None)
    _check(rules.slogan_refusal(slogan.strip()) if slogan is not None else None)


async def _per_unit(tx, unit, pairs: list[str]) -> dict[int, int] | None:
    """{child unit id: share} from CODE=N pairs, each a child of the campaign's unit."""
    given: dict[int, int] = {}
    for pair in pairs:
        code, _, number = pair.partition("=")
        if not number.strip().isdigit():
            raise Refused(f"--per-unit {pair!r}: write CODE=N with N a whole number")
        child = await tx.units.by_code(code)
        if child is None:
            raise Refused(f"--per-unit: no unit {code.strip()!r}")
        if child.parent_id != unit.id:
            raise Refused(f"--per-unit: {child.code} is not a child unit of {unit.code}")
        given[child.id] = int(number)
    return given or None


def _line(campaign, unit, today: date) -> str:
    return (f"{campaign.id}\t{status(campaign, today)}\t{unit.code}\t{campaign.starts_on} – {campaign.ends_on}"
            f"\t{campaign.target}\t{campaign.name}")  # fmt: skip


@campaign_app.command("create")
def create(
    unit: str = typer.Option(..., "--unit", help="The unit code: the campaign covers its subtree."),
    name: str = typer.Option(..., "--name"),
    kind: str = typer.Option(..., "--kind", help=", ".join(rules.KINDS)),
    start: date = typer.Option(..., "--start", parser=day, metavar=DAY, help="First day (today or later)."),
    end: Optional[date] = typer.Option(None, "--end", parser=day, metavar=DAY, help="Last day; only for --kind custom."),
    target: int = typer.Option(..., "--target", min=1, max=rules.TARGET_MAX, help="Initiatives for the whole subtree."),
    per_unit: list[str] = typer.Option([], "--per-unit", help="CODE=N: a child unit's share (repeat); the rest by member share."),
    slogan: Optional[str] = typer.Option(None, "--slogan"),
) -> None:
    """Create a campaign; the target is split across the child units by member share unless given per unit."""
    kind = kind.strip().lower().replace("-", "_")
    _check(rules.kind_refusal(kind))
    _checked_text(name, slogan)
    now = _now()

    async def work(tx):
        found = await tx.units.by_code(unit)
        if found is None:
            raise Refused(f"no unit {unit!r}")
        _check(rules.start_refusal(start, now.date()))
        ends = _ends(kind, start, end)
        given = await _per_unit(tx, found, per_unit)
        try:
            campaign = await tx.campaigns.create(name=name.strip(), kind=kind, unit=found, starts_on=start, ends_on=ends,
                                                 target=target, slogan=(slogan or "").strip() or None, per_unit=given)
        except ValueError as error:
            raise Refused(str(error)) from None
        return campaign, found, await _shares(tx, campaign)

    campaign, found, shares = with_db(work)
    typer.echo(f"campaign {campaign.id} created: {campaign.name}, {found.code} ({found.name}), "
               f"{campaign.starts_on} – {campaign.ends_on}, target {campaign.target}")  # fmt: skip
    for code, share in shares:
        typer.echo(f"  {code}\t{share}")


async def _shares(tx, campaign) -> list[tuple[str, int]]:
    shares = [((await tx.units.get(u)).code, n) for u, n in (await tx.campaigns.targets(campaign.id)).items()]
    return sorted(shares, key=lambda s: (-s[1], s[0]))


@campaign_app.command("list")
def listing(unit: Optional[str] = typer.Option(None, "--unit", help="Only campaigns of this unit's subtree.")) -> None:
    """Every campaign: id, status, unit, dates, target, name."""
    today = _now().date()

    async def work(tx):
        roots = None
        if unit is not None:
            found = await tx.units.by_code(unit)
            if found is None:
                raise Refused(f"no unit {unit!r}")
            roots = [found.path]
        return [_line(c, u, today) for c, u in await tx.campaigns.listing(roots)]

    lines = with_db(work)
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo("no campaigns", err=True)


@campaign_app.command("edit")
def edit(
    campaign_id: int = typer.Argument(..., metavar="ID", parser=record_id("campaign")),
    name: Optional[str] = typer.Option(None, "--name"),
    start: Optional[date] = typer.Option(None, "--start", parser=day, metavar=DAY),
    end: Optional[date] = typer.Option(None, "--end", parser=day, metavar=DAY, help="Only for a custom campaign."),
    target: Optional[int] = typer.Option(None, "--target", min=1, max=rules.TARGET_MAX),
    per_unit: list[str] = typer.Option([], "--per-unit", help="CODE=N: a child unit's share (repeat)."),
    slogan: Optional[str] = typer.Option(None, "--slogan", help="An empty text removes it."),
) -> None:
    """Change a campaign before it starts; the shares are split again when the target changes."""
    if all(v is None for v in (name, start, end, target, slogan)) and not per_unit:
        raise typer.BadParameter("give at least one of --name, --start, --end, --target, --per-unit, --slogan")
    _checked_text(name, slogan)
    today = _now().date()

    async def work(tx):
        campaign = await tx.campaigns.get(campaign_id)
        if campaign is None:
            raise Refused(f"no campaign {campaign_id}")
        unit = await tx.units.get(campaign.unit_id)
        if campaign.cancelled_at is not None or today >= campaign.starts_on:
            state = "was cancelled" if campaign.cancelled_at else f"started on {campaign.starts_on}"
            raise Refused(f"campaign {campaign.id} {state}: it can no longer be edited")
        starts = start or campaign.starts_on
        _check(rules.start_refusal(starts, today) if start else None)
        changes: dict = {"starts_on": starts}
        if start or end:
            keep = campaign.ends_on if campaign.kind == "custom" else None
            changes["ends_on"] = _ends(campaign.kind, starts, end or keep)
        if name is not None:
            changes["name"] = name.strip()
        if slogan is not None:
            changes["slogan"] = slogan.strip() or None
        if target is not None:
            changes["target"] = target
        keep = not per_unit and changes.get("target", campaign.target) == campaign.target  # the same target keeps the shares
        given = await tx.campaigns.targets(campaign.id) if keep else await _per_unit(tx, unit, per_unit)
        try:
            await tx.campaigns.edit(campaign, per_unit=given or None, **changes)
        except ValueError as error:
            if not keep:
                raise Refused(str(error)) from None
            await tx.campaigns.edit(campaign)  # the tree changed under the kept shares: by member share again
        return _line(campaign, unit, today), await _shares(tx, campaign)

    line, shares = with_db(work)
    typer.echo(f"campaign edited:\n{line}")
    for code, share in shares:
        typer.echo(f"  {code}\t{share}")


@campaign_app.command("cancel")
def cancel(campaign_id: int = typer.Argument(..., metavar="ID", parser=record_id("campaign"))) -> None:
    """Cancel a campaign; its groups get the cancellation notice once."""
    now = _now()

    async def work(tx):
        campaign = await tx.campaigns.get(campaign_id)
        if campaign is None:
            raise Refused(f"no campaign {campaign_id}")
        if not await tx.campaigns.cancel(campaign, now):
            raise Refused(f"campaign {campaign.id} was already cancelled; no second notice")
        unit = await tx.units.get(campaign.unit_id)
        return campaign.name, await announce_cancellation(tx, campaign, unit, now)

    name, chats = with_db(work)
    typer.echo(f"campaign {campaign_id} cancelled: {name}; the notice goes to {chats} chat(s)")
