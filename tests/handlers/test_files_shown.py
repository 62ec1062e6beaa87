"""The files of an initiative come along where it is opened: "Sáng kiến của tôi", the review screen, and a
help request taken with a draft; each says which answer it belongs to, and a redraw does not send them again."""

from conversations.model import Media
from tests.handlers.office import notices_to, person

VOICE = Media("voice", "voice-1", "console", mime_type="audio/ogg", stored="e" * 64 + ".ogg")
PHOTO = Media("photo", "photo-1", "console", mime_type="image/jpeg", stored="f" * 64 + ".jpg")


def files_in(replies) -> list[tuple[str, str]]:
    return [(r.media["kind"], r.media["field"]) for r in replies if r.media]


async def test_my_initiative_and_the_review_screen_carry_the_voice_note_and_the_photo(dispatcher, demo_db):
    hoa = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "officer")
    for text in ("Sáng kiến mới", "Góc đọc sách cho bé", "Giáo dục - đào tạo"):
        await hoa.say(text)
    await hoa.say(media=PHOTO)
    await hoa.say(media=VOICE)  # a voice note answers the problem, the photo stays with it
    for text in ("Làm kệ sách nhỏ ở mỗi lớp", "Trẻ đọc sách mỗi ngày", "Xem lại và gửi", "Gửi sáng kiến"):
        await hoa.say(text)
    assert "Mã sáng kiến của bạn" in hoa.text

    await hoa.say("Sáng kiến của tôi")
    await hoa.say("1")
    assert files_in(hoa.replies) == [("photo", "problem"), ("voice", "problem")]
    assert "Tệp 2/2: ghi âm cho mục \"Thực trạng, vấn đề cần giải quyết\"" in hoa.text
    assert hoa.last.choices  # the screen's own message, with its actions, comes last

    await an.say("/duyet")
    await an.say("1")
    assert files_in(an.replies) == [("photo", "problem"), ("voice", "problem")]
    assert all(r.media["stored"] for r in an.replies if r.media)  # the bot's copy goes along, to be sent
    await an.say("chữ gì đó")  # not an option: the screen again, without the files
    assert files_in(an.replies) == []


async def test_a_supporter_taking_a_request_gets_the_drafts_files(dispatcher, demo_db):
    hoa = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    for text in ("Sáng kiến mới", "Góc đọc sách cho bé", "Giáo dục - đào tạo"):
        await hoa.say(text)
    await hoa.say(media=PHOTO)
    await hoa.say("Cần hỗ trợ")
    [to_an] = await notices_to(demo_db, "an")
    await an.say(f"/nhan {int(to_an.split('/nhan ')[1].split()[0])}")
    assert files_in(an.replies) == [("photo", "problem")]
    assert "Bạn đang hỗ trợ Nguyễn Thị Hoa" in an.last.text


def test_a_title_given_by_voice_is_named_so_in_the_decision_and_its_confirmation():
    import locales

    told = locales.render("decision.valid", {"code": "SK-2026-000002", "title": None}, "vi")
    asked = locales.render("assess.confirm_valid", {"code": "SK-2026-000002", "title": None}, "en")
    assert "None" not in told + asked
    assert "(tên bằng ghi âm)" in told and "SK-2026-000002" in asked
