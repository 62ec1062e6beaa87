"""Keeping what a person sent: download it from the platform once, store it, and give a voice note a copy
every phone plays.

A channel calls `Keeper.keep` with the Media it parsed and a way to fetch the bytes, before the update is
handled: the answer then names the bot's own copy, which outlives the platform's link. A file over the
limit is refused (the conversation says so); a download that fails leaves the platform's reference alone,
so the answer is still taken.
"""

from __future__ import annotations

import asyncio
import io
import logging
import mimetypes
from dataclasses import replace
from pathlib import Path
from typing import Awaitable, Callable

from conversations.model import Media
from handlers.file_links import SPOKEN  # the kinds kept with a playable copy
from storage.files import FileStore, FileTooLarge, LocalFileStore

log = logging.getLogger(__name__)
Fetch = Callable[[int], Awaitable[bytes]]  # the file's bytes, refusing beyond the given size (FileTooLarge)
MB = 1024 * 1024
DEFAULT_SUFFIX = {"voice": ".ogg", "audio": ".mp3", "photo": ".jpg", "video": ".mp4", "document": ".bin"}


def file_store(data_dir: str | Path) -> LocalFileStore:
    return LocalFileStore(Path(data_dir) / "files")


class Keeper:
    def __init__(self, store: FileStore, limit_mb: int) -> None:
        self.store = store
        self.limit_mb = limit_mb

    @classmethod
    def from_settings(cls, settings) -> "Keeper":
        return cls(file_store(settings.data_dir), settings.max_file_mb)

    @property
    def limit(self) -> int:
        return self.limit_mb * MB

    async def keep(self, media: Media, fetch: Fetch) -> Media:
        if media.size is not None and media.size > self.limit:
            return replace(media, over_limit_mb=self.limit_mb)
        try:
            data = await fetch(self.limit)
        except FileTooLarge:
            return replace(media, over_limit_mb=self.limit_mb)
        except FileNotFoundError:  # the terminal chat's '@voice name' naming no file: a stand-in, not a loss
            return media
        except Exception as error:  # the platform's reference is still there: the answer is not lost
            log.warning("could not download a %s from %s (%s): kept by reference only", media.kind, media.channel,
                        type(error).__name__)
            return media
        if len(data) > self.limit:
            return replace(media, over_limit_mb=self.limit_mb)
        stored = await self.store.put(data, suffix_of(media))
        playable = await self._playable(media, data, stored)
        return replace(media, stored=stored, playable=playable, size=len(data))

    async def _playable(self, media: Media, data: bytes, stored: str) -> str | None:
        if media.kind not in SPOKEN:
            return None
        try:
            copy = await asyncio.to_thread(as_aac, data)
        except Exception as error:  # not audio PyAV can read: the original is still kept and offered
            log.warning("could not make a playable copy of a %s (%s)", media.kind, type(error).__name__)
            return None
        return stored if copy is None else await self.store.put(copy, ".aac")


def suffix_of(media: Media) -> str:
    if media.filename and Path(media.filename).suffix:
        return Path(media.filename).suffix
    guessed = mimetypes.guess_extension(media.mime_type or "") if media.mime_type else None
    return guessed or DEFAULT_SUFFIX.get(media.kind, ".bin")


def as_aac(data: bytes) -> bytes | None:
    """The audio as AAC in ADTS (.aac: Zalo's sendVoice takes it, every phone plays it); None when it
    already is."""
    return _transcode(data, ("aac", "adts"), "adts", "aac", "fltp", 44100)


def as_voice_note(data: bytes) -> bytes | None:
    """The audio as Opus in OGG, the only voice message Telegram shows as one; None when it already is."""
    return _transcode(data, ("ogg",), "ogg", "libopus", "s16", 48000)


def _transcode(data: bytes, already: tuple[str, ...], container: str, codec: str, sample_format: str,
               rate: int) -> bytes | None:
    import av  # loaded on the first voice note: the decoders weigh on every worker's memory otherwise

    with av.open(io.BytesIO(data)) as source:
        if source.format.name in already:
            return None
        audio = source.streams.audio[0]
        out = io.BytesIO()
        with av.open(out, "w", format=container) as target:
            stream = target.add_stream(codec, rate=rate, layout="mono")
            resampler = av.AudioResampler(format=sample_format, layout="mono", rate=rate)
            for frame in source.decode(audio):
                for piece in resampler.resample(frame):
                    target.mux(stream.encode(piece))
            for piece in resampler.resample(None):
                target.mux(stream.encode(piece))
            target.mux(stream.encode(None))
        return out.getvalue()
