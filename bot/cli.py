"""The `sangkien` command."""

from __future__ import annotations

import asyncio
import sys
from typing import Optional

import typer

from bot.app import build, configure_logging
from bot.settings import get_settings
from storage import migrate
from storage.db import Database
from storage.demo import load_demo_units

app = typer.Typer(help="Sáng kiến bot: initiatives for the '1 triệu sáng kiến' programme.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    settings = get_settings()

    async def run() -> str | None:
        db = Database.from_url(settings.database_url)
        try:
            await migrate.upgrade(db, revision)
            return await migrate.current_revision(db)
        finally:
            await db.close()

    typer.echo(f"database at revision {asyncio.run(run())}")


@app.command("demo-data")
def demo_data(if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when units exist.")) -> None:
    """Load a small realistic unit tree (a province federation and its unions)."""
    settings = get_settings()

    async def run() -> int:
        db = Database.from_url(settings.database_url)
        try:
            async with db.transaction() as tx:
                if if_empty and await tx.units.count() > 0:
                    return 0
                return await load_demo_units(tx)
        finally:
            await db.close()

    added = asyncio.run(run())
    typer.echo(f"demo units added: {added}")


@app.command()
def chat(
    user: str = typer.Option("1", "--user", help="Who you are: two users can share one database."),
    name: str = typer.Option("", "--name", help="The display name a platform would give."),
    session: Optional[str] = typer.Option(
        None, "--session", help="Give piped lines update ids SESSION:LINE, so replaying the same input is a no-op."
    ),
) -> None:
    """Chat in the terminal through the same path as the platforms."""
    if session is not None and not 0 < len(session) <= 60:
        raise typer.BadParameter("at most 60 characters", param_hint="--session")
    settings = get_settings()
    configure_logging("WARNING" if settings.log_level.upper() == "INFO" else settings.log_level)
    from bot.channels.console import ConsoleChat

    async def run() -> None:
        db, dispatcher = build(settings)
        try:
            await ConsoleChat(dispatcher, user_id=user, name=name, session=session).run()
        finally:
            await db.close()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        sys.stderr.write("\n")


@app.command()
def run() -> None:
    """Start the bot: the terminal chat when no platform token is configured."""
    settings = get_settings()
    if settings.has_platform_token:
        typer.echo(
            "Telegram and Zalo channels are not part of this version yet; unset TELEGRAM_BOT_TOKEN and "
            "ZALO_BOT_TOKEN to use the terminal chat.",
            err=True,
        )
        raise typer.Exit(2)
    chat(user="1", name="", session=None)
