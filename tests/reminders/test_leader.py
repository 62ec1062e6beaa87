"""Leader election for the scheduler: SQLite always leads; on PostgreSQL one process at a time, with takeover."""

import asyncio
import random

import pytest
from sqlalchemy import text

from reminders.leader import SCHEDULER_KEY, Leadership
from storage.db import Database
from tests.conftest import POSTGRES_URL

FAST = {"retry_every": 0.1, "check_every": 0.1}
TAKEOVER = 2.0  # seconds: twenty retry periods


class Process:
    """One bot process's election loop, counting its callbacks."""

    def __init__(self, database: Database, key: int) -> None:
        self.leadership = Leadership(database, key=key, **FAST)
        self.elected = self.deposed = 0
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(self.leadership.run(self.stop, self._on_elected, self._on_deposed))

    async def _on_elected(self) -> None:
        self.elected += 1

    async def _on_deposed(self) -> None:
        self.deposed += 1

    @property
    def runs_scheduler(self) -> bool:
        return self.elected > self.deposed

    async def end(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, timeout=5)


@pytest.fixture
async def start():
    """Starts processes; whatever a test left running is stopped after it."""
    started: list[Process] = []

    def process(database: Database, key: int) -> Process:
        started.append(Process(database, key))
        return started[-1]

    yield process
    for each in started:
        await each.end()


class Overlaps:
    """`async with Overlaps(a, b) as o:` samples meanwhile; `o.seen` counts moments when two led or ran the scheduler."""

    def __init__(self, *processes: Process) -> None:
        self.processes = processes
        self.seen = 0

    async def _sample(self) -> None:
        while True:
            self.seen += sum(p.leadership.is_leader for p in self.processes) > 1
            self.seen += sum(p.runs_scheduler for p in self.processes) > 1
            await asyncio.sleep(0.002)

    async def __aenter__(self) -> "Overlaps":
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *_) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def until(condition, timeout: float = TAKEOVER) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout=timeout)


def test_the_key_never_changes():
    # Processes of two releases side by side must contend for the same lock.
    assert SCHEDULER_KEY == 4500301982028867288 < 2**63


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
async def test_the_sqlite_process_always_leads(db, start):
    assert Leadership(db).key == SCHEDULER_KEY
    process = start(db, SCHEDULER_KEY)
    await until(lambda: process.elected == 1)
    await asyncio.sleep(0.5)  # several checks later it still leads, elected once
    assert process.leadership.is_leader and (process.elected, process.deposed) == (1, 0)
    await process.end()
    assert (process.elected, process.deposed) == (1, 1) and not process.leadership.is_leader


# --- PostgreSQL: two processes, each with a Database of its own, on the same database ---


def on_postgres(test):
    return pytest.mark.postgres(pytest.mark.parametrize("db", ["postgres"], indirect=True)(test))


@pytest.fixture
async def other_db(db):
    """A second process's Database on the same PostgreSQL database as `db` (advisory locks are per database)."""
    other = Database.from_url(POSTGRES_URL)
    yield other
    await other.close()


@pytest.fixture
def key() -> int:
    return random.getrandbits(62) + 1  # a lock of this test's own, clear of SCHEDULER_KEY and of parallel runs


async def kill_the_holder(database: Database, key: int) -> None:
    """pg_terminate_backend on the backend holding advisory lock `key`, as when its process dies."""
    async with database.engine.connect() as conn:
        holders = (await conn.execute(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
            " AND ((classid::bigint << 32) | objid::bigint) = :key"), {"key": key})).scalars().all()
        assert len(holders) == 1
        assert (await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": holders[0]})).scalar()


@on_postgres
async def test_one_process_holds_the_lock_at_a_time(db, other_db, key):
    a, b = Leadership(db, key=key, **FAST), Leadership(other_db, key=key, **FAST)
    try:
        assert await a.try_acquire() and await a.try_acquire()  # again: still the leader
        assert not await b.try_acquire() and not b.is_leader
        await a.release()
        assert not a.is_leader
        assert await b.try_acquire()
        assert not await a.try_acquire()
    finally:
        await a.release()
        await b.release()


@on_postgres
async def test_a_follower_takes_over_when_the_leader_stops(db, other_db, key, start):
    processes = [start(db, key), start(other_db, key)]
    async with Overlaps(*processes) as overlaps:
        await until(lambda: any(p.leadership.is_leader for p in processes))
        await asyncio.sleep(0.5)  # several retries and checks: still the same single leader
        leader, follower = sorted(processes, key=lambda p: not p.leadership.is_leader)  # the leader first
        assert (leader.elected, follower.elected) == (1, 0)
        await leader.end()
        assert (leader.elected, leader.deposed) == (1, 1) and not leader.leadership.is_leader
        await until(lambda: follower.leadership.is_leader)
        await follower.end()
    assert overlaps.seen == 0
    assert (follower.elected, follower.deposed) == (1, 1)


@on_postgres
async def test_a_follower_takes_over_when_the_leaders_process_dies(db, other_db, key, start):
    dying = Leadership(db, key=key, **FAST)  # took the lock, then its process died: nothing of it runs any more
    assert await dying.try_acquire()
    try:
        follower = start(other_db, key)
        await asyncio.sleep(0.3)
        assert follower.elected == 0 and not follower.leadership.is_leader
        await kill_the_holder(db, key)  # PostgreSQL drops the session lock with the connection
        await until(lambda: follower.leadership.is_leader)
        assert (follower.elected, follower.deposed) == (1, 0)
    finally:
        await dying.release()  # its connection is gone: nothing to unlock, and no error
    assert not dying.is_leader


@on_postgres
async def test_a_leader_whose_connection_dies_steps_down(db, other_db, key, start):
    processes = [start(db, key), start(other_db, key)]
    await until(lambda: any(p.leadership.is_leader for p in processes))
    leader = next(p for p in processes if p.leadership.is_leader)
    await kill_the_holder(db, key)
    await until(lambda: leader.deposed == 1)  # its next check fails: it stops its scheduler
    assert not leader.leadership.is_leader
    async with Overlaps(*processes) as overlaps:  # from here both flags are fresh: one leader at a time again
        await until(lambda: any(p.leadership.is_leader for p in processes))
        await asyncio.sleep(0.5)
        assert sum(p.leadership.is_leader for p in processes) == 1
    assert overlaps.seen == 0
    for process in processes:
        await process.end()
        assert process.deposed == process.elected
