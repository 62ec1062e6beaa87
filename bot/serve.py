"""`sangkien run` with platform tokens: start the channels (and the webhook server), stop on a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta

from bot.app import build
from bot.logs import install_redaction, remove_redaction
from bot.settings import Settings
from bot.webhook import WebhookServer
from reminders import help_requests

log = logging.getLogger(__name__)


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    redaction = install_redaction(settings.secrets)
    db, dispatcher = build(settings)
    stop = stop or _stop_on_signals()
    server = WebhookServer(db, settings.webhook_host, settings.webhook_port) if settings.needs_webhook_server else None
    channels = []
    escalation = None
    if settings.telegram_bot_token is not None:
        from bot.channels.telegram.channel import TelegramChannel

        channels.append(TelegramChannel(settings, db, dispatcher))
    if settings.zalo_bot_token is not None:
        from bot.channels.zalo.channel import ZaloChannel

        channels.append(ZaloChannel(settings, db, dispatcher))
    try:
        for channel in channels:
            if server is not None:
                channel.attach(server)
        if server is not None:
            await server.start()  # listening before Telegram is told where to call
        for channel in channels:
            await channel.start()
        escalation = asyncio.create_task(
            help_requests.run(db, stop, timedelta(minutes=settings.help_escalate_after_minutes))
        )
        await stop.wait()
    finally:
        if escalation is not None:
            escalation.cancel()
            await asyncio.gather(escalation, return_exceptions=True)
        if server is not None:
            await server.stop()  # no new webhook calls while the channels close
        for channel in channels:
            await channel.stop()
        await db.close()
        remove_redaction(redaction)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for name in ("SIGINT", "SIGTERM"):
        loop.add_signal_handler(getattr(signal, name), stop.set)
    return stop
