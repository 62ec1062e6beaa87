"""The bot keeps its PostgreSQL connections open: a burst of transactions the pool holds opens no new one."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, text

from bot.app import build
from bot.settings import Settings


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
async def test_bursts_within_database_pool_size_reuse_the_same_connections(db):
    """Before, the pool kept 5 and closed the rest after each burst: the next burst connected again, and every
    statement on a new connection is prepared again (a quarter of PostgreSQL's work per update in the pipeline)."""
    bot_db, _ = build(Settings(_env_file=None, database_url=db.engine.url.render_as_string(hide_password=False),
                               database_pool_size=8))
    opened = []
    event.listen(bot_db.engine.sync_engine, "connect", lambda *_: opened.append(1))

    async def busy() -> None:
        async with bot_db.transaction() as tx:
            await tx.session.execute(text("SELECT pg_sleep(0.05)"))

    try:
        for _ in range(3):
            await asyncio.gather(*(busy() for _ in range(8)))
        assert len(opened) == 8
    finally:
        await bot_db.close()
