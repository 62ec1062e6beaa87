"""`sangkien export`: what officers hand on to the national portal, as XLSX or CSV."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer

from bot.settings import get_settings
from storage.db import Database


class _Refused(Exception):
    """Nothing to export: an unknown unit or phase."""


def export(
    out: Path = typer.Argument(..., dir_okay=False, help="Where to write: .xlsx, or .csv (per-unit figures beside it)."),
    unit_code: str = typer.Option(..., "--unit", help="The unit whose subtree to export."),
    phase_code: Optional[str] = typer.Option(None, "--phase", help="Only this phase (default: the current one)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="xlsx or csv (default: from OUT's suffix)."),
    locale: str = typer.Option("vi", "--locale", help="vi or en"),
) -> None:
    """Write a unit's initiatives and the figures of every unit below it, for the national portal."""
    import locales
    from handlers.exports import FORMATS, build_export

    fmt = (fmt or out.suffix.lstrip(".") or "xlsx").lower()
    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    if locale not in locales.LOCALES:
        raise typer.BadParameter(f"use one of {', '.join(locales.LOCALES)}", param_hint="--locale")
    settings = get_settings()

    exported = [0]

    def report_progress(done: int, total: int) -> None:
        exported[0] = done
        typer.echo(f"{done}/{total} initiatives", err=True)

    async def run():
        db = Database.from_url(settings.database_url)
        try:
            async with db.transaction() as tx:
                unit = await tx.units.by_code(unit_code)
                if unit is None:
                    raise _Refused(f"no unit with code {unit_code!r}")
                now = datetime.now(settings.tz)
                if phase_code is None:
                    phase = await tx.phases.current(now.date())
                else:
                    phase = await tx.phases.by_code(phase_code.upper())
                    if phase is None:
                        raise _Refused(f"no phase with code {phase_code!r}")
                files = await build_export(tx, unit, phase, now, fmt=fmt, locale=locale, progress=report_progress,
                                           base_url=settings.public_base_url)
                return unit, phase, files
        finally:
            await db.close()

    if not out.parent.is_dir():  # said before the export is made, not after
        typer.echo(f"no folder {out.parent}: create it first, or write the export elsewhere", err=True)
        raise typer.Exit(1)
    try:
        unit, phase, files = asyncio.run(run())
    except _Refused as refusal:
        typer.echo(str(refusal), err=True)
        raise typer.Exit(1) from None
    for file, path in zip(files, _paths(out, len(files))):
        try:
            path.write_bytes(file.data)
        except OSError as error:
            typer.echo(f"cannot write {path}: {error.strerror}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"wrote {path}")
    params = {"count": exported[0], "unit": unit.name, "phase": phase.name if phase else None}
    typer.echo(locales.render("export.summary", params, locale))


def _paths(out: Path, count: int) -> list[Path]:
    """OUT itself, then for CSV the per-unit figures beside it as <stem>-don-vi.csv."""
    return [out, out.with_name(f"{out.stem}-don-vi{out.suffix or '.csv'}")][:count]

