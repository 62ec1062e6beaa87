"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and a dispatcher over it.

PostgreSQL cases use TEST_POSTGRES_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test),
each test in a schema as new (one schema per test process, put back to a freshly migrated template's
contents before each test). Where no server answers they are skipped with the reason,
unless REQUIRE_POSTGRES=1 (CI), where a missing server fails the run.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.settings import DEFAULT_FIELDS, DEFAULT_TARGET_GROUPS
from handlers.dispatcher import Dispatcher, Options
from storage.db import Database
from storage.demo import load_demo_units
from tests import db_templates

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_postgres_checked: dict[str, str | None] = {}
_postgres_templates = db_templates.PostgresTemplates(POSTGRES_URL)
_with_demo_units: weakref.WeakSet[Database] = weakref.WeakSet()  # databases copied with the demo units


@pytest.fixture(autouse=True)
def _files_in_tmp(tmp_path, monkeypatch):
    """The files people send are kept under DATA_DIR: each test's own, never the working directory."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))


async def _postgres_problem() -> str | None:
    """None when the server answers; otherwise why not (checked once per run)."""
    if "problem" not in _postgres_checked:
        db = Database.from_url(POSTGRES_URL)
        try:
            await asyncio.wait_for(db.ping(), timeout=5)
            _postgres_checked["problem"] = None
        except Exception as error:  # any failure to connect means "no server here"
            _postgres_checked["problem"] = f"{type(error).__name__}: {error}"
        finally:
            await db.close()
    return _postgres_checked["problem"]


@pytest.fixture(scope="session", autouse=True)
def _database_templates():
    """The templates the database fixtures copy from (tests/db_templates.py), dropped when the run ends."""
    yield
    db_templates.sqlite.cleanup()
    if _postgres_templates.made_anything:
        asyncio.run(_postgres_templates.cleanup())


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request):
    """A database migrated to head, as new: a copy of a template migrated once per test process (see
    tests/db_templates.py). Where the test also uses `demo_db`, the copy already holds the demo units."""
    demo = "demo_db" in request.fixturenames
    if request.param == "sqlite":
        database = await db_templates.sqlite.working(demo=demo)
    else:
        await require_postgres()
        database = await _postgres_templates.schema_database(demo=demo)
    if demo:
        _with_demo_units.add(database)
    try:
        yield database
    finally:
        await database.close()


async def require_postgres() -> None:
    """Skip (fail under REQUIRE_POSTGRES=1) where no PostgreSQL server answers."""
    problem = await _postgres_problem()
    if problem is not None:
        message = f"PostgreSQL at {POSTGRES_URL} not reachable ({problem})"
        if REQUIRE_POSTGRES:
            pytest.fail(f"REQUIRE_POSTGRES=1 but {message}")
        pytest.skip(f"{message}; set TEST_POSTGRES_URL or start a server to run these cases")


@asynccontextmanager
async def whole_postgres_database() -> AsyncIterator[str]:
    """The URL of a whole PostgreSQL database of its own, migrated, dropped afterwards (a copy, CREATE DATABASE ...
    TEMPLATE, of one migrated once per test process)."""
    await require_postgres()
    url = await _postgres_templates.new_database()
    try:
        yield url
    finally:
        await _postgres_templates.drop_database(url)


@pytest.fixture
async def postgres_database_url():
    """A whole PostgreSQL database for tests that run bot processes against it."""
    async with whole_postgres_database() as url:
        yield url


@pytest.fixture
async def demo_db(db):
    """`db` with the demo unit tree loaded (copied with the template where `db` knew it was wanted)."""
    if db not in _with_demo_units:
        async with db.transaction() as tx:
            await load_demo_units(tx)
    return db


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 9, 0, tzinfo=TZ)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def options() -> Options:
    return Options(fields=tuple(DEFAULT_FIELDS), target_groups=tuple(DEFAULT_TARGET_GROUPS))


@pytest.fixture
def dispatcher(demo_db, options, clock) -> Dispatcher:
    return Dispatcher(demo_db, options, clock=clock)


# The longest files (tens of seconds each: bot processes, 2,000-group broadcasts, a national-size tree) start
# first, so that under pytest-xdist the run does not end waiting for one of them alone.
_LONG_FIRST = (
    "tests/bot/telegram/test_workers.py",
    "tests/messaging/test_broadcast.py",
    "tests/storage/test_reports.py",
    "tests/bot/telegram/test_serve.py",
    "tests/bot/test_webhook_fuzz.py",
    "tests/documents/test_drawing.py",
    "tests/bot/test_cli.py",
    "tests/bot/test_cli_qr.py",
    "tests/bot/test_cli_export.py",
    "tests/bot/test_cli_units.py",
    "tests/bot/test_cli_report.py",
    "tests/bot/test_console.py",
)


def pytest_collection_modifyitems(config, items):
    missing = [path for path in _LONG_FIRST if not (config.rootpath / path).exists()]
    if missing:  # a file moved: it would no longer start first, and the run would end waiting for it
        raise pytest.UsageError(f"tests/conftest.py _LONG_FIRST names files that are not there: {missing}")
    rank = {path: n for n, path in enumerate(_LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
