"""SQLite statements go to aiosqlite's thread in one trip each, and answer as SQLAlchemy's own adapter did."""

import asyncio

import aiosqlite.core
import pytest
from sqlalchemy import select, text, update

from storage.db import Conflict, Database, Timeouts
from storage.models import Unit


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
async def test_a_statement_is_one_trip_and_its_rows_counts_and_errors_are_kept(demo_db, monkeypatch):
    trips = []
    real = aiosqlite.core.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        trips.append(getattr(fn, "__name__", fn))
        return await real(self, fn, *args, **kwargs)

    async with demo_db.transaction() as tx:
        await tx.session.execute(text("SELECT 1"))  # the connection is open and its transaction begun
        monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
        codes = (await tx.session.execute(select(Unit.code).order_by(Unit.code).limit(3))).scalars().all()
        renamed = await tx.session.execute(update(Unit).where(Unit.code.like("CDCS-%")).values(member_count=7))
    assert trips == ["_run", "_run", "commit"]  # two statements, then the commit
    assert codes == sorted(codes) and len(codes) == 3
    assert renamed.rowcount > 1

    with pytest.raises(Conflict):  # a duplicate unit code is still the driver's IntegrityError, still a Conflict
        async with demo_db.transaction() as tx:
            await tx.session.execute(text("INSERT INTO units (code, name, name_folded, kind, path, member_count) "
                                          "SELECT code, name, name_folded, kind, path, member_count FROM units LIMIT 1"))


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
async def test_a_transaction_waiting_on_the_lock_does_not_hold_up_the_others(db):
    """The wait for SQLite's lock happens in aiosqlite's thread: the event loop goes on meanwhile."""
    async with db.transaction() as first:
        await first.session.execute(text("UPDATE units SET member_count = 1"))  # holds the write lock
        ticks = 0

        async def second_writer():
            async with db.transaction() as second:
                await second.session.execute(text("UPDATE units SET member_count = 2"))

        waiting = asyncio.create_task(second_writer())
        for _ in range(5):
            await asyncio.sleep(0.02)
            ticks += 1
        assert not waiting.done() and ticks == 5  # the loop turned while the second writer waited
    await asyncio.wait_for(waiting, 10)  # and it wrote once the first had committed


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
async def test_transactions_of_one_process_take_turns_instead_of_sleeping_on_sqlites_lock(db):
    """Twenty writers at once with a lock wait far shorter than their work: SQLite's own waiting (sleeps of up to
    100 ms, then "database is locked") would fail most of them; taking turns in the process, all of them write."""
    impatient = Database.from_url(str(db.engine.url), timeouts=Timeouts(busy=0.005))

    async def writer(n: int) -> None:
        async with impatient.transaction() as tx:
            await tx.updates.mark_processed("console", f"turn-{n}")
            await asyncio.sleep(0.01)  # the lock is held meanwhile

    try:
        await asyncio.wait_for(asyncio.gather(*(writer(n) for n in range(20))), 30)
        async with impatient.transaction() as tx:
            written = (await tx.session.execute(text("SELECT count(*) FROM processed_updates"))).scalar_one()
            async with impatient.transaction() as inner:  # one opened inside another by the same task goes on
                assert await inner.updates.mark_processed("console", "turn-7") is False
        assert written == 20
    finally:
        await impatient.close()
