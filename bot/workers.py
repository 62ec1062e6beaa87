"""`sangkien run --workers N`: N bot processes on one machine, one webhook port, one PostgreSQL database.

Each worker is a whole bot process (bot/serve.py, `run_worker`) listening on the same port with SO_REUSEPORT, so
the kernel spreads the platforms' connections over them. What keeps answers right across processes
lives in the database: processed update ids (a delivery to two workers counts once), versioned
conversation state (a conflicting write retries on fresh state), chat leases (a chat's messages
leave from one process at a time) and the leader lock (one scheduler, one background sender).
The parent only starts the workers, restarts one that dies, and stops them all on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

from bot.settings import Settings
from storage.db import backend

log = logging.getLogger(__name__)
STOP_GRACE = 20.0  # seconds a worker has to finish its in-flight updates before it is killed


@dataclass(frozen=True)
class Worker:
    index: int = 0
    count: int = 1


ALONE = Worker()


def refusal(settings: Settings, count: int) -> str | None:
    """Why these settings cannot run `count` workers, or None."""
    if count < 1:
        return "--workers must be 1 or more"
    if count == 1:
        return None
    if backend(settings.database_url) != "postgresql":
        return ("--workers needs PostgreSQL in DATABASE_URL: an embedded SQLite file is written by one process "
                "(move it with `sangkien db copy --to URL`, see docs/deploy.md)")
    for channel, each in settings.each_bot():  # each copy holds one platform's token and webhook
        platform = channel.split("-")[0]
        if not getattr(each, f"{platform}_webhook_url"):
            setting = f"{platform.upper()}_WEBHOOK_URL"
            return f"--workers needs a webhook URL for {channel} ({setting}): long polling allows one reader"
    if settings.webhook_port == 0:
        return "--workers needs a fixed WEBHOOK_PORT for the workers to share"
    return None


class Supervisor:
    """Starts the workers, restarts one that dies (up to `restarts` in `window` seconds), stops them all."""

    def __init__(self, settings: Settings, count: int, target: Callable[[Settings, Worker], None], *,
                 restarts: int = 5, window: float = 60.0) -> None:
        """`target(settings, worker)`: what a worker process runs (bot.serve.run_worker; tests give a stand-in)."""
        self.settings = settings
        self.count = count
        self.target = target
        self.restarts = restarts
        self.window = window
        self.stopping = threading.Event()
        # A fresh interpreter: no event loop or pool inherited. Not a forkserver, though it starts workers faster:
        # if its server process is killed, the parent takes its workers for dead and starts more beside them.
        self._context = multiprocessing.get_context("spawn")
        self._crashes: deque[float] = deque()

    def run(self) -> int:
        """Until SIGTERM or SIGINT (or too many crashes); the exit code."""
        previous = {sig: signal.signal(sig, lambda *_: self.stopping.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
        workers = {index: self._start(index) for index in range(self.count)}
        code = 0
        try:
            while not self.stopping.wait(0.5):
                for index, process in workers.items():
                    if process.is_alive() or self.stopping.is_set():
                        continue
                    log.warning("worker %s stopped (exit code %s)", index, process.exitcode)
                    if self._too_many_crashes():
                        log.error("workers stopped %s times within %s s: giving up", self.restarts + 1, self.window)
                        code = 1
                        self.stopping.set()
                        break
                    workers[index] = self._start(index)
        finally:
            _stop_all(list(workers.values()))
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return code

    def _start(self, index: int):
        process = self._context.Process(
            target=self.target, args=(self.settings, Worker(index, self.count)), name=f"sangkien-worker-{index}"
        )
        process.start()
        log.info("worker %s started (pid %s)", index, process.pid)
        return process

    def _too_many_crashes(self) -> bool:
        now = time.monotonic()
        self._crashes.append(now)
        while self._crashes and now - self._crashes[0] > self.window:
            self._crashes.popleft()
        return len(self._crashes) > self.restarts


def _stop_all(processes: list) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()  # SIGTERM: the worker finishes what it has in hand
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            log.warning("worker pid %s did not stop in %s s: killed", process.pid, STOP_GRACE)
            process.kill()
            process.join()

