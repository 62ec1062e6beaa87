"""`sangkien export`: what officers hand on to the national portal, as XLSX or CSV."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer

from bot.cli_errors import OperatorError
from bot.cli_values import locale as known_locale, writable
from bot.settings import get_settings
from bot.cli_units import open_database


def export(
    out: Path = typer.Argument(..., dir_okay=False, help="Where to write: .xlsx, or .csv (per-unit figures beside it)."),
    unit_code: str = typer.Option(..., "--unit", help="The unit whose subtree to export."),
    phase_code: Optional[str] = typer.Option(None, "--phase", help="Only this phase (default: the current one)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="xlsx or csv (default: from OUT's suffix)."),
    locale: str = typer.Option("vi", "--locale", parser=known_locale, help="vi or en"),
) -> None:
    """Write a unit's initiatives and the figures of every unit below it, for the national portal."""
    import locales
    from handlers.exports import FORMATS, build_export

    fmt = (fmt or out.suffix.lstrip(".") or "xlsx").lower()
    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    writable(out, "export")
    settings = get_settings()

    exported = [0]

    def report_progress(done: int, total: int) -> None:
        exported[0] = done
        typer.echo(f"{done}/{total} initiatives", err=True)

    async def run():
        db = await open_database(settings)
        try:
            async with db.transaction() as tx:
                unit = await tx.units.by_code(unit_code)
                if unit is None:
                    raise OperatorError(f"no unit with code {unit_code!r}")
                now = datetime.now(settings.tz)
                if phase_code is None:
                    phase = await tx.phases.current(now.date())
                else:
                    phase = await tx.phases.by_code(phase_code.upper())
                    if phase is None:
                        raise OperatorError(f"no phase with code {phase_code!r}")
                files = await build_export(tx, unit, phase, now, fmt=fmt, locale=locale, progress=report_progress,
                                           base_url=settings.public_base_url)
                return unit, phase, files
        finally:
            await db.close()

    unit, phase, files = asyncio.run(run())
    for file, path in zip(files, _paths(out, len(files))):
        path.write_bytes(file.data)
        typer.echo(f"wrote {path}")
    params = {"count": exported[0], "unit": unit.name, "phase": phase.name if phase else None}
    typer.echo(locales.render("export.summary", params, locale))


def _paths(out: Path, count: int) -> list[Path]:
    """OUT itself, then for CSV the per-unit figures beside it as <stem>-don-vi.csv."""
    return [out, out.with_name(f"{out.stem}-don-vi{out.suffix or '.csv'}")][:count]

