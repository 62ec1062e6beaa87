"""The chat platforms the bot serves: adding a channel is its module under bot/channels/ and one line here."""

from __future__ import annotations

from bot.channels.platform_channel import PlatformChannel
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.zalo.channel import ZaloChannel
from bot.settings import Settings
from handlers.dispatcher import Dispatcher
from storage.db import Database

PLATFORMS: tuple[type[PlatformChannel], ...] = (TelegramChannel, ZaloChannel)


def channel_for(name: str, settings: Settings, db: Database, dispatcher: Dispatcher) -> PlatformChannel:
    """The channel of one bot of `Settings.each_bot()`: the platform whose token its settings hold."""
    for platform in PLATFORMS:
        if platform.serves(settings):
            return platform(settings, db, dispatcher, name=name)
    raise ValueError(f"{name}: no platform's token in its settings")
