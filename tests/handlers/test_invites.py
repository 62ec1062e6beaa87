"""One-time invites: made by an officer for their subtree, used once, before they expire."""

from datetime import timedelta

from handlers.scope import Scope
from tests.handlers.office import member_id, notices_to, person
from tests.handlers.talk import Person


async def invite_command(officer, role_label: str = "2") -> str:
    for text in ("/moi", role_label, "1"):
        await officer.say(text)
    return "/start " + officer.text.split("/start ")[1].split()[0]


async def scopes(db, user_id):
    async with db.transaction() as tx:
        return Scope(tuple(await tx.roles.scopes(await member_id(db, user_id))))


async def test_a_registered_member_becomes_support_team_once(dispatcher, demo_db):
    binh = await person(demo_db, dispatcher, "binh", "Trần Văn Bình", "CDN-GD-HN", "officer")
    thu = await person(demo_db, dispatcher, "thu", "Phạm Thị Thu", "CDCS-MN-KIMHY")
    command = await invite_command(binh)
    await thu.say(command)
    assert "thành viên Tổ hỗ trợ sáng kiến của Công đoàn ngành Giáo dục Hà Nội" in thu.text
    assert (await scopes(demo_db, "thu")).units("review") != []
    assert any("Phạm Thị Thu đã nhận lời mời" in n for n in await notices_to(demo_db, "binh"))
    lan = await person(demo_db, dispatcher, "lan", "Đỗ Thị Lan", "CDCS-MAY-SONGNHUE")
    await lan.say(command)  # the same link a second time
    assert "không dùng được nữa" in lan.text
    assert (await scopes(demo_db, "lan")).units("review") == []


async def test_an_expired_invite_grants_nothing(dispatcher, demo_db, clock):
    binh = await person(demo_db, dispatcher, "binh", "Trần Văn Bình", "CDN-GD-HN", "officer")
    thu = await person(demo_db, dispatcher, "thu", "Phạm Thị Thu", "CDCS-MN-KIMHY")
    command = await invite_command(binh, "1")
    clock.advance(days=8)
    await thu.say(command)
    assert "không dùng được nữa" in thu.text and (await scopes(demo_db, "thu")).units("view") == []


async def test_someone_new_registers_first_and_the_invite_is_used_then(dispatcher, demo_db):
    binh = await person(demo_db, dispatcher, "binh", "Trần Văn Bình", "CDN-GD-HN", "officer")
    command = await invite_command(binh, "1")
    newcomer = Person(dispatcher, user_id="new", name="Đặng Văn Mới")
    await newcomer.say(command)
    assert "Họ và tên" in newcomer.text  # registration begins
    for text in ("Đặng Văn Mới", "nganh giao duc ha noi", "1", "Khác"):
        await newcomer.say(text)
        if "đã đăng ký" in newcomer.text:
            break
    assert "cán bộ phụ trách của Công đoàn ngành Giáo dục Hà Nội" in newcomer.text
    assert (await scopes(demo_db, "new")).units("invite") != []
    await opens_the_officers_work(newcomer)  # an invited officer goes to the menu, not into a form


async def opens_the_officers_work(person) -> None:
    """The menu shown with the acceptance offers "Công việc cán bộ" as an option, and its number opens it."""
    [offered] = [line for line in person.text.splitlines() if line.endswith(". Công việc cán bộ")]
    await person.say(offered.split(".")[0])
    assert f"Công việc cán bộ của {person.name}: bạn muốn làm gì?" in person.text, person.text


async def test_a_registered_member_finds_the_officers_work_in_the_menu_at_once(dispatcher, demo_db):
    binh = await person(demo_db, dispatcher, "binh", "Trần Văn Bình", "CDN-GD-HN", "officer")
    thu = await person(demo_db, dispatcher, "thu", "Phạm Thị Thu", "CDCS-MN-KIMHY")
    await thu.say("Sáng kiến mới")  # in the middle of something else when the link is opened
    await thu.say(await invite_command(binh))
    assert "Bạn đã là thành viên Tổ hỗ trợ sáng kiến" in thu.text
    await opens_the_officers_work(thu)


async def test_a_made_up_link_is_refused_kindly(dispatcher, demo_db):
    thu = await person(demo_db, dispatcher, "thu", "Phạm Thị Thu", "CDCS-MN-KIMHY")
    await thu.say("/start inv_notarealtoken")
    assert "không dùng được nữa" in thu.text


async def test_lifetime_is_seven_days_by_default(dispatcher, demo_db):
    binh = await person(demo_db, dispatcher, "binh", "Trần Văn Bình", "CDN-GD-HN", "officer")
    await invite_command(binh)
    assert "trong 7 ngày" in binh.text
    assert timedelta(days=7) == dispatcher.options.staff.invite_lifetime
