"""`sangkien run` with platform tokens: start the channels (and the webhook server), stop on a signal."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from datetime import datetime, timedelta, timezone

from bot.app import build, configure_logging
from bot.hearing.queue import Hearings, hearings_for
from bot.channels.platforms import channel_for
from bot.keeping import file_store
from bot.logs import RedactSecrets, install_redaction, remove_redaction
from bot.settings import Settings
from bot.webhook import Bounds, WebhookServer
from bot.workers import ALONE, Worker
from documents.drawing import ChartProcess
from handlers.timetable import Timetable
from reminders.leader import Leadership
from reminders.scheduler import Jobs, Scheduler

log = logging.getLogger(__name__)


async def serve(settings: Settings, stop: asyncio.Event | None = None, worker: Worker = ALONE) -> None:
    """One process of the bot; `worker` says which of N sharing the webhook port (bot/workers.py)."""
    redaction = install_redaction(settings.secrets)
    db, dispatcher = build(settings)
    stop = stop or _stop_on_signals()
    server = None
    if settings.needs_webhook_server:
        server = WebhookServer(db, settings.webhook_host, settings.webhook_port, worker, file_store(settings.data_dir),
                               Bounds.from_settings(settings))
    channels = [channel_for(name, each, db, dispatcher) for name, each in settings.each_bot()]
    hearings = hearings_for(settings, db, dispatcher, file_store(settings.data_dir))
    leading = None
    try:
        await _check_bot_units(db, settings)
        for channel in channels:
            if server is not None:
                channel.attach(server)
        if server is not None:
            await server.start()  # listening before Telegram is told where to call
        for channel in channels:
            channel.outbox.pause()  # the background sender runs in the leader only, so two never send a row twice
            await channel.start(register=worker.index == 0)  # the platform is told once, not N times
        # What is loaded by now lives as long as the process: keeping it out of the collector's
        # full passes avoids 100 ms stalls that would bunch a broadcast's sends against the limits.
        gc.collect()
        gc.freeze()
        scheduler = Scheduler(_jobs(settings, db, channels))
        retry = settings.scheduler_leader_retry_seconds
        leadership = Leadership(db, retry_every=retry, check_every=retry)
        leading = asyncio.create_task(leadership.run(stop, _leading(scheduler, channels, hearings),
                                                     _following(scheduler, channels, hearings)))
        await stop.wait()
    finally:
        stop.set()  # also when leaving on an error: the scheduler stops and the leadership is released
        if leading is not None:
            await asyncio.wait_for(asyncio.gather(leading, return_exceptions=True), timeout=10)
        if server is not None:
            await server.stop()  # no new webhook calls while the channels close
        for channel in channels:
            await channel.stop()
        await db.close()
        if isinstance(dispatcher.draw, ChartProcess):
            dispatcher.draw.close()
        remove_redaction(redaction)


async def _check_bot_units(db, settings: Settings) -> None:
    """Each of BOTS serves a unit that exists: a typo would leave its people with no unit to join."""
    async with db.transaction() as tx:
        for channel, code in settings.channel_units.items():
            if await tx.units.by_code(code) is None:
                raise ValueError(f"BOTS: the bot {channel} serves unit {code!r}, which is not in the database "
                                 "(import the units first: sangkien units import)")


def _leading(scheduler: Scheduler, channels: list, hearings: Hearings | None):
    async def elected() -> None:
        for channel in channels:
            channel.outbox.resume()
        await scheduler.start()
        if hearings is not None:  # one process hears: one model in memory
            hearings.start()

    return elected


def _following(scheduler: Scheduler, channels: list, hearings: Hearings | None):
    async def deposed() -> None:
        if hearings is not None:
            await hearings.stop()
        await scheduler.stop()
        for channel in channels:
            channel.outbox.pause()

    return deposed


def _jobs(settings: Settings, db, channels: list) -> Jobs:
    def wake() -> None:  # what a job queued goes out now, not at the senders' next round
        for channel in channels:
            channel.outbox.wake()

    return Jobs(
        db,
        Timetable.from_settings(settings),
        clock=lambda: datetime.now(timezone.utc),
        wake=wake,
        escalate_after=timedelta(minutes=settings.help_escalate_after_minutes),
        keep_files=timedelta(days=settings.generated_files_retention_days),
    )


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for name in ("SIGINT", "SIGTERM"):
        loop.add_signal_handler(getattr(signal, name), stop.set)
    return stop


def run_worker(settings: Settings, worker: Worker) -> None:
    """A worker process's body (started by bot/workers.py): the bot, as `sangkien run` would run it alone."""
    configure_logging(settings.log_level, tag=f"worker-{worker.index}")
    try:
        asyncio.run(serve(settings, worker=worker))
    except KeyboardInterrupt:
        pass
    except Exception as error:  # redacted: aiohttp errors carry URLs with the token
        message = RedactSecrets(settings.secrets).redact(f"{type(error).__name__}: {error}")
        sys.stderr.write(f"worker {worker.index} stopped: {message}\n")
        sys.exit(1)
