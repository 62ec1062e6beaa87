"""Charts drawn in a process of their own, so that drawing one never holds up the bot's answers.

matplotlib's drawing keeps the interpreter's lock for tens of milliseconds at a time: in a thread of
the bot's process every other chat's answer would wait that long at each step, half a second in all
for one chart. One process, started on the first chart (matplotlib stays out of the bot's own memory),
draws them one after another and stays for the next.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

log = logging.getLogger(__name__)
NICE = 10  # added to the charts' process's niceness: the scheduler gives the bot's own processes the CPU first


class ChartProcess:
    """`await charts(function, *args)`: the function's result, computed in the charts' process."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def __call__(self, function: Callable[..., bytes | None], *args) -> bytes | None:
        if self._pool is None:
            # spawn: a fresh interpreter, not a fork of this one and its event loop, threads and connections.
            # Niced: on a busy machine the answers come first, the chart a moment later.
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=os.nice, initargs=(NICE,))
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)
        except BrokenProcessPool:  # the process died (killed, out of memory): this chart here, a new process next time
            log.warning("the charts' process died: this chart is drawn in the bot's own process")
            self._pool = None
            return await asyncio.to_thread(function, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
