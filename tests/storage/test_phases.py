"""Phases (giai đoạn): one at a time, so that "the current phase" is never a guess."""

from __future__ import annotations

from datetime import date

import pytest


async def test_an_overlapping_phase_is_refused(db):
    """Issue 15, defect 5: overlapping phases were stored, and `current` picked one of them; now they are refused."""
    async with db.transaction() as tx:
        await tx.phases.add("GD1", "Giai đoạn 1", date(2026, 1, 1), date(2026, 6, 30))
        for starts, ends in ((date(2026, 6, 30), date(2026, 12, 31)), (date(2025, 1, 1), date(2027, 1, 1)),
                             (date(2026, 3, 1), date(2026, 3, 2))):
            assert (await tx.phases.overlapping(starts, ends)).code == "GD1"
            with pytest.raises(ValueError, match="GD1"):
                await tx.phases.add("GD2", "Giai đoạn 2", starts, ends)
        assert await tx.phases.overlapping(date(2026, 7, 1), date(2026, 12, 31)) is None
        await tx.phases.add("GD2", "Giai đoạn 2", date(2026, 7, 1), date(2026, 12, 31))
        assert [p.code for p in await tx.phases.all()] == ["GD1", "GD2"]
