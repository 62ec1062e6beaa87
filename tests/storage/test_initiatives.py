"""Initiatives: drafts saved answer by answer, ownership, submission codes, history, listing and deletion."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone

from sqlalchemy import func, select

from storage.models import Attachment
from storage.repositories.answers import answers_of

PHOTO = {
    "field": "solution", "kind": "photo", "channel": "telegram", "ref": "AgACAgUAAxk-photo-1",
    "caption": "Ảnh máy may sau cải tiến", "mime_type": "image/jpeg", "size": 183_422,
    "stored": "a" * 64 + ".jpg", "playable": None, "filename": None, "transcript": None,
}
VOICE = {
    "field": "problem", "kind": "voice", "channel": "telegram", "ref": "AwACAgUAAxk-voice-1",
    "caption": None, "mime_type": "audio/ogg", "size": 25_610,
    "stored": "b" * 64 + ".ogg", "playable": "c" * 64 + ".aac", "filename": None,
    "transcript": "Công nhân mất nhiều thời gian căn chỉnh cổ áo",  # what the transcriber heard in it
}
DOCUMENT = {
    "field": "benefit", "kind": "document", "channel": "zalo", "ref": "zalo-file-77",
    "caption": "Bảng tính tiết kiệm", "mime_type": "application/pdf", "size": 5_000_000_000,  # past 32 bits
    "stored": None, "playable": None, "filename": "Bảng tính tiết kiệm.pdf", "transcript": None,
}
FULL = {
    "title": "Cải tiến gá may cổ áo",
    "field": "Kỹ thuật sản xuất",
    "problem": "Công nhân mất nhiều thời gian căn chỉnh cổ áo.",
    "solution": "Thiết kế gá định vị gắn trên máy may.",
    "benefit": "Giảm 20% thời gian may mỗi sản phẩm.",
    "estimated_value": 2_500_000_000,  # đồng: more than a 32-bit integer holds
    "first_applied": {"date": "2025-03-01", "precision": "month"},
    "coauthors": ["Lê Thị Hoa", "Phạm Văn Đức"],
    "attachments": [PHOTO, VOICE, DOCUMENT],
}
IN_2026 = datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)
IN_2027 = datetime(2027, 2, 3, 2, 0, tzinfo=timezone.utc)


async def save(db, author: int, answers: dict, draft_id: int | None = None) -> int:
    async with db.transaction() as tx:
        draft = await tx.initiatives.save_draft(draft_id=draft_id, author_id=author, answers=answers, step="title")
        return draft.id


async def stored_answers(db, initiative_id: int) -> dict:
    """The answers as saved, without each attachment's link token (made by the store, not given)."""
    async with db.transaction() as tx:
        answers = answers_of(await tx.initiatives.get(initiative_id))
    for item in answers.get("attachments", []):
        del item["token"]
    return answers


async def submit(db, initiative_id: int, author: int, unit: int, now: datetime) -> str:
    async with db.transaction() as tx:
        initiative = await tx.initiatives.get(initiative_id)
        return await tx.initiatives.submit(initiative, actor_id=author, unit_id=unit, now=now)


async def attachment_count(db, initiative_id: int) -> int:
    async with db.transaction() as tx:
        query = select(func.count(Attachment.id)).where(Attachment.initiative_id == initiative_id)
        return (await tx.session.execute(query)).scalar_one()


async def test_saved_draft_gives_back_exactly_the_answers(people):
    """Also defect 3 of issue 15: a file over 2 GiB (the Bot API's file_size) was a poison update on PostgreSQL,
    whose 32-bit size column refused it on every redelivery; DOCUMENT's size is past 32 bits."""
    draft_id = await save(people.db, people.alice, FULL)
    async with people.db.transaction() as tx:
        draft = await tx.initiatives.get(draft_id)
        assert (draft.status, draft.author_id) == ("draft", people.alice)
        answers = answers_of(draft)
    tokens = [item.pop("token") for item in answers["attachments"]]
    assert answers == FULL
    assert len(set(tokens)) == 3 and all(len(token) >= 32 for token in tokens)  # each file its own unguessable link
    assert type(answers["estimated_value"]) is int


async def test_saving_with_the_same_draft_id_updates_that_draft(people):
    first = await save(people.db, people.alice, {"title": FULL["title"]})
    again = await save(people.db, people.alice, FULL, draft_id=first)
    assert again == first
    async with people.db.transaction() as tx:
        assert [i.id for i in await tx.initiatives.for_author(people.alice)] == [first]
    assert await stored_answers(people.db, first) == FULL


async def test_removing_an_attachment_deletes_only_its_row(people):
    draft_id = await save(people.db, people.alice, FULL)
    async with people.db.transaction() as tx:
        kept_ids = [a.id for a in (await tx.initiatives.get(draft_id)).attachments if a.file_ref != VOICE["ref"]]
    await save(people.db, people.alice, {**FULL, "attachments": [PHOTO, DOCUMENT]}, draft_id=draft_id)
    async with people.db.transaction() as tx:
        draft = await tx.initiatives.get(draft_id)
        assert [a.id for a in draft.attachments] == kept_ids
    assert (await stored_answers(people.db, draft_id))["attachments"] == [PHOTO, DOCUMENT]
    assert await attachment_count(people.db, draft_id) == 2


async def test_changed_caption_of_a_kept_attachment_is_saved(people):
    draft_id = await save(people.db, people.alice, {"attachments": [PHOTO]})
    recaptioned = {**PHOTO, "caption": "Ảnh chụp lại, rõ hơn"}
    await save(people.db, people.alice, {"attachments": [recaptioned]}, draft_id=draft_id)
    assert (await stored_answers(people.db, draft_id))["attachments"] == [recaptioned]


async def test_another_members_draft_id_starts_a_new_draft_and_leaves_theirs(people):
    bobs = await save(people.db, people.bob, {"title": "Sáng kiến của Bình"})
    alices = await save(people.db, people.alice, FULL, draft_id=bobs)
    assert alices != bobs
    assert await stored_answers(people.db, bobs) == {"title": "Sáng kiến của Bình"}
    async with people.db.transaction() as tx:
        assert (await tx.initiatives.get(alices)).author_id == people.alice
        assert (await tx.initiatives.get(bobs)).author_id == people.bob


async def test_owned_hides_another_members_initiative(people):
    bobs = await save(people.db, people.bob, {"title": "Sáng kiến của Bình"})
    async with people.db.transaction() as tx:
        assert await tx.initiatives.owned(bobs, people.alice) is None
        assert (await tx.initiatives.owned(bobs, people.bob)).id == bobs


async def test_submission_codes_count_up_within_a_year(people):
    first = await save(people.db, people.alice, FULL)
    second = await save(people.db, people.bob, FULL)
    assert await submit(people.db, first, people.alice, people.unit, IN_2026) == "SK-2026-000001"
    assert await submit(people.db, second, people.bob, people.unit, IN_2026) == "SK-2026-000002"


async def test_submission_codes_restart_each_year(people):
    ids = [await save(people.db, people.alice, FULL) for _ in range(3)]
    assert await submit(people.db, ids[0], people.alice, people.unit, IN_2026) == "SK-2026-000001"
    assert await submit(people.db, ids[1], people.alice, people.unit, IN_2027) == "SK-2027-000001"
    assert await submit(people.db, ids[2], people.alice, people.unit, IN_2026) == "SK-2026-000002"


async def test_submit_records_status_time_unit_and_history(people):
    draft_id = await save(people.db, people.alice, FULL)
    code = await submit(people.db, draft_id, people.alice, people.unit, IN_2026)
    async with people.db.transaction() as tx:
        initiative = await tx.initiatives.get(draft_id)
        history = await tx.initiatives.status_changes(draft_id)
    assert (initiative.code, initiative.status, initiative.unit_id) == (code, "submitted", people.unit)
    assert initiative.submitted_at == IN_2026
    assert [(c.from_status, c.to_status, c.actor_id) for c in history] == [("draft", "submitted", people.alice)]


async def test_withdraw_records_submitted_to_withdrawn(people):
    draft_id = await save(people.db, people.alice, FULL)
    await submit(people.db, draft_id, people.alice, people.unit, IN_2026)
    async with people.db.transaction() as tx:
        await tx.initiatives.withdraw(await tx.initiatives.get(draft_id), actor_id=people.alice)
    async with people.db.transaction() as tx:
        assert (await tx.initiatives.get(draft_id)).status == "withdrawn"
        history = await tx.initiatives.status_changes(draft_id)
    assert [(c.from_status, c.to_status, c.actor_id) for c in history] == [
        ("draft", "submitted", people.alice),
        ("submitted", "withdrawn", people.alice),
    ]


async def test_for_author_lists_drafts_before_submissions(people):
    older = await save(people.db, people.alice, {"title": "Nháp cũ"})
    newer = await save(people.db, people.alice, {"title": "Nháp mới"})
    submitted = await save(people.db, people.alice, FULL)
    await submit(people.db, submitted, people.alice, people.unit, IN_2026)  # touched last
    async with people.db.transaction() as tx:
        listed = await tx.initiatives.for_author(people.alice)
    assert [(i.id, i.status) for i in listed] == [(newer, "draft"), (older, "draft"), (submitted, "submitted")]


async def test_for_author_never_lists_another_members_initiatives(people):
    bobs = await save(people.db, people.bob, {"title": "Sáng kiến của Bình"})
    await submit(people.db, await save(people.db, people.bob, FULL), people.bob, people.unit, IN_2026)
    alices = await save(people.db, people.alice, {"title": "Sáng kiến của Lan"})
    async with people.db.transaction() as tx:
        assert [i.id for i in await tx.initiatives.for_author(people.alice)] == [alices]
        assert bobs in [i.id for i in await tx.initiatives.for_author(people.bob)]


async def test_delete_draft_removes_it_and_its_attachments(people):
    draft_id = await save(people.db, people.alice, FULL)
    async with people.db.transaction() as tx:
        await tx.initiatives.delete_draft(await tx.initiatives.owned(draft_id, people.alice))
    async with people.db.transaction() as tx:
        assert await tx.initiatives.get(draft_id) is None
        assert await tx.initiatives.for_author(people.alice) == []
    assert await attachment_count(people.db, draft_id) == 0


async def test_vietnamese_text_and_emoji_round_trip_unchanged(people):
    answers = {
        "title": "Sáng kiến “Tiết kiệm điện” 💡⚡",
        "problem": "Ủy ban xã Kim Nỗ: đèn hành lang bật suốt đêm – lãng phí! 😟",
        "solution": "Lắp cảm biến chuyển động; ữ ỹ ặ ổ ẫ Đ đ",
        "coauthors": ["Nguyễn Thị Ánh Tuyết", "Đặng Hữu Phước 👷"],
        "attachments": [{**PHOTO, "caption": "Ảnh chụp hành lang 📷"}],
    }
    draft_id = await save(people.db, people.alice, answers)
    stored = await stored_answers(people.db, draft_id)
    assert stored == answers
    assert all(unicodedata.is_normalized("NFC", stored[key]) for key in ("title", "problem", "solution"))


async def test_long_problem_text_is_stored_whole(people):
    problem = ("Dây chuyền đóng gói bị dừng do kẹt băng tải. " * 100)[:3000]
    draft_id = await save(people.db, people.alice, {"problem": problem})
    stored = (await stored_answers(people.db, draft_id))["problem"]
    assert len(stored) == 3000 and stored == problem


async def test_the_duplicate_pool_is_the_subtrees_sent_in_initiatives_newest_first_however_large(people, monkeypatch):
    sent = []
    async with people.db.transaction() as tx:
        songnhue, ngocha, kim_hy = [await tx.units.by_code(c) for c in ("CDCS-MAY-SONGNHUE", "CDCS-MAY-NGOCHA", "CDCS-MN-KIMHY")]
        textiles = await tx.units.get(songnhue.parent_id)
    for unit in (songnhue, ngocha, kim_hy, songnhue):
        draft = await save(people.db, people.alice, {"title": f"Ý tưởng ở {unit.code}"})
        await submit(people.db, draft, people.alice, unit.id, IN_2026)
        sent.append(draft)
    await save(people.db, people.alice, {"title": "Bản nháp"})  # a draft is never in the pool
    pools = []
    for small in (500, 0):  # unit by unit, and through the subquery a large subtree takes
        monkeypatch.setattr("storage.repositories.initiatives.SMALL_SUBTREE", small)
        async with people.db.transaction() as tx:
            pools.append([i.id for i in await tx.initiatives.neighbours(textiles.path, exclude_id=sent[0])])
    assert ngocha.parent_id == textiles.id != kim_hy.parent_id
    assert pools == [[sent[3], sent[1]]] * 2
