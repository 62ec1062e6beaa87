"""Issue 15, defect 7: bounds on the database, so that one that hangs fails in bounded time, and faults named
for what they are (unavailable, a value it cannot hold), so the webhook answers them without a traceback."""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import text

from storage import problems
from storage.db import Database, Timeouts, Unavailable, Unfit
from tests.conftest import POSTGRES_URL, require_postgres


@asynccontextmanager
async def silent_server():
    """A TCP server that accepts connections and never says a word: a database that hangs."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader, writer):
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{server.sockets[0].getsockname()[1]}/test"
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_database_that_never_answers_fails_within_the_connect_timeout():
    """Defect 7: with no database timeout, work on a database that hangs hung with it."""
    async with silent_server() as url:
        db = Database.from_url(url, timeouts=Timeouts(connect=0.5))
        started = time.monotonic()
        try:
            with pytest.raises(TimeoutError):
                async with db.transaction() as tx:
                    await tx.session.execute(text("SELECT 1"))
        finally:
            await db.close()
        assert time.monotonic() - started < 2


async def test_a_statement_that_runs_too_long_is_cancelled_and_the_database_called_unavailable():
    """Defect 7: a statement (or a lock wait) past DATABASE_STATEMENT_TIMEOUT_SECONDS is cancelled by the server."""
    await require_postgres()
    db = Database.from_url(POSTGRES_URL, timeouts=Timeouts(connect=5, statement=0.3))
    started = time.monotonic()
    try:
        with pytest.raises(Unavailable) as info:
            async with db.transaction() as tx:
                await tx.session.execute(text("SELECT pg_sleep(5)"))
        assert "statement timeout" in problems.explain(info.value, POSTGRES_URL)  # the CLI's line: the driver's words
        async with db.transaction() as tx:  # the connection is fit for the next transaction
            assert (await tx.session.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await db.close()
    assert time.monotonic() - started < 3


async def test_a_connection_lost_mid_transaction_is_unavailable_not_a_bug():
    await require_postgres()
    db = Database.from_url(POSTGRES_URL, timeouts=Timeouts(connect=5, statement=5))
    admin = Database.from_url(POSTGRES_URL)
    try:
        with pytest.raises(Unavailable):
            async with db.transaction() as tx:
                pid = (await tx.session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
                async with admin.engine.connect() as conn:
                    await conn.execute(text(f"SELECT pg_terminate_backend({int(pid)})"))
                await tx.session.execute(text("SELECT 1"))
    finally:
        await db.close()
        await admin.close()


async def test_the_bounds_reach_the_pool_and_sqlite(tmp_path):
    await require_postgres()
    db = Database.from_url(POSTGRES_URL, timeouts=Timeouts(pool=0.5))
    assert db.engine.pool.timeout() == 0.5
    await db.close()
    lite = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", timeouts=Timeouts(busy=0.25))
    try:
        async with lite.transaction() as tx:
            assert (await tx.session.execute(text("PRAGMA busy_timeout"))).scalar_one() == 250
    finally:
        await lite.close()


async def test_a_value_the_database_cannot_hold_is_unfit(db, request):
    """PostgreSQL refuses a value longer than its column (SQLite keeps it): named Unfit, not a bug."""
    if request.node.callspec.params["db"] == "sqlite":
        pytest.skip("SQLite keeps text of any length")
    with pytest.raises(Unfit):
        async with db.transaction() as tx:
            await tx.updates.mark_processed("zalo", "x" * 300)
