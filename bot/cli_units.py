"""`sangkien units` and `sangkien phases`: the unit tree and the programme's phases from the command line."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import typer

from bot.cli_errors import OperatorError
from bot.cli_values import DAY, day, locale as known_locale, writable
from bot.settings import get_settings
from storage.db import Database

units_app = typer.Typer(help="The unit tree: import and export as CSV or XLSX.", no_args_is_help=True)
phases_app = typer.Typer(help="Phases (giai đoạn) of the programme.", no_args_is_help=True)


async def open_database(settings) -> Database:
    """The configured database, refused unless it is at this version's revision (`sangkien db upgrade`)."""
    from storage.problems import check_revision

    db = Database.from_url(settings.database_url)
    try:
        await check_revision(db, settings.database_url)
    except BaseException:
        await db.close()
        raise
    return db


def with_db(work):
    """Run `work(tx)` in one transaction on the configured database."""
    settings = get_settings()

    async def run():
        db = await open_database(settings)
        try:
            async with db.transaction() as tx:
                return await work(tx)
        finally:
            await db.close()

    return asyncio.run(run())


SHOWN_PROBLEMS = 50  # a file broken on every line is told in its first problems and a count of the rest


@units_app.command("import")
def units_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX with the columns of 'units export'."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file and write nothing."),
    locale: str = typer.Option("vi", "--locale", help="vi or en: the language the file's problems are told in"),
) -> None:
    """Create or update units by code; any problem is reported with its line and nothing is written."""
    import locales
    from bot.unit_files import UnreadableFile, read_table
    from storage import unit_import

    if locale not in locales.LOCALES:
        raise typer.BadParameter(f"use one of {', '.join(locales.LOCALES)}", param_hint="--locale")
    try:
        table = read_table(file)
    except UnreadableFile as unreadable:
        refuse(file, [unreadable.problem], locale)

    async def work(tx):
        phase_codes = {p.code for p in await tx.phases.all()}
        rows, problems = unit_import.check(table.header, table.records, phase_codes, await tx.units.parents_by_code())
        table.records.clear()  # read into rows now: a national tree's cells are not kept twice while it is written
        split_wrong = {p.line for p in table.problems}  # its other problems are only what the shifted cells make
        problems = sorted(table.problems + [p for p in problems if p.line not in split_wrong], key=lambda p: p.line)
        if problems or dry_run:
            return rows, problems, None
        return rows, [], await unit_import.apply(tx, rows)

    rows, problems, counts = with_db(work)
    if problems:
        refuse(file, problems, locale)
    if counts is None:
        typer.echo(f"{len(rows)} rows checked; nothing written (--dry-run)")
        return
    typer.echo(f"{len(rows)} rows: {counts[0]} units added, {counts[1]} updated")


def refuse(file: Path, problems: list, locale: str) -> NoReturn:
    """Each problem on a line of its own (the first SHOWN_PROBLEMS), then how many there are; exit code 1."""
    import locales

    for problem in problems[:SHOWN_PROBLEMS]:
        where = {"file": file.name} if problem.line == 0 else {"line": problem.line}
        key = "units.import.file" if problem.line == 0 else "units.import.line"
        typer.echo(locales.render(key, {**where, "problem": problem.text(locale)}, locale), err=True)
    if len(problems) > SHOWN_PROBLEMS:
        typer.echo(locales.render("units.import.more", {"count": len(problems) - SHOWN_PROBLEMS}, locale), err=True)
    typer.echo(locales.render("units.import.summary", {"count": len(problems)}, locale), err=True)
    raise typer.Exit(1)


@units_app.command("export")
def units_export(file: Path = typer.Argument(..., dir_okay=False, help="Where to write: .csv or .xlsx.")) -> None:
    """Write the unit tree in the format 'units import' reads."""
    from bot.unit_files import write_table
    from storage import unit_import

    if file.suffix.lower() not in (".csv", ".xlsx"):
        raise typer.BadParameter(f"{file.name}: use a .csv or .xlsx file", param_hint="FILE")
    writable(file, "unit tree")

    async def work(tx):
        phases = await tx.phases.all()
        return unit_import.export_rows(await tx.units.all(), phases, await tx.phases.all_targets())

    header, rows = with_db(work)
    try:
        write_table(file, header, rows)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="FILE") from None
    typer.echo(f"wrote {len(rows)} units to {file}")


@phases_app.command("add")
def phases_add(
    code: str = typer.Argument(..., help="Short code, used in import columns as target:CODE."),
    name: str = typer.Argument(..., help="Name, e.g. 'Giai đoạn 2026-2028'."),
    starts_on: date = typer.Argument(..., parser=day, help=f"First day, {DAY}."),
    ends_on: date = typer.Argument(..., parser=day, help=f"Last day, {DAY}."),
) -> None:
    """Add a phase with its dates."""
    code, name = _phase_code(code), _phase_name(name)
    if ends_on < starts_on:
        raise typer.BadParameter("the phase must end after it starts", param_hint="ENDS_ON")

    async def work(tx):
        if await tx.phases.by_code(code):
            raise OperatorError(f"phase {code} exists already")
        try:
            await tx.phases.add(code, name, starts_on, ends_on)
        except ValueError as refusal:  # it would overlap another phase
            raise OperatorError(f"{refusal}; phases may not overlap") from None

    with_db(work)
    typer.echo(f"phase {code} added")


def _phase_code(code: str) -> str:
    """What a column target:CODE of `units import` can name: CODE's characters, as long as the column holds."""
    from storage.models import CODE, CODE_CHARACTERS, Phase
    from storage.unit_rows import shown

    code, most = code.strip().upper(), Phase.__table__.c.code.type.length
    if not CODE.fullmatch(code) or len(code) > most:
        raise typer.BadParameter(f"{shown(code)}: a code is 1 to {most} of {CODE_CHARACTERS}", param_hint="CODE")
    return code


def _phase_name(name: str) -> str:
    from conversations.text import nfc
    from storage.models import Phase

    name, most = nfc(name), Phase.__table__.c.name.type.length
    if not name or len(name) > most or "\n" in name or "\r" in name:
        raise typer.BadParameter(f"a name is 1 to {most} characters on one line", param_hint="NAME")
    return name


@phases_app.command("list")
def phases_list() -> None:
    """The phases, and which one is current (the default for every figure)."""
    async def work(tx):
        return await tx.phases.all(), await tx.phases.current(date.today())

    phases, current = with_db(work)
    for phase in phases:
        mark = "  (current)" if current and phase.id == current.id else ""
        typer.echo(f"{phase.code}\t{phase.name}\t{phase.starts_on} – {phase.ends_on}{mark}")


def report(
    unit: str = typer.Argument(..., help="The unit whose figures to show, with its child units: its code, or its "
                                         "name (accents optional, a few words are enough)."),
    chart: Path = typer.Option(None, "--chart", dir_okay=False, help="Also write the chart as PNG here."),
    locale: str = typer.Option("vi", "--locale", parser=known_locale, help="vi or en"),
) -> None:
    """The progress report of a unit for the current phase."""
    if chart is not None:
        writable(chart, "chart")
    import locales
    from handlers.officer import CANDIDATES, as_params, chart_of
    from storage.reports import progress

    async def work(tx):
        units = await tx.units.find(unit, CANDIDATES + 1)
        if len(units) != 1:
            return units
        now = datetime.now(get_settings().tz)
        return await progress(tx.session, units[0], await tx.phases.current(now.date()), now)

    found = with_db(work)
    if not found:
        raise OperatorError(f"no unit with the code or name {unit!r}")
    if isinstance(found, list):
        shown = found[:CANDIDATES]
        for candidate in shown:  # the candidates, then the one line that names the command
            typer.echo(f"  {candidate.code}\t{candidate.name}", err=True)
        more = "more than " if len(found) > CANDIDATES else ""
        raise OperatorError(f"{more}{len(shown)} units match {unit!r} (above): give its code, or more of its name")
    typer.echo(locales.render("report.progress", as_params(found), locale))
    if chart is not None:
        png = chart_of(found, locale)
        if png is None:
            typer.echo("no child units: no chart", err=True)
        else:
            chart.write_bytes(png)
            typer.echo(f"chart written to {chart}")
