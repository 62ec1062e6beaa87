"""The `sangkien` command."""

from __future__ import annotations

import asyncio
import sys
from typing import Optional

import typer

from bot.app import build, configure_logging
from bot.cli_campaigns import campaign_app
from bot.cli_errors import Commands, OperatorError, explain
from bot.cli_export import export
from bot.cli_qr import qr
from bot.cli_roles import members_app, roles_app
from bot.cli_transcribe import transcribe
from bot.cli_units import open_database, phases_app, report, units_app
from bot.hearing.queue import hearings_for
from bot.keeping import Keeper
from bot.settings import get_settings
from storage.db import Database
from storage.problems import check_revision
from storage.demo import load_demo_units

app = typer.Typer(
    help="Sáng kiến bot: initiatives for the '1 triệu sáng kiến' programme.",
    no_args_is_help=True,
    cls=Commands,  # any failure the operator can fix is one line, not a traceback
    pretty_exceptions_show_locals=False,  # locals hold tokens
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(units_app, name="units")
app.add_typer(phases_app, name="phases")
app.add_typer(roles_app, name="roles")
app.add_typer(members_app, name="members")
app.add_typer(campaign_app, name="campaign")
app.command("report")(report)
app.command("export")(export)
app.command("qr")(qr)
app.command("transcribe")(transcribe)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from storage import migrate  # alembic: not loaded by the running bot

    settings = get_settings()

    async def run() -> str | None:
        db = Database.from_url(settings.database_url)
        try:
            await migrate.upgrade(db, revision)
            return await migrate.current_revision(db)
        except migrate.Refused as error:  # an unknown revision
            raise OperatorError(str(error)) from None
        finally:
            await db.close()

    typer.echo(f"database at revision {asyncio.run(run())}")


@db_app.command("copy")
def db_copy(
    to: str = typer.Option(..., "--to", help="An empty database to fill, e.g. postgresql+asyncpg://user:pw@host/db."),
    source: Optional[str] = typer.Option(None, "--from", help="The database to copy (default: DATABASE_URL)."),
    batch: int = typer.Option(1000, "--batch", min=1, help="Rows per insert."),
    schema: Optional[str] = typer.Option(None, "--schema", help="PostgreSQL target's schema (for tests and shared servers)."),
) -> None:
    """Copy every row into an empty database, migrated first; all or nothing, the source only read."""
    from storage.copy import CopyError, copy_urls, masked

    source = source or get_settings().database_url
    typer.echo(f"copying {masked(source)} into {masked(to)}")
    try:
        counts = asyncio.run(copy_urls(source, to, batch=batch, schema=schema))
    except CopyError as error:
        typer.echo(f"sangkien db copy: {error}", err=True)
        raise typer.Exit(1) from None
    for name, count in counts.items():
        typer.echo(f"  {name:<22}{count:>9}")
    typer.echo(f"copied {sum(counts.values())} rows in {len(counts)} tables; every count matches the source")


@app.command("demo-data")
def demo_data(if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when units exist.")) -> None:
    """Load a small realistic unit tree (a province federation and its unions)."""
    settings = get_settings()

    async def run() -> int:
        db = await open_database(settings)
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
            await check_revision(db, settings.database_url)
            keeper = Keeper.from_settings(settings)
            hearings = hearings_for(settings, db, dispatcher, keeper.store, channel="console")
            if hearings is not None:  # a broken model said now, in one line, not after the first note
                await hearings.load()
            console = ConsoleChat(dispatcher, user_id=user, name=name, session=session, keeper=keeper,
                                  hearings=hearings)
            await console.run()
        finally:
            await db.close()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        sys.stderr.write("\n")


@app.command()
def run(
    workers: int = typer.Option(
        1, "--workers", min=1, help="Worker processes sharing the webhook port (webhook mode and PostgreSQL only)."
    ),
) -> None:
    """Start the bot: the terminal chat when no platform token is configured."""
    settings = get_settings()
    if not settings.has_platform_token:
        if workers > 1:
            raise typer.BadParameter("the terminal chat runs in one process; set a platform token", param_hint="--workers")
        chat(user="1", name="", session=None)
        return
    if workers > 1:
        _run_workers(settings, workers)
        return
    asyncio.run(_checked(settings))  # before the server starts
    configure_logging(settings.log_level)
    from bot.logs import RedactSecrets
    from bot.serve import serve

    try:
        asyncio.run(serve(settings))
    except Exception as error:  # reported here, redacted: aiohttp errors carry URLs with the token
        message = RedactSecrets(settings.secrets).redact(explain(error) or f"{type(error).__name__}: {error}")
        typer.echo(f"sangkien run stopped: {message}", err=True)
        raise typer.Exit(1) from None


def _worker(settings, worker) -> None:
    """A worker process's body, imported there: the supervisor itself never loads the platform libraries."""
    from bot.serve import run_worker

    run_worker(settings, worker)


async def _checked(settings) -> None:
    """What would stop every worker, said once in one line: the database, the voice engine (loaded once, and let go:
    only the leader keeps it)."""
    from bot.hearing.engines import engine_named

    await (await open_database(settings)).close()
    if settings.voice_engine != "off":
        await asyncio.to_thread(engine_named, settings.voice_engine, settings.voice_model_dir, settings.voice_threads)


def _run_workers(settings, count: int) -> None:
    from bot.workers import Supervisor, refusal

    problem = refusal(settings, count)
    if problem is not None:
        raise typer.BadParameter(problem, param_hint="--workers")
    asyncio.run(_checked(settings))  # before any worker starts
    configure_logging(settings.log_level, tag="supervisor")
    code = Supervisor(settings, count, _worker).run()
    if code:
        raise typer.Exit(code)
