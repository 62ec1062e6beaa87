"""Members and their platform identities."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from tests.storage.helpers import fails_with

KIM_HY = "CDCS-MN-KIMHY"


async def register(db, channel: str, external_user_id: str, name: str) -> int:
    async with db.transaction() as tx:
        unit = await tx.units.by_code(KIM_HY)
        member = await tx.members.register(
            channel=channel, external_user_id=external_user_id, name=name,
            unit_id=unit.id, target_group=None, locale="vi",
        )
        return member.id


async def test_registered_member_is_found_by_identity(demo_db):
    member_id = await register(demo_db, "console", "u-1", "Hoàng Thị Mai")
    async with demo_db.transaction() as tx:
        member = await tx.members.by_identity("console", "u-1")
        unit = await tx.units.by_code(KIM_HY)
    assert (member.id, member.name, member.unit_id, member.locale) == (member_id, "Hoàng Thị Mai", unit.id, "vi")


async def test_unknown_identity_is_none(demo_db):
    async with demo_db.transaction() as tx:
        assert await tx.members.by_identity("console", "nobody") is None


async def test_same_user_id_on_another_channel_is_another_identity(demo_db):
    await register(demo_db, "telegram", "12345", "Hoàng Thị Mai")
    async with demo_db.transaction() as tx:
        assert await tx.members.by_identity("zalo", "12345") is None


async def test_registering_the_same_identity_twice_fails(demo_db):
    first = await register(demo_db, "telegram", "12345", "Hoàng Thị Mai")
    with fails_with(IntegrityError):
        await register(demo_db, "telegram", "12345", "Người khác")
    async with demo_db.transaction() as tx:
        member = await tx.members.by_identity("telegram", "12345")
    assert (member.id, member.name) == (first, "Hoàng Thị Mai")


async def test_set_locale_persists(demo_db):
    await register(demo_db, "console", "u-1", "Hoàng Thị Mai")
    async with demo_db.transaction() as tx:
        await tx.members.set_locale(await tx.members.by_identity("console", "u-1"), "en")
    async with demo_db.transaction() as tx:
        assert (await tx.members.by_identity("console", "u-1")).locale == "en"
