"""Nobody decides their own initiative: refused where the decision is stored, on both engines.

Alice (Nguyễn Thị Lan) and Bob (Trần Văn Bình) work at the Sông Nhuệ garment company; a namesake
of Bob works at the industry and trade sector union above it.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from storage.authorship import OwnInitiative
from storage.models import StatusChange
from tests.storage.helpers import fails_with

SENT = datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)


async def sent(people, author: int, coauthors: list[str]) -> int:
    async with people.db.transaction() as tx:
        answers = {"title": "Xếp lại chuyền may", "coauthors": coauthors}
        draft = await tx.initiatives.save_draft(draft_id=None, author_id=author, answers=answers, step="review")
        await tx.initiatives.submit(draft, actor_id=author, unit_id=people.unit, now=SENT)
        return draft.id


async def namesake(people) -> int:
    async with people.db.transaction() as tx:
        sector = await tx.units.by_code("CDN-CT-HN")
        other = await tx.members.register(channel="console", external_user_id="bob2", name="Trần Văn Bình",
                                          unit_id=sector.id, target_group=None, locale="vi")
        return other.id


async def decide(people, initiative_id: int, actor: int) -> None:
    async with people.db.transaction() as tx:
        await tx.initiatives.decide(await tx.initiatives.get(initiative_id), "valid", actor_id=actor, reason=None)


async def decisions(people) -> int:
    async with people.db.session() as session:
        return len([c for c in (await session.execute(StatusChange.__table__.select())).all() if c.to_status == "valid"])


@pytest.mark.parametrize("coauthors", [["TRAN VAN  BINH"], ["Lê Văn Nam", "trần văn bình"]])
async def test_a_co_author_named_in_the_same_unit_cannot_decide(people, coauthors):
    initiative = await sent(people, people.alice, coauthors)
    with fails_with(OwnInitiative):
        await decide(people, initiative, people.bob)
    assert await decisions(people) == 0


async def test_the_author_cannot_decide(people):
    initiative = await sent(people, people.alice, [])
    with fails_with(OwnInitiative):
        await decide(people, initiative, people.alice)
    assert await decisions(people) == 0


async def test_a_namesake_in_another_unit_and_an_unnamed_colleague_may_decide(people):
    first = await sent(people, people.alice, ["Trần Văn Bình"])
    await decide(people, first, await namesake(people))
    second = await sent(people, people.alice, ["Lê Văn Nam"])
    await decide(people, second, people.bob)
    assert await decisions(people) == 2


async def test_the_queue_leaves_out_what_the_reviewer_wrote_and_says_which(people):
    alices = await sent(people, people.alice, [])
    cowritten = await sent(people, people.alice, ["Tran Van Binh"])
    bobs = await sent(people, people.bob, [])
    async with people.db.transaction() as tx:
        bob = await tx.members.get(people.bob)
        own = await tx.initiatives.own_waiting(bob, ["/"])
        total, rows = await tx.initiatives.queue(["/"], 8, exclude=own)
    assert own == [cowritten, bobs]
    assert (total, [initiative.id for initiative, _, _ in rows]) == (1, [alices])


async def test_who_entered_it_on_the_authors_behalf_cannot_decide_it(people):
    """An officer who typed a worker's answers in (or made up the worker) does not judge them either."""
    async with people.db.transaction() as tx:
        draft = await tx.initiatives.save_draft(draft_id=None, author_id=people.alice, answers={"title": "Xếp lại kho"},
                                                step="review", entered_by_id=people.bob)
        await tx.initiatives.submit(draft, actor_id=people.bob, unit_id=people.unit, now=SENT, entered_by_id=people.bob)
    with fails_with(OwnInitiative):
        await decide(people, draft.id, people.bob)
    assert await decisions(people) == 0
