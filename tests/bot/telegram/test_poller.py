"""The long-polling loop on its own, against a Bot API that keeps what is not confirmed by the offset."""

import asyncio
from types import SimpleNamespace

from bot.channels.common import RetryPolicy
from bot.channels.telegram.polling import Poller


class Telegram:
    """getUpdates as documented: an offset confirms every update below it, which is never given again."""

    def __init__(self, ids: list[int]) -> None:
        self.kept = list(ids)

    async def get_updates(self, offset=None, timeout=0, allowed_updates=None):
        if offset is not None:
            self.kept = [i for i in self.kept if i >= offset]
        if not self.kept:
            await asyncio.sleep(0.01)
        return [SimpleNamespace(update_id=i) for i in self.kept[:100]]


async def test_a_failed_update_is_handled_again_even_while_a_later_one_is_still_running():
    """Issue 15 (found in a tryout of the poller): the offset must never pass an update that failed, even
    when a later update is still running, and what was handled is never handled twice."""
    telegram = Telegram([1, 2, 3])
    handled: list[int] = []
    failed_once: set[int] = set()
    stop = asyncio.Event()

    async def process(update) -> None:
        if update.update_id == 1 and 1 not in failed_once:
            failed_once.add(1)
            raise RuntimeError("database away")
        if update.update_id == 2:
            await asyncio.sleep(0.5)  # a slow chat
        handled.append(update.update_id)
        if sorted(handled) == [1, 2, 3]:
            stop.set()

    poller = Poller(telegram, process, RetryPolicy(attempts=3, base=0.01), [], timeout=0)
    await asyncio.wait_for(poller.run(stop), 10)
    assert sorted(handled) == [1, 2, 3]  # each once, the failed one again
