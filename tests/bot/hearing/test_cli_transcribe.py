"""`sangkien transcribe FILE`: what the engine hears, printed; whatever is wrong, one line and exit 1."""

from __future__ import annotations

import os

from tests.bot.hearing.test_engines import CLIP, SAID
from bot.hearing.engines import words_of
from tests.bot.test_cli import run


def env(**more) -> dict:
    kept = {k: v for k, v in os.environ.items() if not k.startswith("VOICE_")}
    return {**kept, "DATABASE_URL": "sqlite+aiosqlite:///unused.db", **more}


def test_the_words_are_printed_and_the_time_said_aside(whisper_base):
    result = run(["transcribe", str(CLIP)], env(VOICE_ENGINE="faster-whisper", VOICE_MODEL_DIR=str(whisper_base)))
    assert result.returncode == 0, result.stderr
    assert len(set(words_of(result.stdout)) & set(words_of(SAID))) >= 2, result.stdout
    assert "faster-whisper:" in result.stderr and "s of audio" in result.stderr


def test_the_engine_and_model_can_be_given_on_the_command_line(whisper_base):
    args = ["transcribe", str(CLIP), "--engine", "faster-whisper", "--model-dir", str(whisper_base)]
    assert run(args, env()).returncode == 0


def test_bad_input_is_one_line(whisper_base, tmp_path):
    model = ["--engine", "faster-whisper", "--model-dir", str(whisper_base)]
    (tmp_path / "notes.txt").write_text("not audio")
    cases = [
        (["transcribe", str(CLIP)], "no voice engine"),
        (["transcribe", str(CLIP), "--engine", "google"], "one of faster-whisper, viet-asr"),
        (["transcribe", str(CLIP), "--engine", "faster-whisper"], "VOICE_MODEL_DIR"),
        (["transcribe", str(tmp_path / "missing.ogg"), *model], "missing.ogg"),
        (["transcribe", str(tmp_path / "notes.txt"), *model], "is not audio"),
    ]
    for args, said in cases:
        result = run(args, env())
        assert result.returncode != 0 and said in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_broken_model_stops_the_chat_and_the_bot_at_start_in_one_line(whisper_base, tmp_path):
    from tests import db_templates

    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (broken / name).write_bytes((whisper_base / name).read_bytes())
    (broken / "model.bin").write_bytes((whisper_base / "model.bin").read_bytes()[:1000])
    db_templates.sqlite.copy(tmp_path / "b.db", demo=True)
    settings = env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'b.db'}", VOICE_ENGINE="faster-whisper",
                   VOICE_MODEL_DIR=str(broken))
    for args, more in ((["chat"], {}), (["run"], {"TELEGRAM_BOT_TOKEN": "123:never-called"})):
        result = run(args, {**settings, **more}, input="Sáng kiến mới\n")
        assert result.returncode == 1 and "could not be loaded" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
