"""Wiring: settings -> database -> dispatcher."""

from __future__ import annotations

import logging
from datetime import timedelta

from documents.drawing import ChartProcess
from bot.settings import Settings
from handlers.timetable import Timetable
from handlers.dispatcher import Dispatcher, Options
from handlers.staff import StaffOptions
from storage.db import Database, Timeouts


def options_from(settings: Settings) -> Options:
    return Options(
        fields=tuple(settings.initiative_fields),
        target_groups=tuple(settings.target_groups),
        timezone=settings.timezone,
        default_locale=settings.default_locale,
        resume_after=timedelta(minutes=settings.resume_prompt_after_minutes),
        staff=StaffOptions(
            duplicate_threshold=settings.duplicate_threshold,
            invite_lifetime=timedelta(days=settings.invite_lifetime_days),
            public_base_url=settings.public_base_url,
        ),
        timetable=Timetable.from_settings(settings),
        served=tuple(settings.channel_units.items()),
        hears=settings.voice_engine != "off",
    )


def build(settings: Settings) -> tuple[Database, Dispatcher]:
    """The database and the dispatcher; a group report's chart is drawn in a process of its own (documents/drawing.py)."""
    db = Database.from_url(settings.database_url, timeouts=timeouts_from(settings), pool_size=settings.database_pool_size)
    return db, Dispatcher(db, options_from(settings), draw=ChartProcess())


def timeouts_from(settings: Settings) -> Timeouts:
    """The running bot's bounds on the database (DATABASE_*_TIMEOUT_SECONDS); the commands keep the drivers' own."""
    return Timeouts(
        connect=settings.database_connect_timeout_seconds,
        statement=settings.database_statement_timeout_seconds,
        pool=settings.database_pool_timeout_seconds,
    )


def configure_logging(level: str, tag: str = "") -> None:
    """`tag` names the worker when several share the terminal or the journal."""
    prefix = f"{tag} " if tag else ""
    logging.basicConfig(level=level.upper(), format=f"%(asctime)s %(levelname)s {prefix}%(name)s: %(message)s")
    # SQLAlchemy and asyncio chatter would drown the terminal chat.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the Zalo token (redacted anyway)
