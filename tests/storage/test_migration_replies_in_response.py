"""0010: the outbox marks a reply given in a webhook response; the column matches the model on both engines,
and going back to 0009 and up again keeps the messages (as ordinary ones)."""

from __future__ import annotations

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage import migrate
from storage.models import Base, utcnow
from tests.storage.test_migration_bot_link import downgrade


async def test_the_outbox_columns_match_the_model(db):
    async with db.engine.connect() as conn:
        drift = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
    assert [d for d in drift if "outbox" in repr(d)] == []


async def test_down_to_0009_and_up_again_keeps_the_outbox(db):
    async with db.transaction() as tx:
        given = await tx.outbox.add("telegram", "42", {"text": "Chào bạn"}, "reply:telegram:x:0")
        assert await tx.outbox.hold_for_response(given, "telegram", "42", utcnow() + timedelta(seconds=30))
        await tx.outbox.mark_answered(given)
    await downgrade(db, "0009_kept_files")
    await migrate.upgrade(db)
    async with db.transaction() as tx:
        row = await tx.outbox.get(given)
    assert (row.payload, row.sent_at is not None, row.in_response) == ({"text": "Chào bạn"}, True, False)
