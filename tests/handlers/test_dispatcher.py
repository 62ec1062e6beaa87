"""One Incoming in, Outgoing out, on SQLite and PostgreSQL: storage, idempotency, resume, scope."""

import unicodedata

from sqlalchemy import func, select

from conversations.model import Media
from handlers.dispatcher import Dispatcher
from storage.db import Conflict
from storage.models import HelpRequest, Initiative, Outbox, StatusChange
from tests.handlers.talk import Person


async def count(db, model) -> int:
    async with db.session() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def only_initiative(db) -> Initiative:
    async with db.session() as session:
        return (await session.execute(select(Initiative))).scalars().one()


async def test_a_full_submission_stores_every_answer(dispatcher, demo_db):
    hoa = Person(dispatcher)
    await hoa.register()
    await hoa.submit_full()
    assert "SK-2026-000001" in hoa.text
    initiative = await only_initiative(demo_db)
    assert initiative.status == "submitted" and initiative.code == "SK-2026-000001"
    assert initiative.title == "Cải tiến giá kẹp phôi máy tiện"
    assert initiative.field == "Sản xuất kinh doanh"
    assert initiative.estimated_value == 20_000_000
    assert initiative.first_applied_on is None  # skipped
    assert initiative.coauthors == ["Lê Văn Nam", "Phạm Thị Thu"]
    assert [a.file_ref for a in initiative.attachments] == ["photo-file-1"]
    async with demo_db.session() as session:
        changes = (await session.execute(select(StatusChange))).scalars().all()
    assert [(c.from_status, c.to_status) for c in changes] == [("draft", "submitted")]


async def test_the_same_update_twice_changes_and_sends_nothing(dispatcher, demo_db):
    hoa = Person(dispatcher)
    await hoa.register()
    first = await hoa.say("Sáng kiến mới", update_id="same-1")
    second = await hoa.say("Sáng kiến mới", update_id="same-1")
    assert first and second == []
    outbox = await count(demo_db, Outbox)
    await hoa.say("Cải tiến giá kẹp phôi máy tiện", update_id="same-2")
    await hoa.say("Cải tiến giá kẹp phôi máy tiện", update_id="same-2")
    assert await count(demo_db, Initiative) == 1
    assert await count(demo_db, Outbox) == outbox + 1


async def test_replies_go_through_the_outbox_and_are_marked_sent(dispatcher, demo_db):
    hoa = Person(dispatcher)
    await hoa.say("/start")
    assert all(r.outbox_id for r in hoa.replies)
    async with demo_db.transaction() as tx:
        assert await tx.outbox.pending("console") == []


async def test_a_restart_resumes_the_draft_at_the_same_step(demo_db, options, clock):
    hoa = Person(Dispatcher(demo_db, options, clock=clock))
    await hoa.register()
    for text in ("Sáng kiến mới", "Cải tiến giá kẹp phôi máy tiện", "Y tế"):
        await hoa.say(text)
    hoa.dispatcher = Dispatcher(demo_db, options, clock=clock)  # a new process on the same database
    await hoa.say("Phôi hay bị lệch khi kẹp")
    assert "Bước 4/9" in hoa.text
    initiative = await only_initiative(demo_db)
    assert (initiative.title, initiative.field, initiative.problem) == (
        "Cải tiến giá kẹp phôi máy tiện",
        "Y tế",
        "Phôi hay bị lệch khi kẹp",
    )
    assert initiative.current_step == "solution"


async def test_coming_back_hours_later_is_offered_the_draft(dispatcher, clock):
    hoa = Person(dispatcher)
    await hoa.register()
    await hoa.say("Sáng kiến mới")
    await hoa.say("Cải tiến giá kẹp phôi máy tiện")
    clock.advance(hours=6)
    await hoa.say("chào bạn")
    assert "quay lại" in hoa.replies[0].text and "Cải tiến giá kẹp phôi máy tiện" in hoa.replies[0].text
    assert "Bước 2/9" in hoa.last.text


async def test_decomposed_vietnamese_is_stored_composed(dispatcher, demo_db):
    hoa = Person(dispatcher)
    await hoa.register()
    await hoa.say("Sáng kiến mới")
    await hoa.say(unicodedata.normalize("NFD", "Cải tiến giá kẹp phôi"))
    initiative = await only_initiative(demo_db)
    assert initiative.title == unicodedata.normalize("NFC", "Cải tiến giá kẹp phôi")


async def test_button_labels_and_accent_free_words_both_work(dispatcher):
    hoa = Person(dispatcher)
    await hoa.register()
    for text in ("sang kien moi", "Cải tiến giá kẹp phôi máy tiện", "y te", "Phôi hay bị lệch", "QUAY LAI"):
        await hoa.say(text)
    assert "Bước 3/9" in hoa.last.text
    assert [c.label for c in hoa.last.choices] == ["Giữ nguyên", "Cần hỗ trợ", "Quay lại"]  # answered already


async def test_english_speakers_get_english(dispatcher):
    tom = Person(dispatcher, user_id="77", name="Tom Tran")
    for text in ("/start", "English", "Yes, I am Tom Tran", "kim hy", "Other"):
        await tom.say(text)
    assert "You are now signed up" in tom.text and "What is the name of your initiative?" in tom.text, tom.text


async def test_need_support_is_recorded_for_the_unit(dispatcher, demo_db):
    hoa = Person(dispatcher)
    await hoa.register()
    await hoa.say("Sáng kiến mới")
    await hoa.say("Cải tiến giá kẹp phôi máy tiện")
    await hoa.say("Cần hỗ trợ")
    async with demo_db.session() as session:
        request = (await session.execute(select(HelpRequest))).scalars().one()
        unit = await session.get(__import__("storage.models", fromlist=["Unit"]).Unit, request.unit_id)
    assert request.step == "field" and unit.code == "CDCS-MN-KIMHY" and request.initiative_id is not None


async def test_my_initiatives_shows_only_my_own(dispatcher, demo_db):
    hoa, lan = Person(dispatcher), Person(dispatcher, user_id="43", name="Trần Thị Lan")
    await hoa.register()
    await hoa.submit_full()
    await lan.register()
    await lan.say("Sáng kiến của tôi")
    assert "chưa có sáng kiến" in lan.text
    await hoa.say("Sáng kiến của tôi")
    assert "SK-2026-000001" in hoa.text


async def test_withdraw_from_my_initiatives_is_a_status_change(dispatcher, demo_db):
    hoa = Person(dispatcher)
    await hoa.register()
    await hoa.submit_full()
    for text in ("Sáng kiến của tôi", "1", "Rút sáng kiến", "Rút"):
        await hoa.say(text)
    initiative = await only_initiative(demo_db)
    assert initiative.status == "withdrawn"
    async with demo_db.session() as session:
        changes = (await session.execute(select(StatusChange.to_status).order_by(StatusChange.id))).scalars().all()
    assert changes == ["submitted", "withdrawn"]


async def test_photo_on_the_problem_step_is_an_attachment(dispatcher, demo_db):
    hoa = Person(dispatcher)
    await hoa.register()
    for text in ("Sáng kiến mới", "Cải tiến giá kẹp phôi máy tiện", "1"):
        await hoa.say(text)
    await hoa.say(media=Media("photo", "ph-1", "console", caption=None))
    await hoa.say("xong")
    initiative = await only_initiative(demo_db)
    assert [(a.field, a.kind, a.file_ref) for a in initiative.attachments] == [("problem", "photo", "ph-1")]
    assert "Bước 4/9" in hoa.last.text


async def test_a_sticker_gets_a_friendly_answer(dispatcher):
    hoa = Person(dispatcher)
    await hoa.register()
    await hoa.say("Sáng kiến mới")
    await hoa.say(unsupported=True)
    assert "chưa đọc được" in hoa.replies[0].text and "Bước 1/9" in hoa.last.text


async def test_deep_link_registers_into_the_unit(dispatcher, demo_db):
    nam = Person(dispatcher, user_id="55", name="Lê Văn Nam")
    await nam.say("/start CDCS-MAY-SONGNHUE")
    for text in ("1", "Đúng", "Khác"):
        await nam.say(text)
    async with demo_db.transaction() as tx:
        member = await tx.members.by_identity("console", "55")
        unit = await tx.units.get(member.unit_id)
    assert unit.code == "CDCS-MAY-SONGNHUE"


async def test_need_support_while_registering_is_recorded_without_a_member(dispatcher, demo_db):
    lan = Person(dispatcher, user_id="61", name="Trần Thị Lan")
    for text in ("/start", "1", "Cần hỗ trợ"):  # before her unit is known: told how to get there
        await lan.say(text)
    assert "chọn đơn vị của mình trước" in lan.text
    for text in ("mam non kim hy", "Cần hỗ trợ"):
        await lan.say(text)
    async with demo_db.session() as session:
        request = (await session.execute(select(HelpRequest))).scalars().one()
    assert (request.member_id, request.name, request.step) == (None, "Trần Thị Lan", "target_group")
    assert "Tổ hỗ trợ" in lan.text


async def test_long_platform_ids_fit_the_outbox_key(dispatcher, demo_db):
    long_id = "9" * 100
    person = Person(dispatcher, user_id=long_id)
    await person.say("/start", update_id="u" * 100)
    assert person.replies and all(r.outbox_id for r in person.replies)


async def test_an_officer_gets_the_progress_report_with_a_chart(dispatcher, demo_db):
    hoa = Person(dispatcher)
    await hoa.register()
    await hoa.submit_full()
    await hoa.say("/baocao")
    assert "chỉ dành" not in hoa.text and "cán bộ công đoàn" in hoa.text  # a member is told whom it is for
    async with demo_db.transaction() as tx:
        member = await tx.members.by_identity("console", hoa.user_id)
        sector = await tx.units.by_code("CDN-GD-HN")
        await tx.roles.grant(member.id, "officer", sector.id)
    await hoa.say("/baocao")
    [report] = hoa.replies
    assert "Công đoàn ngành Giáo dục Hà Nội" in report.text and "Đã gửi 1/" in report.text
    assert "#1 Công đoàn cơ sở Trường Mầm non Kim Hỷ: 1/4 (25%)" in report.text
    async with demo_db.transaction() as tx:
        image = await tx.images.get(report.image)
    assert image is not None and image.data.startswith(b"\x89PNG")


async def test_a_chat_busy_in_another_process_is_retried_with_pauses_until_it_goes_through(dispatcher, demo_db,
                                                                                            monkeypatch):
    """Issue 15, defect 7: a burst of updates from one chat on two workers ended in 500s after three conflict
    retries; now the dispatcher tries more times, with random pauses, before it gives up."""
    real, conflicts = dispatcher._handle, []

    async def busy_five_times(tx, incoming, charts):
        if len(conflicts) < 5:
            conflicts.append(incoming.update_id)
            raise Conflict("another worker wrote to this chat first")
        return await real(tx, incoming, charts)

    monkeypatch.setattr(dispatcher, "_handle", busy_five_times)
    hoa = Person(dispatcher)
    assert await hoa.say("/start") and len(conflicts) == 5
    assert await count(demo_db, Outbox) == len(hoa.replies)


async def test_a_bare_number_at_the_unit_question_is_no_unit_and_an_exact_code_is_its_unit(dispatcher, demo_db):
    """Issue 15 (found in a tryout): "2" typed at the unit question put the worker into the unit whose code holds
    a 2 (79002), and the exact code "7900" listed three units instead of choosing it."""
    async with demo_db.transaction() as tx:
        parent = await tx.units.by_code("CDN-GD-HN")
        for code, name in (("79001", "Công đoàn cơ sở Công ty A"), ("79002", "Công đoàn cơ sở Công ty B"),
                           ("7900", "Công đoàn cơ sở Công ty C")):
            await tx.units.add(code=code, name=name, kind="grassroots", parent=parent, member_count=50)
    em = Person(dispatcher, user_id="77", name="Lê Thị Em")
    for text in ("/start", em.name):
        await em.say(text)
    await em.say("2")
    assert "Không tìm thấy đơn vị" in em.text and "Công ty B" not in em.text
    await em.say("7900")
    assert "Công ty C" in em.text and "Công ty A" not in em.text
