"""`sangkien campaign`: peak campaigns (chiến dịch cao điểm) of a unit's subtree from the command line.

The same rules as the chat: a campaign starts today or later, is edited only before it starts,
and its cancellation notice goes out once. Every refusal exits non-zero and writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Optional

import typer

from bot.cli_errors import OperatorError as Refused  # raised inside the transaction: it rolls back, writes nothing
from bot.cli_units import with_db
from bot.cli_values import DAY, day, record_id
from bot.settings import get_settings
from handlers.campaign_views import status
from handlers.campaign_pushes import announce_cancellation
from storage.models_campaigns import CAMPAIGN_DAYS, CAMPAIGN_KINDS

campaign_app = typer.Typer(help="Peak campaigns (chiến dịch cao điểm) of a unit's subtree.", no_args_is_help=True)
NAME_MAX, SLOGAN_MAX = 200, 300


def _now() -> datetime:
    return datetime.now(get_settings().tz)


def _ends(kind: str, starts: date, ends: date | None) -> date:
    """The last day: given for a custom campaign, else fixed by the kind."""
    if kind == "custom":
        if ends is None:
            raise Refused("a custom campaign needs --end")
        if ends < starts:
            raise Refused("--end is before --start")
        return ends
    fixed = starts + timedelta(days=CAMPAIGN_DAYS[kind] - 1)
    if ends is not None and ends != fixed:
        raise Refused(f"a {kind} campaign lasts {CAMPAIGN_DAYS[kind]} days: it ends on {fixed} (use --kind custom for other dates)")
    return fixed


def _checked_text(name: str | None, slogan: str | None) -> None:
    if name is not None and not 2 <= len(name.strip()) <= NAME_MAX:
        raise typer.BadParameter(f"2 to {NAME_MAX} characters", param_hint="--name")
    if slogan is not None and len(slogan.strip()) > SLOGAN_MAX:
        raise typer.BadParameter(f"at most {SLOGAN_MAX} characters", param_hint="--slogan")


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
    kind: str = typer.Option(..., "--kind", help=", ".join(CAMPAIGN_KINDS)),
    start: date = typer.Option(..., "--start", parser=day, metavar=DAY, help="First day (today or later)."),
    end: Optional[date] = typer.Option(None, "--end", parser=day, metavar=DAY, help="Last day; only for --kind custom."),
    target: int = typer.Option(..., "--target", min=1, max=10_000_000, help="Initiatives for the whole subtree."),
    per_unit: list[str] = typer.Option([], "--per-unit", help="CODE=N: a child unit's share (repeat); the rest by member share."),
    slogan: Optional[str] = typer.Option(None, "--slogan"),
) -> None:
    """Create a campaign; the target is split across the child units by member share unless given per unit."""
    kind = kind.strip().lower().replace("-", "_")
    if kind not in CAMPAIGN_KINDS:
        raise typer.BadParameter(", ".join(CAMPAIGN_KINDS), param_hint="--kind")
    _checked_text(name, slogan)
    now = _now()

    async def work(tx):
        found = await tx.units.by_code(unit)
        if found is None:
            raise Refused(f"no unit {unit!r}")
        if start < now.date():
            raise Refused(f"--start {start} is in the past: a campaign starts today ({now.date()}) or later")
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
    target: Optional[int] = typer.Option(None, "--target", min=1, max=10_000_000),
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
        if start and starts < today:
            raise Refused(f"--start {starts} is in the past: a campaign starts today ({today}) or later")
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
