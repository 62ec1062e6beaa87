"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and a dispatcher over it.

PostgreSQL cases use TEST_POSTGRES_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test),
each test in a schema of its own. Where no server answers they are skipped with the reason,
unless REQUIRE_POSTGRES=1 (CI), where a missing server fails the run.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.settings import DEFAULT_FIELDS, DEFAULT_TARGET_GROUPS
from handlers.dispatcher import Dispatcher, Options
from storage import migrate
from storage.db import Database
from storage.demo import load_demo_units

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_postgres_checked: dict[str, str | None] = {}


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


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request, tmp_path):
    if request.param == "sqlite":
        database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        await migrate.upgrade(database)
        yield database
        await database.close()
        return
    await require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database.from_url(POSTGRES_URL)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database.from_url(POSTGRES_URL, search_path=schema)
    try:
        await migrate.upgrade(database)
        yield database
    finally:
        await database.close()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.close()


async def require_postgres() -> None:
    """Skip (fail under REQUIRE_POSTGRES=1) where no PostgreSQL server answers."""
    problem = await _postgres_problem()
    if problem is not None:
        message = f"PostgreSQL at {POSTGRES_URL} not reachable ({problem})"
        if REQUIRE_POSTGRES:
            pytest.fail(f"REQUIRE_POSTGRES=1 but {message}")
        pytest.skip(f"{message}; set TEST_POSTGRES_URL or start a server to run these cases")


@pytest.fixture
async def postgres_database_url():
    """A whole PostgreSQL database of its own, migrated, for tests that run bot processes against it."""
    await require_postgres()
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database.from_url(POSTGRES_URL)
    async with admin.engine.connect() as conn:
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        database = Database.from_url(url)
        await migrate.upgrade(database)
        await database.close()
        yield url
    finally:
        async with admin.engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.close()


@pytest.fixture
async def demo_db(db):
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
