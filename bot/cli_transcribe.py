"""`sangkien transcribe FILE`: what the voice engine hears in a file, for an operator to try it before turning it on."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer

from bot.cli_errors import OperatorError
from bot.hearing.engines import ENGINES, Unreadable, engine_named, hear
from bot.settings import get_settings


def transcribe(
    file: Path = typer.Argument(..., help="A voice note or any audio file (OGG/Opus, AAC, MP3, WAV, M4A)."),
    engine: Optional[str] = typer.Option(
        None, "--engine", help=f"One of {', '.join(ENGINES[1:])} (default: VOICE_ENGINE)."),
    model_dir: Optional[str] = typer.Option(
        None, "--model-dir", help="faster-whisper's model folder (default: VOICE_MODEL_DIR)."),
) -> None:
    """Print what the voice engine hears in FILE, and how long it took."""
    settings = get_settings()
    name = engine or settings.voice_engine
    if engine is not None and engine not in ENGINES[1:]:
        raise typer.BadParameter(f"one of {', '.join(ENGINES[1:])}, not {engine!r}", param_hint="--engine")
    if name == "off":
        raise OperatorError(f"no voice engine: set VOICE_ENGINE or give --engine ({', '.join(ENGINES[1:])})")
    folder = model_dir if model_dir is not None else settings.voice_model_dir
    data = file.read_bytes()  # a missing file or folder: one line (cli_errors)
    started = time.perf_counter()
    loaded = engine_named(name, folder, settings.voice_threads)
    try:
        heard = hear(loaded, data, settings.voice_max_seconds)
    except Unreadable:
        raise OperatorError(f"{file} is not audio this bot can read") from None
    took = time.perf_counter() - started
    typer.echo(heard.text or "(no words heard)")
    typer.echo(f"{name}: {heard.seconds:.1f} s of audio heard in {took:.1f} s, model loading included", err=True)
