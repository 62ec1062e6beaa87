"""`sangkien qr`: a unit's printable QR posters, for Telegram (the link registers into the unit) and Zalo."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Optional

import typer

from bot.cli_errors import OperatorError
from bot.settings import Settings, get_settings
from bot.cli_units import open_database

PLATFORMS = ("telegram", "zalo")


def qr(
    unit_code: str = typer.Argument(..., help="The unit whose members the poster registers."),
    username: Optional[str] = typer.Option(None, "--username", help="The Telegram bot's username; asked from Telegram when omitted."),
    out: Optional[str] = typer.Option(
        None, "--out", help="A PNG file, or a folder for qr-<UNIT_CODE>.png and qr-<UNIT_CODE>-zalo.png (default: here). "
        "With both posters the Zalo one goes beside FILE as FILE-zalo.png."),
    platform: Optional[str] = typer.Option(
        None, "--platform", help="telegram, zalo or both (default: Telegram, and Zalo too when ZALO_BOT_LINK is set)."),
) -> None:
    """Write printable QR posters that open the bot for the unit's workers: scan, and send an initiative."""
    settings = get_settings()
    for path in _write(settings, unit_code, username, out, _platforms(settings, platform)):
        typer.echo(f"wrote {path}")


def _platforms(settings: Settings, asked: str | None) -> tuple[str, ...]:
    if asked is None:
        return PLATFORMS if settings.zalo_bot_link else ("telegram",)
    chosen = PLATFORMS if asked.lower() == "both" else (asked.lower(),)
    if chosen[0] not in PLATFORMS:
        raise typer.BadParameter(f"telegram, zalo or both, not {asked!r}", param_hint="--platform")
    if "zalo" in chosen and not settings.zalo_bot_link:
        raise OperatorError("a Zalo poster needs ZALO_BOT_LINK, the bot's Zalo link")
    return chosen


def _write(settings: Settings, unit_code: str, username: str | None, out: str | None, platforms) -> list[Path]:
    from bot import posters

    code, name = asyncio.run(_unit(settings, unit_code))
    paths = _paths(out, code, platforms)
    for path in paths.values():
        if not path.parent.is_dir():
            raise OperatorError(f"no folder {str(path.parent)!r} to write {path.name} in")
    made = []
    try:
        if "telegram" in paths:
            bot = username or asyncio.run(_bot_username(settings))
            made.append((paths["telegram"], posters.telegram(bot, code, name)))
        if "zalo" in paths:
            made.append((paths["zalo"], posters.zalo(settings.zalo_bot_link, code, name)))
    except ValueError as error:  # a username or code Telegram would not carry
        raise OperatorError(str(error)) from None
    try:
        return [poster.save(path) for path, poster in made]
    except OSError as error:
        raise OperatorError(f"cannot write {error.filename or out}: {error.strerror or error}") from None


def _paths(out: str | None, unit_code: str, platforms: tuple[str, ...]) -> dict[str, Path]:
    """Where each poster goes: default names in a folder, or the file given (the Zalo one beside it)."""
    given = Path(out) if out else None
    if given is None or given.is_dir():
        suffix = {"telegram": "", "zalo": "-zalo"}
        return {p: (given or Path(".")) / f"qr-{unit_code}{suffix[p]}.png" for p in platforms}
    if len(platforms) == 1:
        return {platforms[0]: given}
    return {"telegram": given, "zalo": given.with_name(f"{given.stem}-zalo{given.suffix}")}


async def _unit(settings: Settings, unit_code: str) -> tuple[str, str]:
    db = await open_database(settings)
    try:
        async with db.transaction() as tx:
            unit = await tx.units.by_code(unit_code)
            if unit is None:
                raise OperatorError(f"no unit with code {unit_code!r}")
            return unit.code, unit.name
    finally:
        await db.close()


async def _bot_username(settings: Settings) -> str:
    if settings.telegram_bot_token is None:
        raise OperatorError("give --username, or set TELEGRAM_BOT_TOKEN to ask Telegram (or --platform zalo)")
    from bot.channels.telegram.channel import make_bot
    from bot.logs import RedactSecrets

    bot = make_bot(settings)
    try:
        return (await bot.get_me()).username or ""
    except Exception as error:  # any failure to reach Telegram; its message may carry the token's URL
        why = RedactSecrets(settings.secrets).redact(f"{type(error).__name__}: {error}")
        raise OperatorError(f"could not ask Telegram for the bot's username ({why}); give --username") from None
    finally:
        await bot.session.close()
