"""The help chat talks back: once a supporter takes a request, the worker and the supporter write to each other
through the bot, the worker's draft stays as it was, and the worker goes on at their question afterwards."""

from sqlalchemy import func, select

from conversations.model import Media
from storage.models import HelpRequest, Initiative
from tests.handlers.office import notices_to, person


async def _asked_and_taken(demo_db, dispatcher):
    hoa = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    for text in ("Sáng kiến mới", "Góc đọc sách cho bé", "Giáo dục - đào tạo", "giup voi", "3"):  # 3: Tổ hỗ trợ
        await hoa.say(text)
    assert "Đã gửi yêu cầu tới Tổ hỗ trợ" in hoa.text
    await an.say("/yeucau")
    await an.say("1")
    assert "Bạn đang hỗ trợ Nguyễn Thị Hoa" in an.text
    [taken] = [n for n in await notices_to(demo_db, "hoa") if "đã nhận yêu cầu" in n]
    assert "nhắn gì ở đây" in taken
    return hoa, an


async def _draft(demo_db) -> Initiative:
    async with demo_db.session() as session:
        return (await session.execute(select(Initiative))).scalars().one()


async def test_words_go_both_ways_and_never_into_the_draft(dispatcher, demo_db):
    hoa, an = await _asked_and_taken(demo_db, dispatcher)
    await hoa.say("cam on chi")
    assert "Đã chuyển cho Phạm Văn An" in hoa.text and "Kết thúc hỗ trợ" in hoa.text
    assert any("cam on chi" in n and "Nguyễn Thị Hoa" in n for n in await notices_to(demo_db, "an"))
    await an.say("ok")  # a word for the worker, not a button
    await an.say("Em cứ nói bằng ghi âm, chị nghe rồi ghi giúp")
    to_hoa = await notices_to(demo_db, "hoa")
    assert any(n.endswith(": ok") for n in to_hoa) and any("chị nghe rồi ghi giúp" in n for n in to_hoa)
    await hoa.say(media=Media("voice", "voice-hoa-1", "console"))
    assert "Đã chuyển" in hoa.text
    [voice_note] = [n for n in await notices_to(demo_db, "an") if "[ghi âm]" in n]
    assert "Nguyễn Thị Hoa" in voice_note
    draft = await _draft(demo_db)
    assert draft.problem is None and draft.current_step == "problem" and draft.attachments == []


async def test_the_worker_ends_it_and_goes_on_at_the_same_question(dispatcher, demo_db):
    hoa, an = await _asked_and_taken(demo_db, dispatcher)
    await hoa.say("cam on chi")
    await hoa.say("1")  # Kết thúc hỗ trợ
    assert "Đã kết thúc hỗ trợ" in hoa.text and "Bước 3/9" in hoa.text
    assert any("đã kết thúc cuộc trò chuyện hỗ trợ" in n for n in await notices_to(demo_db, "an"))
    await hoa.say("Trẻ ít đọc sách vì không có góc sách")  # an answer again, into the draft
    assert (await _draft(demo_db)).problem == "Trẻ ít đọc sách vì không có góc sách"
    await an.say("Chị nhắn thêm")
    assert "không còn do bạn hỗ trợ" in an.text


async def test_the_supporter_ends_it_and_the_worker_gets_the_question_again(dispatcher, demo_db):
    hoa, an = await _asked_and_taken(demo_db, dispatcher)
    await an.say("Đã hỗ trợ xong")
    [closed] = [n for n in await notices_to(demo_db, "hoa") if "đã hỗ trợ xong" in n]
    assert "Mình làm tiếp" in closed
    assert "Bước 3/9" in "\n".join(await notices_to(demo_db, "hoa"))
    await hoa.say("Trẻ ít đọc sách")
    assert (await _draft(demo_db)).problem == "Trẻ ít đọc sách"


async def test_the_supporter_fills_the_draft_and_the_worker_resumes_after_it(dispatcher, demo_db):
    hoa, an = await _asked_and_taken(demo_db, dispatcher)
    await an.say("Điền tiếp bản nháp giúp họ")
    await an.say("Trẻ ít đọc sách vì thiếu góc sách")  # the problem, for Hoa
    await hoa.say("ok chi")  # still a relay: not an answer
    assert (await _draft(demo_db)).problem == "Trẻ ít đọc sách vì thiếu góc sách"
    await hoa.say("Kết thúc hỗ trợ")
    assert "Bước 4/9" in hoa.text  # the solution: where the supporter stopped
    await hoa.say("Làm kệ sách nhỏ ở mỗi lớp")
    draft = await _draft(demo_db)
    assert (draft.problem, draft.solution) == ("Trẻ ít đọc sách vì thiếu góc sách", "Làm kệ sách nhỏ ở mỗi lớp")


async def test_a_command_ends_the_chat_and_is_carried_out(dispatcher, demo_db):
    hoa, an = await _asked_and_taken(demo_db, dispatcher)
    await hoa.say("/start")
    assert "Đã kết thúc hỗ trợ" in hoa.text and "Bước 3/9" in hoa.text
    async with demo_db.session() as session:
        assert (await session.execute(select(HelpRequest.status))).scalar_one() == "closed"


async def test_asking_twice_opens_one_request(dispatcher, demo_db):
    hoa = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    await hoa.say("Cần hỗ trợ")
    await hoa.say("Cần hỗ trợ")
    assert "đang chờ người nhận" in hoa.text
    async with demo_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(HelpRequest)) == 1
    assert len(await notices_to(demo_db, "an")) == 1


async def test_a_request_made_before_the_first_answer_gets_the_draft_once_there_is_one(dispatcher, demo_db):
    hoa = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    for text in ("Sáng kiến mới", "Cần hỗ trợ", "Góc đọc sách cho bé"):  # asked at the title, then went on
        await hoa.say(text)
    async with demo_db.session() as session:
        request = (await session.execute(select(HelpRequest))).scalars().one()
    assert request.initiative_id == (await _draft(demo_db)).id
    await an.say("/yeucau")
    await an.say("1")
    assert "Điền tiếp bản nháp giúp họ" in an.text


async def test_the_supporter_entering_the_draft_is_not_offered_help_from_himself(dispatcher, demo_db):
    hoa, an = await _asked_and_taken(demo_db, dispatcher)
    await an.say("Điền tiếp bản nháp giúp họ")
    assert "Cần hỗ trợ" not in an.text
    await an.say("cần hỗ trợ")
    async with demo_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(HelpRequest)) == 1


async def test_words_heard_while_the_two_talk_go_beside_the_note_not_between_them(dispatcher, demo_db):
    from dataclasses import replace

    from messaging.messages import Incoming

    dispatcher.options = replace(dispatcher.options, hears=True)
    hoa = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    for text in ("Sáng kiến mới", "Góc đọc sách cho bé", "Giáo dục - đào tạo"):
        await hoa.say(text)
    await hoa.say(media=Media("voice", "voice-hoa-1", "console", stored="k1.ogg"))
    assert "Mình đang nghe" in hoa.text
    await hoa.say("giup voi")
    await hoa.say("3")  # Tổ hỗ trợ, while the note is being heard
    await an.say("/yeucau")
    await an.say("1")
    to_an, to_hoa = len(await notices_to(demo_db, "an")), len(await notices_to(demo_db, "hoa"))
    heard = Incoming(channel="console", chat_id="hoa", user_id="hoa", text="Trẻ ít đọc sách", heard="voice-hoa-1",
                     update_id="heard:1")
    assert await dispatcher.handle(heard) == []
    assert len(await notices_to(demo_db, "an")) == to_an and len(await notices_to(demo_db, "hoa")) == to_hoa
    [note] = (await _draft(demo_db)).attachments
    assert note.transcript == "Trẻ ít đọc sách"
    await hoa.say("cam on chi")  # the help chat goes on as it was
    assert "Đã chuyển cho Phạm Văn An" in hoa.text
