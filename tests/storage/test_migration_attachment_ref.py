"""0012: an attachment's file reference holds a Zalo CDN link of any length (issue 15: a link over 500 characters
failed the update on PostgreSQL, VARCHAR(500)); the column matches the model on both engines, and going back to
0011 and up again keeps the attachments."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage import migrate
from storage.models import Base
from tests.storage.test_migration_bot_link import downgrade
from tests.storage.test_migrations import head_revision

LONG_LINK = "https://photo-stal-1.zdn.vn/5b2c8e0f1a/" + "a1B2c3D4" * 150 + ".jpg"  # 1,243 characters
PHOTO = {"field": "problem", "kind": "photo", "channel": "zalo", "ref": LONG_LINK, "mime_type": "image/jpeg"}


async def _draft(db, ref: str) -> int:
    async with db.transaction() as tx:
        member = await tx.members.register(channel="zalo", external_user_id="z1", name="Nguyễn Thị Hoa",
                                           unit_id=(await tx.units.by_code("CDCS-MN-KIMHY")).id, target_group=None,
                                           locale="vi")
        draft = await tx.initiatives.save_draft(draft_id=None, author_id=member.id,
                                                answers={"attachments": [{**PHOTO, "ref": ref}]}, step="problem")
        return draft.id


async def test_the_file_ref_column_matches_the_model_and_takes_a_long_link(demo_db):
    async with demo_db.engine.connect() as conn:
        drift = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}),
                                                               Base.metadata))
    assert [d for d in drift if "'attachments'" in repr(d) and "'file_ref'" in repr(d)] == []
    draft_id = await _draft(demo_db, LONG_LINK)
    async with demo_db.transaction() as tx:
        [kept] = (await tx.initiatives.get(draft_id)).attachments
    assert kept.file_ref == LONG_LINK


async def test_down_to_0011_and_up_again_keeps_the_attachments(demo_db):
    short = "https://photo-stal-1.zdn.vn/short.jpg"  # 0011 holds 500 characters at most
    draft_id = await _draft(demo_db, short)
    await downgrade(demo_db, "0011_unit_path_text")
    await migrate.upgrade(demo_db)
    assert await migrate.current_revision(demo_db) == head_revision() == "0013_hearings"
    async with demo_db.transaction() as tx:
        [kept] = (await tx.initiatives.get(draft_id)).attachments
    assert kept.file_ref == short
