"""Keeping what a person sent: one copy per content, a playable copy of a voice note, a clear refusal over
the limit, and a failed download that still keeps the answer."""

from __future__ import annotations

from bot.keeping import Keeper, file_store
from conversations.model import Media
from storage.files import FileTooLarge
from tests.bot.samples import photo, seconds_of, telegram_voice, zalo_voice


def fetching(data: bytes):
    async def fetch(limit: int) -> bytes:
        if len(data) > limit:
            raise FileTooLarge(limit)
        return data

    return fetch


async def test_a_voice_note_is_kept_as_sent_and_as_aac_every_phone_plays(tmp_path):
    keeper = Keeper(file_store(tmp_path), limit_mb=20)
    kept = await keeper.keep(Media("voice", "file-id-1", "telegram", mime_type="audio/ogg"), fetching(telegram_voice()))
    assert await keeper.store.get(kept.stored) == telegram_voice() and kept.stored.endswith((".ogg", ".oga"))
    assert kept.size == len(telegram_voice())
    playable = await keeper.store.get(kept.playable)
    assert playable[:2] == b"\xff\xf1" and abs(seconds_of(playable) - 2.0) < 0.1  # ADTS AAC, as long as hers


async def test_aac_from_zalo_is_its_own_playable_copy_and_the_same_bytes_are_kept_once(tmp_path):
    keeper = Keeper(file_store(tmp_path), limit_mb=20)
    first = await keeper.keep(Media("voice", "https://zalo/a.aac", "zalo", mime_type="audio/aac"), fetching(zalo_voice()))
    again = await keeper.keep(Media("voice", "https://zalo/b.aac", "zalo", mime_type="audio/aac"), fetching(zalo_voice()))
    assert first.playable == first.stored == again.stored
    assert len(list((tmp_path / "files").rglob("*.aac"))) == 1


async def test_over_the_limit_is_refused_and_nothing_is_written(tmp_path):
    keeper = Keeper(file_store(tmp_path), limit_mb=1)
    too_big = bytes(1024 * 1024 + 1)
    kept = await keeper.keep(Media("document", "doc-1", "telegram"), fetching(too_big))
    said = await keeper.keep(Media("document", "doc-2", "telegram", size=5 * 1024 * 1024), fetching(b""))
    assert (kept.over_limit_mb, kept.stored, said.over_limit_mb) == (1, None, 1)
    assert not (tmp_path / "files").exists()


async def test_a_failed_download_keeps_the_platforms_reference(tmp_path):
    async def broken(limit: int) -> bytes:
        raise ConnectionError("download: ConnectTimeout")

    keeper = Keeper(file_store(tmp_path), limit_mb=20)
    media = Media("photo", "https://zalo/p.jpg", "zalo")
    assert await keeper.keep(media, broken) == media  # the answer is still taken, by its link


async def test_a_photo_keeps_no_playable_copy_and_a_key_from_a_link_never_leaves_the_store(tmp_path):
    keeper = Keeper(file_store(tmp_path), limit_mb=20)
    kept = await keeper.keep(Media("photo", "p", "telegram", mime_type="image/jpeg"), fetching(photo()))
    assert (kept.playable, kept.stored.endswith(".jpg")) == (None, True)
    assert keeper.store.path("../../etc/passwd") is None and await keeper.store.get("../settings.py") is None
