"""Values the commands read, refused in one line that says what is wanted: a date, an id, a language, a file to write."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import typer

from bot.cli_errors import OperatorError

DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
DAY = "DD/MM/YYYY"
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the programme's dates: a year outside is a slip (9999, 0001), not a plan
ID_MOST = 2**31 - 1  # ids are INTEGER columns: a larger number names nothing


def day(text: str) -> date:
    """A date as the bot shows it (23/11/2026), or as ISO (2026-11-23)."""
    for form in DAY_FORMATS:
        try:
            found = datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
        if not FIRST_YEAR <= found.year <= LAST_YEAR:
            raise typer.BadParameter(f"{text!r} is out of range: a date from {FIRST_YEAR} to {LAST_YEAR}")
        return found
    raise typer.BadParameter(f"{text!r} is not a date: write day/month/year, e.g. 23/11/2026 (or 2026-11-23)")


def record_id(what: str) -> Callable[[str], int]:
    """A parser for the id of a stored `what` (member, campaign): a whole number; one outside 1..ID_MOST names
    no record, and is told so as the lookup would tell it, without asking the database (which cannot hold it)."""

    def parse(text: str) -> int:
        digits = text.strip()
        if not digits.lstrip("+-").isdigit() or not digits.isascii():
            raise typer.BadParameter(f"{text!r} is not a {what} id: write a whole number")
        number = int(digits) if len(digits) < 20 else ID_MOST + 1  # int() refuses thousands of digits
        if not 1 <= number <= ID_MOST:
            raise OperatorError(f"no {what} {digits}")
        return number

    return parse


def locale(text: str) -> str:
    """vi or en: the language of what a command writes."""
    from locales import LOCALES

    if text.lower() not in LOCALES:
        raise typer.BadParameter(f"{text!r} is not a language of the bot: use {' or '.join(LOCALES)}")
    return text.lower()


def writable(path: Path, what: str) -> Path:
    """Refuse a file whose folder is missing, or that cannot be written, before the work is done, not after."""
    if not path.parent.is_dir():
        raise OperatorError(f"no folder {path.parent} for the {what}: create it first, or write it elsewhere")
    existed = path.exists()
    try:
        with path.open("ab"):  # the one sure test (root passes every permission check; /proc refuses anyway)
            pass
    except OSError as error:
        raise OperatorError(f"cannot write the {what} to {path}: {error.strerror or error}") from None
    if not existed:
        os.unlink(path)  # leave nothing behind when the command is refused later
    return path
