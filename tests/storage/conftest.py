"""Storage fixtures: registered members on top of the demo unit tree (both engines, via `demo_db`)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from storage.db import Database

MEMBER_UNIT = "CDCS-MAY-SONGNHUE"


@dataclass(frozen=True)
class People:
    db: Database
    alice: int  # member ids
    bob: int
    unit: int  # the unit both belong to


@pytest.fixture
async def people(demo_db) -> People:
    async with demo_db.transaction() as tx:
        unit = await tx.units.by_code(MEMBER_UNIT)
        alice = await tx.members.register(
            channel="console", external_user_id="alice", name="Nguyễn Thị Lan",
            unit_id=unit.id, target_group=None, locale="vi",
        )
        bob = await tx.members.register(
            channel="console", external_user_id="bob", name="Trần Văn Bình",
            unit_id=unit.id, target_group=None, locale="vi",
        )
    return People(db=demo_db, alice=alice.id, bob=bob.id, unit=unit.id)

