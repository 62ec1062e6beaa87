"""0008: bound chats keep the bot's link (campaign news name it); the column matches the model, on both engines,
and going back to 0007 and up again keeps the bound groups."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage import migrate
from storage.db import Database
from storage.models import Base
from tests.storage.test_migrations import head_revision

LINK = "https://t.me/sangkien_bot"


async def columns(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return {c["name"] for c in await conn.run_sync(lambda c: inspect(c).get_columns("bound_chats"))}


async def downgrade(db: Database, revision: str) -> None:
    def run(connection) -> None:
        config = migrate.alembic_config(db.engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(run)


async def test_the_link_column_matches_the_model(db):
    assert "bot_link" in await columns(db)
    async with db.engine.connect() as conn:
        drift = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
    assert [d for d in drift if "bound_chats" in repr(d)] == []


async def test_down_to_0007_and_up_again_keeps_the_bound_groups(demo_db):
    async with demo_db.transaction() as tx:
        unit = await tx.units.by_code("CDCS-MN-KIMHY")
        await tx.bound_chats.bind("telegram", "-100", kind="group", unit_id=unit.id, member_id=None, bot_link=LINK)
    await downgrade(demo_db, "0007")
    assert "bot_link" not in await columns(demo_db)
    await migrate.upgrade(demo_db)
    assert await migrate.current_revision(demo_db) == head_revision()
    async with demo_db.transaction() as tx:
        chat, unit = await tx.bound_chats.get("telegram", "-100")
        assert unit.code == "CDCS-MN-KIMHY" and chat.bot_link is None  # the link comes back with the next command
        assert await tx.bound_chats.remember_link("telegram", "-100", LINK)
    async with demo_db.transaction() as tx:
        assert (await tx.bound_chats.get("telegram", "-100"))[0].bot_link == LINK
