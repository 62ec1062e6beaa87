"""Conversation state: round trip, and optimistic locking between two writers."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from tests.storage.helpers import fails_with

KEY = {"channel": "telegram", "chat_id": "chat-9", "user_id": "user-9"}
ANSWERS = {"title": "Cải tiến gá may cổ áo 🧵", "coauthors": ["Lê Thị Hoa"], "estimated_value": 15_000_000}
META = {"draft": 7, "locale": "vi", "note": "Đang nhập bước “giải pháp”"}


async def save_state(db, row=None, **state):
    async with db.transaction() as tx:
        return await tx.conversations.save(row, **KEY, **state)


async def load_state(db):
    async with db.transaction() as tx:
        return await tx.conversations.load(**KEY)


async def test_saved_state_loads_back_unchanged(db):
    await save_state(db, flow="submit", step="solution", answers=ANSWERS, meta=META)
    row = await load_state(db)
    assert (row.flow, row.step, row.answers, row.meta) == ("submit", "solution", ANSWERS, META)


async def test_missing_state_is_none(db):
    assert await load_state(db) is None


async def test_updated_state_replaces_the_old_one(db):
    await save_state(db, flow="submit", step="title", answers={}, meta={})
    async with db.transaction() as tx:
        row = await tx.conversations.load(**KEY)
        await tx.conversations.save(row, **KEY, flow="submit", step="problem", answers=ANSWERS, meta=META)
    row = await load_state(db)
    assert (row.step, row.answers, row.meta) == ("problem", ANSWERS, META)


async def test_second_concurrent_writer_fails_and_first_write_stays(db):
    await save_state(db, flow="submit", step="title", answers={}, meta={})
    with fails_with(StaleDataError):
        async with db.transaction() as second:
            late = await second.conversations.load(**KEY)
            async with db.transaction() as first:
                row = await first.conversations.load(**KEY)
                await first.conversations.save(row, **KEY, flow="submit", step="problem", answers=ANSWERS, meta={})
            await second.conversations.save(late, **KEY, flow="menu", step=None, answers={}, meta={})
    row = await load_state(db)
    assert (row.flow, row.step, row.answers) == ("submit", "problem", ANSWERS)
