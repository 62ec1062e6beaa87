"""0011: a unit's path holds any depth the import allows (issue 15, defect 5); the column matches the model on both
engines, and going back to 0010 and up again keeps the tree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage import migrate
from storage.models import Base
from tests.storage.test_migration_bot_link import downgrade
from tests.storage.test_migrations import head_revision


async def test_the_path_column_matches_the_model(db):
    """Defect 5: the path was VARCHAR(1000), too short for a 300-level chain on PostgreSQL."""
    async with db.engine.connect() as conn:
        drift = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}),
                                                               Base.metadata))
    assert [d for d in drift if "'units'" in repr(d) and "'path'" in repr(d)] == []
    async with db.transaction() as tx:
        parent = None
        for level in range(300):
            parent = await tx.units.add(code=f"C{level}", name=f"Cấp {level}", kind="grassroots", parent=parent,
                                        member_count=1)
    assert len(parent.path) > 1000


async def test_down_to_0010_and_up_again_keeps_the_tree(demo_db):
    async with demo_db.transaction() as tx:
        before = {u.code: u.path for u in await tx.units.all()}
    await downgrade(demo_db, "0010_replies_in_response")
    await migrate.upgrade(demo_db)
    assert await migrate.current_revision(demo_db) == head_revision()
    async with demo_db.transaction() as tx:
        assert {u.code: u.path for u in await tx.units.all()} == before
