"""The sender's limits on a fake clock: exact spacing overall, per chat and per group, and never over any of them."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections import defaultdict

import pytest

from bot.settings import Settings
from messaging.limits import LATE, Limits, Rates

EPS = 1e-9


class FakeClock:
    """Time moves only when every waiter is asleep: to the earliest wake-up, one sleeper at a time."""

    def __init__(self, stall: tuple[float, float] | None = None) -> None:
        self.time = 0.0
        self.stall = stall  # (from, seconds): the process freezes; whoever was due meanwhile wakes at its end
        self._sleepers: list[tuple[float, int, asyncio.Future]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.time + max(seconds, 0.0), next(self._order), future))
        await future

    async def run(self, *coroutines):
        tasks = [asyncio.create_task(coroutine) for coroutine in coroutines]
        while not all(task.done() for task in tasks):
            for _ in range(5):  # let everything awake run until it sleeps again
                await asyncio.sleep(0)
            if self._sleepers:
                when, _, future = heapq.heappop(self._sleepers)
                if self.stall and self.stall[0] <= when < self.stall[0] + self.stall[1]:
                    when = self.stall[0] + self.stall[1]
                self.time = max(self.time, when)
                future.set_result(None)
        return [task.result() for task in tasks]


def limits(per_second=30.0, chat_interval=1.0, group_per_minute=20, private_burst=3) -> tuple[Limits, FakeClock]:
    clock = FakeClock()
    return Limits(Rates(per_second, chat_interval, group_per_minute, private_burst), clock), clock


Message = tuple[float, str, bool]  # (arrival or slot, chat, is a group)


async def sends(limiter: Limits, clock: FakeClock, messages: list[Message]) -> list[Message]:
    """Each (arrival, chat, is_group) waits its turn; the moments they were let through."""

    async def one(arrival: float, chat: str, group: bool):
        await clock.sleep(arrival)
        slot = await limiter.wait(chat, group)
        assert clock.now() == pytest.approx(slot)  # it slept until its slot, not a moment less
        return slot, chat, group

    return await clock.run(*(one(*message) for message in messages))


async def test_messages_to_many_chats_are_spaced_evenly_at_the_overall_rate():
    limiter, clock = limits(per_second=30)
    schedule = await sends(limiter, clock, [(0.0, str(n), False) for n in range(90)])
    times = sorted(slot for slot, _, _ in schedule)
    assert times == pytest.approx([n / 30 for n in range(90)])  # no burst at the start, no gap after


async def test_an_idle_sender_starts_at_once_and_never_bursts():
    limiter, clock = limits(per_second=10)
    schedule = await sends(limiter, clock, [(5.0, "a", False), (5.0, "b", False), (9.0, "c", False)])
    assert sorted(slot for slot, _, _ in schedule) == pytest.approx([5.0, 5.1, 9.0])


async def test_one_group_gets_one_message_a_second():
    limiter, clock = limits(per_second=1000)
    schedule = await sends(limiter, clock, [(0.0, "-5", True)] * 5)
    assert sorted(slot for slot, _, _ in schedule) == pytest.approx([0, 1, 2, 3, 4])


async def test_a_group_gets_at_most_twenty_in_any_minute():
    limiter, clock = limits(per_second=1000, group_per_minute=20)
    schedule = await sends(limiter, clock, [(0.0, "-5", True)] * 25)
    times = sorted(slot for slot, _, _ in schedule)
    assert times[:20] == pytest.approx(list(range(20)))
    assert times[20:] == pytest.approx([60, 61, 62, 63, 64])  # the first of the minute has to drop out


async def test_a_private_chat_may_take_a_short_burst_then_one_a_second():
    limiter, clock = limits(per_second=1000, private_burst=3)
    schedule = await sends(limiter, clock, [(0.0, "42", False)] * 5)
    times = sorted(slot for slot, _, _ in schedule)
    assert times[:3] == pytest.approx([0, 0.001, 0.002])  # a reply in three pieces is not slowed
    assert times[3:] == pytest.approx([1, 2])


async def test_a_chat_waiting_its_turn_does_not_hold_up_the_others():
    limiter, clock = limits(per_second=100)
    messages = [(0.0, "-1", True)] * 3 + [(0.0, str(n), False) for n in range(10)]
    schedule = await sends(limiter, clock, messages)
    others = sorted(slot for slot, chat, _ in schedule if chat != "-1")
    assert others[-1] < 0.2  # all ten went while the group waited for its second and third


async def test_many_waiters_at_once_get_distinct_slots():
    limiter, clock = limits(per_second=50)
    schedule = await sends(limiter, clock, [(0.0, str(n % 40), n % 3 == 0) for n in range(400)])
    times = [slot for slot, _, _ in schedule]
    assert len(set(times)) == len(times)
    assert_within_limits(schedule, per_second=50, chat_interval=1.0, group_per_minute=20, private_burst=3)


@pytest.mark.parametrize("seed", range(12))
async def test_no_schedule_ever_goes_over_any_limit(seed):
    rng = random.Random(seed)
    per_second, interval, per_minute, burst = rng.choice([5, 30, 300]), rng.choice([0.5, 1.0]), 20, rng.choice([1, 3])
    limiter, clock = limits(per_second, interval, per_minute, burst)
    chats = [(f"-{n}", True) for n in range(rng.randint(1, 8))] + [(str(n), False) for n in range(rng.randint(1, 8))]
    messages = []
    for _ in range(rng.randint(50, 300)):
        chat, group = rng.choice(chats)
        messages.append((rng.uniform(0, 120) if rng.random() < 0.5 else rng.choice([0.0, 30.0, 61.0]), chat, group))
    schedule = await sends(limiter, clock, messages)
    assert_within_limits(schedule, per_second, interval, per_minute, burst)


async def test_senders_woken_late_by_a_stall_do_not_bunch_up():
    limiter, _ = limits(per_second=100)
    clock = limiter.clock = FakeClock(stall=(1.0, 0.2))  # a long garbage collection, say

    async def one(chat: str) -> float:
        await limiter.wait(chat, False)
        return clock.now()  # when it actually went

    went = sorted(await clock.run(*(one(str(n)) for n in range(300))))
    for first, last in zip(went, went[100:]):
        assert last - first >= 1.0 - LATE  # the platform counts arrivals: never over the rate
    assert went[-1] < 3.0 + 0.2 + 0.1  # the stall costs about its own length, no more


def test_the_limits_come_from_the_settings():
    settings = Settings(_env_file=None, telegram_messages_per_second=300, zalo_group_messages_per_minute=12)
    assert Limits(settings.rates("telegram")).rates == Rates(300, 1.0, 20)
    assert Limits(settings.rates("zalo")).rates == Rates(10, 1.0, 12)


def assert_within_limits(schedule, per_second, chat_interval, group_per_minute, private_burst) -> None:
    """Checked from the schedule alone, by counting, not by the limiter's own bookkeeping."""
    times = sorted(slot for slot, _, _ in schedule)
    for first, last in zip(times, times[int(per_second):]):
        assert last - first >= 1.0 - EPS, "more than the overall rate in one second"
    per_chat = defaultdict(list)
    for slot, chat, group in schedule:
        per_chat[(chat, group)].append(slot)
    for (chat, group), sent in per_chat.items():
        sent.sort()
        burst = 1 if group else private_burst
        for i, j in itertools.combinations(range(len(sent)), 2):  # a bucket of `burst`, refilled one an interval
            assert sent[j] - sent[i] >= (j - i + 1 - burst) * chat_interval - EPS, f"chat {chat} too fast"
        if group:
            for first, last in zip(sent, sent[group_per_minute:]):
                assert last - first >= 60.0 - EPS, f"group {chat} over {group_per_minute} a minute"
