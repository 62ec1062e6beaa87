"""Migrations: a fresh database ends at the head revision, and upgrading again changes nothing."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from storage import migrate


def head_revision() -> str:
    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()


async def test_migrated_database_is_at_head_revision(db):
    assert await migrate.current_revision(db) == head_revision() == "0013_hearings"


async def test_upgrading_again_is_a_no_op(db):
    await migrate.upgrade(db)
    assert await migrate.current_revision(db) == head_revision()


async def test_upgrading_again_keeps_existing_data(demo_db):
    await migrate.upgrade(demo_db)
    async with demo_db.transaction() as tx:
        assert await tx.units.count() == 21
