"""The voice notes waiting for the transcriber: one process hears each at a time, a dead one's claim runs out,
and what was heard goes on the author's own note only."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=timezone.utc)
LEASE = timedelta(minutes=5)


async def claim(db, now=NOW):
    async with db.transaction() as tx:
        return await tx.hearings.claim(now, LEASE)


async def test_each_note_is_claimed_by_one_process_at_a_time(people):
    async with people.db.transaction() as tx:
        first = await tx.hearings.add("telegram", "1", "1", "voice-a", "a.ogg")
        again = await tx.hearings.add("telegram", "1", "1", "voice-a", "a.ogg")  # the update delivered twice
        second = await tx.hearings.add("telegram", "1", "1", "voice-b", "a.ogg")  # the same sound, another note
    assert first and again is None and second
    both = await asyncio.gather(claim(people.db), claim(people.db))
    taken = [w.file_ref for w in both if w is not None]
    assert len(taken) == len(set(taken)) >= 1  # never the same note twice
    while (more := await claim(people.db)) is not None:
        taken.append(more.file_ref)
    assert sorted(taken) == ["voice-a", "voice-b"]


async def test_a_claim_that_runs_out_is_taken_again_with_the_attempt_counted(people):
    async with people.db.transaction() as tx:
        await tx.hearings.add("zalo", "z", "z", "https://zalo.example/v.aac", "v.aac")
    assert (await claim(people.db)).attempts == 1
    assert await claim(people.db, NOW + LEASE - timedelta(seconds=1)) is None
    again = await claim(people.db, NOW + LEASE + timedelta(seconds=1))
    assert again.attempts == 2
    async with people.db.transaction() as tx:
        await tx.hearings.done(again.id, NOW)
        assert await tx.hearings.waiting() == 0
    assert await claim(people.db, NOW + timedelta(days=1)) is None


async def test_the_words_go_on_the_authors_own_note(people):
    note = {"field": "problem", "kind": "voice", "channel": "console", "ref": "same-ref"}
    async with people.db.transaction() as tx:
        mine = await tx.initiatives.save_draft(draft_id=None, author_id=people.alice, answers={"attachments": [note]},
                                               step="problem")
        theirs = await tx.initiatives.save_draft(draft_id=None, author_id=people.bob, answers={"attachments": [note]},
                                                 step="problem")
        assert await tx.hearings.keep_transcript(people.alice, "same-ref", "Máy hay kẹt giấy") == 1
    async with people.db.transaction() as tx:
        assert (await tx.initiatives.get(mine.id)).attachments[0].transcript == "Máy hay kẹt giấy"
        assert (await tx.initiatives.get(theirs.id)).attachments[0].transcript is None
