"""Issue 15: what a platform sends of any length is cut where an update becomes an Incoming, to the columns it goes
to; on PostgreSQL a display name, a group's name, a document's name or type over its column's size failed the
whole update (SQLite does not check lengths), and a Zalo photo link over 500 characters did too."""

import pytest
from sqlalchemy import select

from conversations.model import Media
from messaging.messages import MAX_FILENAME, MAX_NAME, MAX_TITLE, Incoming, clipped
from storage.models import HelpRequest, Member
from tests.handlers.office import person
from tests.handlers.talk import Person
from tests.handlers.test_dispatcher import only_initiative
from tests.handlers.test_group_chats import GROUP, bound_to

LONG_LINK = "https://photo-stal-1.zdn.vn/5b2c8e0f1a/" + "a1B2c3D4" * 150 + ".jpg"  # a Zalo CDN link, 1,243 characters


async def _on_the_problem_step(dispatcher) -> Person:
    hoa = Person(dispatcher)
    await hoa.register()
    for text in ("Sáng kiến mới", "Cải tiến giá kẹp phôi máy tiện", "1"):
        await hoa.say(text)
    return hoa


async def test_a_zalo_photo_with_a_long_link_is_kept(dispatcher, demo_db):
    """Issue 15: attachments.file_ref was VARCHAR(500): a longer Zalo CDN link failed the update on PostgreSQL."""
    hoa = await _on_the_problem_step(dispatcher)
    await hoa.say(media=Media("photo", LONG_LINK, "zalo", mime_type="image/jpeg"))
    await hoa.say("xong")
    assert [a.file_ref for a in (await only_initiative(demo_db)).attachments] == [LONG_LINK]


async def test_a_document_with_a_long_name_and_type_is_kept_with_both_cut(dispatcher, demo_db):
    """Issue 15: a document's own name (255) and its mime type (100) went to the database unchecked."""
    hoa = await _on_the_problem_step(dispatcher)
    name, mime = "Báo cáo " + "rất dài " * 60 + ".pdf", "application/" + "x" * 200
    await hoa.say(media=Media("document", "doc-1", "console", mime_type=mime, filename=name))
    await hoa.say("xong")
    [kept] = (await only_initiative(demo_db)).attachments
    assert len(kept.filename) == MAX_FILENAME and kept.filename.startswith("Báo cáo rất dài") and kept.filename.endswith(".pdf")
    assert kept.mime_type == mime[:100]


async def test_a_long_display_name_asking_for_help_before_registering_is_recorded_cut(dispatcher, demo_db):
    """Issue 15: an unregistered person's help request keeps the platform's display name (help_requests.name, 200)."""
    long_name = "Trần Thị Lan " * 40  # Zalo display names have no limit we know of
    lan = Person(dispatcher, user_id="61", name=long_name)
    for text in ("/start", "Trần Thị Lan", "mam non kim hy", "Cần hỗ trợ"):
        await lan.say(text)
    assert "Tổ hỗ trợ" in lan.text
    async with demo_db.session() as session:
        request = (await session.execute(select(HelpRequest))).scalars().one()
    assert request.name == long_name[:MAX_NAME]


async def test_a_group_with_a_long_name_is_bound(dispatcher, demo_db):
    """Issue 15: a group's name goes to bound_chats.title (200): cut by the repository already, now where it comes in."""
    actor = await person(demo_db, dispatcher, "actor", "Trần Văn Bình", "CDN-GD-HN", "officer")
    await actor.say_in_group(GROUP, "/ganketnhom CDCS-MN-KIMHY", chat_admin=True, chat_title="Nhóm " * 100)
    assert "Đã gắn nhóm" in actor.text and await bound_to(demo_db) == "CDCS-MN-KIMHY"


async def test_a_contact_with_a_number_no_phone_has_is_answered_and_not_stored(dispatcher, demo_db):
    """Issue 15: a shared contact's number went to members.phone (32) unchecked."""
    hoa = Person(dispatcher)
    await hoa.register()
    await hoa.say(phone="+84" + "9" * 100, phone_is_own=True)
    assert hoa.replies and hoa.text
    async with demo_db.session() as session:
        assert (await session.execute(select(Member.phone))).scalars().all() == [None]
    await hoa.say(phone="+84912345678", phone_is_own=True)
    async with demo_db.session() as session:
        assert (await session.execute(select(Member.phone))).scalars().all() == ["+84912345678"]


def test_values_are_cut_where_the_incoming_is_built():
    incoming = Incoming("zalo", "c", "u", display_name="x" * 1000, chat_title="y" * 1000,
                        media=Media("photo", "https://cdn/" + "z" * 5000, "zalo"))
    assert (len(incoming.display_name), len(incoming.chat_title)) == (MAX_NAME, MAX_TITLE)
    assert incoming.media is None and incoming.unsupported  # a link no index can take: answered, not stored cut
    assert clipped("a" * 300 + ".docx", 255, extension=True) == "a" * 250 + ".docx"
    assert clipped("short.pdf", 255, extension=True) == "short.pdf" and clipped(None, 5) is None


@pytest.mark.parametrize("field", ["from", "chat"])
def test_a_zalo_update_with_an_id_longer_than_any_account_is_ignored(field):
    """Issue 15: a Zalo id goes to 100-character columns; cutting it could make it another person's."""
    from bot.channels.zalo.updates import BotInfo, incoming

    message = {"from": {"id": "u1", "display_name": "Lan"}, "chat": {"id": "c1"}, "text": "xin chào", "message_id": "m1"}
    assert incoming({"event_name": "message.text.received", "message": message}, BotInfo("bot", "Sáng kiến"))
    message[field] = {**message[field], "id": "9" * 101}
    assert incoming({"event_name": "message.text.received", "message": message}, BotInfo("bot", "Sáng kiến")) is None
