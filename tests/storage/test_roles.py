"""Roles in storage: granting, revoking, and the scopes they give."""

import pytest

from handlers.scope import Scope


async def a_member(tx, user="1"):
    unit = await tx.units.by_code("CDCS-MN-KIMHY")
    return await tx.members.register(
        channel="console", external_user_id=user, name="Lê Thị Lan", unit_id=unit.id, target_group=None, locale="vi"
    )


async def test_grant_is_idempotent_and_gives_the_subtree(demo_db):
    async with demo_db.transaction() as tx:
        member = await a_member(tx)
        sector = await tx.units.by_code("CDN-GD-HN")
        assert await tx.roles.grant(member.id, "officer", sector.id) is True
        assert await tx.roles.grant(member.id, "officer", sector.id) is False
        scope = Scope(tuple(await tx.roles.scopes(member.id)))
        school = await tx.units.by_code("CDCS-MN-KIMHY")
        hospital = await tx.units.by_code("CDCS-BV-DONGANH")
    assert scope.can("export", school.path) and not scope.can("export", hospital.path)


async def test_admin_has_no_unit_and_others_need_one(demo_db):
    async with demo_db.transaction() as tx:
        member = await a_member(tx)
        sector = await tx.units.by_code("CDN-GD-HN")
        with pytest.raises(ValueError):
            await tx.roles.grant(member.id, "admin", sector.id)
        with pytest.raises(ValueError):
            await tx.roles.grant(member.id, "support", None)
        assert await tx.roles.grant(member.id, "admin", None) is True
        assert await tx.roles.grant(member.id, "admin", None) is False
        assert Scope(tuple(await tx.roles.scopes(member.id))).is_admin


async def test_revoke_takes_the_scope_away(demo_db):
    async with demo_db.transaction() as tx:
        member = await a_member(tx)
        sector = await tx.units.by_code("CDN-GD-HN")
        await tx.roles.grant(member.id, "support", sector.id)
        assert await tx.roles.revoke(member.id, "support", sector.id) is True
        assert await tx.roles.revoke(member.id, "support", sector.id) is False
        assert await tx.roles.scopes(member.id) == []


async def test_listing_names_members_roles_and_units(demo_db):
    async with demo_db.transaction() as tx:
        member = await a_member(tx)
        sector = await tx.units.by_code("CDN-GD-HN")
        await tx.roles.grant(member.id, "officer", sector.id)
        [(listed, role, unit)] = await tx.roles.listing()
        members = await tx.members.listing("CDN-GD-HN")
        elsewhere = await tx.members.listing("CDN-YT-HN")
    assert (listed.name, role, unit.code) == ("Lê Thị Lan", "officer", "CDN-GD-HN")
    assert members == [(member.id, "Lê Thị Lan", "CDCS-MN-KIMHY", "console:1")] and elsewhere == []
