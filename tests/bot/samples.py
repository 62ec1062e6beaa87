"""Real media bytes for tests: a spoken-length tone as a Telegram voice note (OGG/Opus) or a Zalo one
(AAC), and a small JPEG photo."""

from __future__ import annotations

import io
from functools import lru_cache

import av
import numpy as np
from PIL import Image


def _tone(container: str, codec: str, rate: int, frame: int, seconds: float) -> bytes:
    out = io.BytesIO()
    with av.open(out, "w", format=container) as target:
        stream = target.add_stream(codec, rate=rate, layout="mono")
        wave = (0.3 * np.sin(2 * np.pi * 440 * np.arange(int(rate * seconds)) / rate)).astype(np.float32)
        for start in range(0, len(wave), frame):
            piece = av.AudioFrame.from_ndarray(wave[start:start + frame].reshape(1, -1), format="flt", layout="mono")
            piece.sample_rate = rate
            for packet in stream.encode(piece):
                target.mux(packet)
        for packet in stream.encode(None):
            target.mux(packet)
    return out.getvalue()


@lru_cache(maxsize=None)
def telegram_voice(seconds: float = 2.0) -> bytes:
    return _tone("ogg", "libopus", 48000, 960, seconds)


@lru_cache(maxsize=None)
def zalo_voice(seconds: float = 2.0) -> bytes:
    return _tone("adts", "aac", 44100, 1024, seconds)


@lru_cache(maxsize=None)
def photo(colour: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def seconds_of(audio: bytes) -> float:
    """How long the audio plays, as a phone's player would read it."""
    with av.open(io.BytesIO(audio)) as source:
        stream = source.streams.audio[0]
        return sum(frame.samples for frame in source.decode(stream)) / stream.codec_context.sample_rate
