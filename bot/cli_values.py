"""Values the commands read, refused in one line that says what is wanted: a date, a language, a file to write."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer

from bot.cli_errors import OperatorError

DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
DAY = "DD/MM/YYYY"


def day(text: str) -> date:
    """A date as the bot shows it (23/11/2026), or as ISO (2026-11-23)."""
    for form in DAY_FORMATS:
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            pass
    raise typer.BadParameter(f"{text!r} is not a date: write day/month/year, e.g. 23/11/2026 (or 2026-11-23)")


def locale(text: str) -> str:
    """vi or en: the language of what a command writes."""
    from locales import LOCALES

    if text.lower() not in LOCALES:
        raise typer.BadParameter(f"{text!r} is not a language of the bot: use {' or '.join(LOCALES)}")
    return text.lower()


def writable(path: Path, what: str) -> Path:
    """Refuse a file whose folder is missing before the work is done, not after."""
    if not path.parent.is_dir():
        raise OperatorError(f"no folder {path.parent} for the {what}: create it first, or write it elsewhere")
    return path
