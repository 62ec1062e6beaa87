"""0013: an attachment keeps what the transcriber heard, and voice notes wait for it in `hearings`; the schema
matches the model on both engines, and going back to 0012 and up again keeps every attachment."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage import migrate
from storage.models import Base
from tests.storage.test_migration_bot_link import downgrade

VOICE = {"field": "problem", "kind": "voice", "channel": "telegram", "ref": "AwAD-voice-9", "stored": "e" * 64 + ".ogg",
         "transcript": "Máy đóng gói hay bị kẹt giấy"}


async def test_the_schema_matches_the_model(db):
    async with db.engine.connect() as conn:
        drift = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert [d for d in drift if "attachments" in repr(d) or "hearings" in repr(d)] == []
    assert "hearings" in tables


async def test_down_to_0012_and_up_again_keeps_the_attachments(demo_db):
    async with demo_db.transaction() as tx:
        member = await tx.members.register(channel="telegram", external_user_id="t1", name="Nguyễn Thị Hoa",
                                           unit_id=(await tx.units.by_code("CDCS-MN-KIMHY")).id, target_group=None,
                                           locale="vi")
        draft = await tx.initiatives.save_draft(draft_id=None, author_id=member.id, answers={"attachments": [VOICE]},
                                                step="problem")
        await tx.hearings.add("telegram", "t1", "t1", VOICE["ref"], VOICE["stored"])
    await downgrade(demo_db, "0012")
    await migrate.upgrade(demo_db)
    async with demo_db.transaction() as tx:
        [kept] = (await tx.initiatives.get(draft.id)).attachments
        assert await tx.hearings.waiting() == 0  # the queue went with the table: those notes stay unheard
    assert (kept.file_ref, kept.stored_key, kept.transcript) == (VOICE["ref"], VOICE["stored"], None)
