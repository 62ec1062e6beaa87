"""0009: attachments keep the bot's copy (its key, a playable copy, a name, a link token) and 64-bit sizes (going back to 32 bits
needs every size to fit);
the columns match the model on both engines, and going back to 0008 and up again keeps the attachments."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage import migrate
from storage.models import Base
from tests.storage.test_migration_bot_link import downgrade

VOICE = {"field": "problem", "kind": "voice", "channel": "zalo", "ref": "https://zalo.example/v.aac",
         "stored": "d" * 64 + ".aac", "playable": "d" * 64 + ".aac", "size": 25_610}


async def test_the_attachment_columns_match_the_model(db):
    async with db.engine.connect() as conn:
        drift = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
        columns = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("attachments")})
    assert [d for d in drift if "attachments" in repr(d)] == []
    assert {"stored_key", "playable_key", "filename", "token"} <= columns


async def test_down_to_0008_and_up_again_keeps_the_attachments(demo_db):
    async with demo_db.transaction() as tx:
        member = await tx.members.register(channel="zalo", external_user_id="z1", name="Nguyễn Thị Hoa",
                                           unit_id=(await tx.units.by_code("CDCS-MN-KIMHY")).id, target_group=None,
                                           locale="vi")
        draft = await tx.initiatives.save_draft(draft_id=None, author_id=member.id, answers={"attachments": [VOICE]},
                                                step="problem")
    await downgrade(demo_db, "0008")
    await migrate.upgrade(demo_db)
    async with demo_db.transaction() as tx:
        [kept] = (await tx.initiatives.get(draft.id)).attachments
    assert (kept.file_ref, kept.size, kept.stored_key, kept.token) == (VOICE["ref"], 25_610, None, None)
