"""One of several bots (BOTS) serves one unit's subtree: it offers only those units, and binds only their groups."""

from dataclasses import replace

import pytest

from handlers.dispatcher import Dispatcher
from tests.handlers.talk import Person

BOT = "telegram-gd"  # the education sector's own bot


@pytest.fixture
def sector_bot(demo_db, options, clock) -> Dispatcher:
    return Dispatcher(demo_db, replace(options, served=((BOT, "CDN-GD-HN"),)), clock=clock)


async def member_unit(db, channel: str, user_id: str) -> str | None:
    async with db.transaction() as tx:
        member = await tx.members.by_identity(channel, user_id)
        return (await tx.units.get(member.unit_id)).code if member else None


async def test_a_worker_finds_only_the_units_the_bot_serves(sector_bot, demo_db):
    teacher = Person(sector_bot, "501", channel=BOT)
    for text in ("/start", "Nguyễn Thị Hoa"):
        await teacher.say(text)
    await teacher.say("may song nhue")  # a garment company: the industry sector's, not this bot's
    assert "Sông Nhuệ" not in teacher.text
    await teacher.say("truong tieu hoc")
    assert "Nghĩa Tân" in teacher.text and "Dịch Vọng" in teacher.text
    await teacher.say("mam non kim hy")
    await teacher.say("Khác")
    assert await member_unit(demo_db, BOT, "501") == "CDCS-MN-KIMHY"


async def test_the_main_bot_still_offers_every_unit(sector_bot, demo_db):
    worker = Person(sector_bot, "502", channel="telegram")
    await worker.register("may song nhue")
    assert await member_unit(demo_db, "telegram", "502") == "CDCS-MAY-SONGNHUE"


async def test_a_qr_code_of_a_unit_outside_the_bot_does_not_register_there(sector_bot, demo_db):
    worker = Person(sector_bot, "503", channel=BOT)
    await worker.say("/start CDCS-MAY-SONGNHUE")
    assert "Sông Nhuệ" not in worker.text


async def test_a_group_is_bound_through_the_bot_only_to_a_unit_it_serves(sector_bot, demo_db):
    async with demo_db.transaction() as tx:
        admin = await tx.members.register(channel=BOT, external_user_id="504", name="Lê Thị Quản Trị",
                                          unit_id=(await tx.units.by_code("LDLD-HN")).id, target_group=None, locale="vi")
        await tx.roles.grant(admin.id, "admin", None)
    officer = Person(sector_bot, "504", channel=BOT)
    await officer.say_in_group("-100900", "/ganketnhom CDCS-MAY-SONGNHUE", chat_admin=True)
    assert "Bot này phục vụ Công đoàn ngành Giáo dục Hà Nội" in officer.text
    async with demo_db.transaction() as tx:
        assert await tx.bound_chats.get(BOT, "-100900") is None
    await officer.say_in_group("-100900", "/ganketnhom CDCS-MN-KIMHY", chat_admin=True)
    async with demo_db.transaction() as tx:
        chat, unit = await tx.bound_chats.get(BOT, "-100900")
    assert unit.code == "CDCS-MN-KIMHY"  # its daily figures will go out through this bot
