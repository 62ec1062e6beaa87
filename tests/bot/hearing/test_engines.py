"""The transcribers: a real engine hears a Telegram voice note and the same words as Zalo's AAC; an engine that
cannot run says why in one line."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bot.hearing import engines
from bot.hearing.engines import NotAvailable, Unreadable, audio_of, check, engine_named, hear, words_of
from bot.keeping import as_aac
from tests.bot.samples import telegram_voice

CLIP = Path(__file__).parent / "doi-khuon.ogg"  # espeak-ng saying SAID, as a Telegram voice note
SAID = "Mỗi lần đổi khuôn mất gần một tiếng đồng hồ"


@pytest.fixture(scope="module")
def whisper(whisper_base):
    return engine_named("faster-whisper", str(whisper_base), threads=2)


def test_a_real_engine_hears_a_voice_note_as_telegram_and_zalo_send_it(whisper):
    clip = CLIP.read_bytes()
    for data in (clip, as_aac(clip)):  # OGG/Opus from Telegram; AAC in ADTS, as Zalo's .aac links
        heard = hear(whisper, data)
        assert 3.0 < heard.seconds < 4.5
        assert len(set(words_of(heard.text)) & set(words_of(SAID))) >= 2, heard.text


def test_only_the_start_of_a_long_note_is_heard():
    samples = audio_of(telegram_voice(seconds=6.0), max_seconds=2.5)
    assert samples.size == int(2.5 * engines.RATE)


def test_a_note_too_short_to_hold_a_word_is_heard_as_nothing(whisper):
    assert hear(whisper, telegram_voice(seconds=0.1)).text == ""


def test_what_is_no_audio_is_unreadable():
    with pytest.raises(Unreadable):
        audio_of(b"%PDF-1.4 not a voice note")


def test_off_is_no_engine():
    check("off")
    assert engine_named("off") is None


@pytest.mark.parametrize("folder", ["", "/nonexistent/whisper"])
def test_faster_whisper_without_a_model_says_so(folder):
    with pytest.raises(NotAvailable, match="VOICE_MODEL_DIR"):
        check("faster-whisper", folder)
    with pytest.raises(NotAvailable, match="VOICE_MODEL_DIR"):
        engine_named("faster-whisper", folder)


def test_a_broken_model_says_so_in_one_line(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"not a model")
    with pytest.raises(NotAvailable, match="could not be loaded"):
        engine_named("faster-whisper", str(tmp_path))


def test_an_engine_not_installed_names_its_install(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "vietasr" else real(name, *a))
    with pytest.raises(NotAvailable, match="pip install --pre viet-asr"):
        check("viet-asr")


def test_an_unknown_engine_is_named():
    with pytest.raises(NotAvailable, match="one of off, faster-whisper, viet-asr"):
        check("google")


@pytest.mark.parametrize("said", ["Hãy subscribe cho kênh Ghiền Mì Gõ để không bỏ lỡ những video hấp dẫn",
                                  "Cảm ơn các bạn đã theo dõi", "Thanks for watching!", "Thank you for watching!",
                                  "Subtitles by the Amara.org community", "Cảm ơn các bạn đã lắng nghe"])
def test_what_whisper_imagines_over_silence_is_never_offered(said):
    assert engines.imagined(said)


def test_a_workers_words_are_not_taken_for_imagined():
    assert not engines.imagined("Máy đóng gói hay bị kẹt giấy vào ca đêm")


@pytest.mark.parametrize("said", ["Dùng video hấp dẫn để dạy trẻ", "Hướng dẫn đăng ký kênh Zalo của trường"])
def test_a_worker_may_say_what_the_subtitles_say_in_passing(said):
    assert not engines.imagined(said)
