"""Transcribers (máy nghe): a voice note's words, on the bot's own machine, by the engine VOICE_ENGINE names.

Every engine runs offline from what is installed: no cloud API, no model fetched at run time. None is the
default (docs/voice.md has the measurements): without one, voice notes are kept as they are and the
support team types them.

- `faster-whisper` (`pip install 'sangkien-bot[voice]'`, MIT): a Whisper model in CTranslate2's format, from the
  folder VOICE_MODEL_DIR; the operator brings the model (whisper-small or a Vietnamese fine-tune does far better
  than base).
- `viet-asr` (`pip install --pre viet-asr`, at the operator's own risk): a Vietnamese model inside the wheel,
  whose model has no licence; the bot never installs it.
"""

from __future__ import annotations

import io
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from conversations.text import fold

RATE = 16000  # what every engine listens at: mono, 16 kHz
ENGINES = ("off", "faster-whisper", "viet-asr")


class NotAvailable(Exception):
    """The engine named cannot run here (not installed, no model): said in one line, at start."""


class Unreadable(Exception):
    """The file is no audio the decoder reads."""


@dataclass(frozen=True)
class Heard:
    text: str  # what the engine heard, spaces collapsed; "" when it heard no words
    seconds: float  # the audio's length


class Transcriber(Protocol):
    name: str

    def hear(self, samples) -> str:
        """The words in mono 16 kHz float32 samples (a numpy array); runs in a thread, one call at a time."""
        ...


def words_of(text: str) -> list[str]:
    """The words of a text as a word error rate counts them: lower case, no punctuation."""
    return re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFC", text).lower()).split()


def audio_of(data: bytes, max_seconds: float | None = None):
    """The file's audio as mono 16 kHz float32 samples, cut at `max_seconds`; PyAV reads OGG/Opus, AAC, MP3, WAV."""
    import av
    import numpy as np

    try:
        with av.open(io.BytesIO(data)) as source:
            if not source.streams.audio:
                raise Unreadable("no audio stream")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            pieces, total = [], 0
            for frame in source.decode(source.streams.audio[0]):
                for piece in resampler.resample(frame):
                    pieces.append(piece.to_ndarray().reshape(-1))
                    total += pieces[-1].size
                if max_seconds is not None and total >= max_seconds * RATE:
                    break
            pieces += [p.to_ndarray().reshape(-1) for p in resampler.resample(None)]
    except av.error.FFmpegError as error:
        raise Unreadable(type(error).__name__) from error
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    return samples[: int(max_seconds * RATE)] if max_seconds is not None else samples


def hear(engine: Transcriber, data: bytes, max_seconds: float | None = None) -> Heard:
    """What `engine` hears in a file (blocking: call it in a thread)."""
    samples = audio_of(data, max_seconds)
    seconds = samples.size / RATE
    if samples.size < RATE // 4:  # under a quarter of a second: nothing said
        return Heard("", seconds)
    return Heard(" ".join(engine.hear(samples).split()), seconds)


class FasterWhisper:
    name = "faster-whisper"

    def __init__(self, model_dir: str, threads: int = 2) -> None:
        """`model_dir` holds a model (see `check`)."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the folder is all it reads: never the network
        from faster_whisper import WhisperModel

        folder = Path(model_dir)
        try:
            self.model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads)
        except Exception as error:  # a broken or foreign model: one line at start, not a traceback
            why = (str(error).splitlines() or [""])[0][:200]
            raise NotAvailable(f"the model in {folder} could not be loaded ({type(error).__name__}: {why})") from error
        self._lock = threading.Lock()

    def hear(self, samples) -> str:
        with self._lock:
            segments, _ = self.model.transcribe(samples, language="vi", beam_size=5, vad_filter=True)
            return " ".join(segment.text.strip() for segment in segments if not imagined(segment.text))


class VietAsr:
    name = "viet-asr"

    def __init__(self) -> None:
        import vietasr
        from vietasr.ffi import native

        native.lib.vietasr_set_log_level(3)  # its INFO lines would go to the bot's stderr
        self.pipeline = vietasr.Pipeline.preset("transcribe")
        self._lock = threading.Lock()

    def hear(self, samples) -> str:
        import numpy as np

        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)
        with self._lock:
            return self.pipeline.transcribe(pcm, sample_rate=RATE).text


# What Whisper writes over silence and noise, learnt from video subtitles ("Hãy subscribe cho kênh Ghiền Mì Gõ…"):
# never a worker's words, so never offered as them. Words no answer holds, anywhere in a segment; the subtitles'
# sign-offs only as a segment's start ("Hướng dẫn đăng ký kênh Zalo của trường" is an answer).
_IMAGINED_ANYWHERE = ("subscribe", "ghien mi go", "amara org", "vietsub")
_IMAGINED_START = ("hay dang ky kenh", "dang ky kenh de", "cam on cac ban da theo doi", "cam on cac ban da xem",
                   "cam on cac ban da lang nghe", "hen gap lai cac ban", "thanks for watching", "thank you for watching",
                   "subtitles by", "like va share")


def imagined(text: str) -> bool:
    folded = " ".join(re.sub(r"[^\w\s]", " ", fold(text).lower()).split())
    return any(phrase in folded for phrase in _IMAGINED_ANYWHERE) or folded.startswith(_IMAGINED_START)


def engine_named(name: str, model_dir: str = "", threads: int = 2) -> Transcriber | None:
    """The engine VOICE_ENGINE names, loaded; None for "off". NotAvailable says why it cannot run (`check`, or a
    model that will not load)."""
    check(name, model_dir)
    if name == "off":
        return None
    return FasterWhisper(model_dir, threads) if name == "faster-whisper" else VietAsr()


def check(name: str, model_dir: str = "") -> None:
    """NotAvailable, without loading anything, where the engine named could not run: said at start, in one line."""
    import importlib.util

    if name == "off":
        return
    module = {"faster-whisper": "faster_whisper", "viet-asr": "vietasr"}.get(name)
    if module is None:
        raise NotAvailable(f"VOICE_ENGINE must be one of {', '.join(ENGINES)}: {name!r}")
    if importlib.util.find_spec(module) is None:
        extra = "pip install 'sangkien-bot[voice]'" if name == "faster-whisper" else "pip install --pre viet-asr"
        raise NotAvailable(f"VOICE_ENGINE={name}, but it is not installed: {extra}"
                           + (" (its model has no licence: docs/voice.md)" if name == "viet-asr" else ""))
    if name == "faster-whisper" and not (model_dir and (Path(model_dir) / "model.bin").is_file()):
        raise NotAvailable(f"VOICE_ENGINE=faster-whisper needs VOICE_MODEL_DIR, a folder with a CTranslate2 Whisper "
                           f"model (model.bin): {model_dir or 'not set'}")


def from_settings(settings) -> Transcriber | None:
    return engine_named(settings.voice_engine, settings.voice_model_dir, settings.voice_threads)
