"""A unit's group chat: who may bind it (/ganketnhom), unbind, pause, and what anyone in it may ask."""

import pytest

from storage.models import BoundChat
from tests.handlers.office import person, rows
from tests.handlers.talk import Person

GROUP = "-100777"


async def bound_to(db, group=GROUP) -> str | None:
    async with db.transaction() as tx:
        found = await tx.bound_chats.get("console", group)
    return found[1].code if found else None


@pytest.mark.parametrize(
    ("role", "role_unit", "unit", "allowed"),
    [
        ("officer", "CDCS-MN-KIMHY", "CDCS-MN-KIMHY", True),  # an officer of the unit itself
        ("officer", "CDN-GD-HN", "CDCS-MN-KIMHY", True),  # the sector union above it
        ("officer", "LDLD-HN", "CDCS-MN-KIMHY", True),  # the city federation at the top
        ("admin", None, "CDCS-MN-KIMHY", True),
        ("officer", "CDN-YT-HN", "CDCS-MN-KIMHY", False),  # another sector
        ("officer", "CDCS-MN-KIMHY", "CDN-GD-HN", False),  # a grassroots officer cannot bind its parent
        ("support", "CDN-GD-HN", "CDCS-MN-KIMHY", False),  # the support team reviews, it does not bind
        (None, None, "CDCS-MN-KIMHY", False),  # a plain member
    ],
    ids=["own-unit", "sector-above", "city-top", "admin", "other-sector", "parent", "support", "member"],
)
async def test_who_may_bind_a_group(dispatcher, demo_db, role, role_unit, unit, allowed):
    actor = await person(demo_db, dispatcher, "actor", "Trần Văn Bình", "CDN-GD-HN", role, role_unit)
    await actor.say_in_group(GROUP, f"/ganketnhom {unit}", chat_admin=True)
    if allowed:
        assert await bound_to(demo_db) == unit
        assert "Đã gắn nhóm" in actor.text and "08:00" in actor.text
    else:
        assert await bound_to(demo_db) is None
        assert "Chỉ cán bộ công đoàn phụ trách" in actor.text, actor.text


async def test_an_officer_who_is_not_a_group_admin_cannot_bind(dispatcher, demo_db):
    actor = await person(demo_db, dispatcher, "actor", "Trần Văn Bình", "CDN-GD-HN", "officer")
    await actor.say_in_group(GROUP, "/ganketnhom CDCS-MN-KIMHY", chat_admin=False)
    assert "quản trị viên của nhóm" in actor.text
    assert await rows(demo_db, BoundChat) == 0
    await actor.say_in_group(GROUP, "/bind CDCS-MN-KIMHY")  # where the platform cannot tell (Zalo), our roles decide
    assert await bound_to(demo_db) == "CDCS-MN-KIMHY"


async def test_a_group_bound_outside_ones_scope_stays_bound(dispatcher, demo_db):
    education = await person(demo_db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")
    health = await person(demo_db, dispatcher, "yt", "Lê Thị Cúc", "CDN-YT-HN", "officer")
    city = await person(demo_db, dispatcher, "hn", "Phạm Minh Hà", "LDLD-HN", "officer")
    await education.say_in_group(GROUP, "/ganketnhom CDCS-MN-KIMHY", chat_admin=True)
    await health.say_in_group(GROUP, "/ganketnhom CDN-YT-HN", chat_admin=True)
    assert "ngoài phạm vi phụ trách của bạn" in health.text
    await health.say_in_group(GROUP, "/huyganket", chat_admin=True)
    assert "Chỉ cán bộ phụ trách" in health.text
    assert await bound_to(demo_db) == "CDCS-MN-KIMHY"
    await city.say_in_group(GROUP, "/ganketnhom CDN-YT-HN", chat_admin=True)  # the city covers both
    assert "Đã chuyển nhóm" in city.text and await bound_to(demo_db) == "CDN-YT-HN"
    await city.say_in_group(GROUP, "/huyganket", chat_admin=True)
    assert "Đã huỷ gắn kết" in city.text and await bound_to(demo_db) is None


async def test_bad_binding_requests_get_a_clear_answer(dispatcher, demo_db):
    officer = await person(demo_db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")
    await officer.say_in_group(GROUP, "/ganketnhom")
    assert "kèm mã đơn vị" in officer.text
    await officer.say_in_group(GROUP, "/ganketnhom KHONG-CO")
    assert "KHONG-CO" in officer.text
    stranger = Person(dispatcher, user_id="stranger", name="Người lạ")
    await stranger.say_in_group(GROUP, "/ganketnhom CDCS-MN-KIMHY", chat_admin=True)
    assert "đăng ký với bot trước" in stranger.text
    assert await rows(demo_db, BoundChat) == 0


async def test_pausing_resuming_and_the_schedule(dispatcher, demo_db):
    officer = await person(demo_db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")
    worker = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await worker.say_in_group(GROUP, "/lichnhac")
    assert "chưa gắn với đơn vị nào" in worker.text
    await officer.say_in_group(GROUP, "/ganketnhom CDCS-MN-KIMHY", chat_admin=True)
    await worker.say_in_group(GROUP, "/tamdung", chat_admin=False)
    assert "Chỉ cán bộ phụ trách" in worker.text
    await worker.say_in_group(GROUP, "/tamdung", chat_admin=True)  # the group's own admin may pause its pushes
    assert "Đã tạm dừng" in worker.text
    async with demo_db.transaction() as tx:
        assert await tx.bound_chats.receiving() == []
    await worker.say_in_group(GROUP, "/lichnhac")
    assert "đang tạm dừng" in worker.text and "Hằng ngày 08:00" in worker.text and "21:00–07:00" in worker.text
    await officer.say_in_group(GROUP, "/tieptuc")
    assert "nhận lại tin tự động" in officer.text
    await officer.say_in_group(GROUP, "/tieptuc")
    assert "vẫn đang nhận" in officer.text
    async with demo_db.transaction() as tx:
        assert len(await tx.bound_chats.receiving()) == 1


async def test_anyone_in_a_bound_group_sees_its_figures_and_the_forms_stay_private(dispatcher, demo_db):
    officer = await person(demo_db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")
    worker = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await officer.say_in_group(GROUP, "/ganketnhom CDN-GD-HN", chat_admin=True)
    await worker.say_in_group(GROUP, "/baocao")
    assert "Báo cáo tiến độ: Công đoàn ngành Giáo dục Hà Nội" in worker.text
    await worker.say_in_group(GROUP, "/new")
    assert "Mời bạn nhắn riêng cho bot" in worker.text


async def test_an_officer_opts_in_to_the_daily_report_in_private(dispatcher, demo_db):
    officer = await person(demo_db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")
    worker = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await worker.say("/nhanbaocao")
    assert "dành cho cán bộ công đoàn" in worker.text
    await officer.say("/lichnhac")
    assert "chưa nhận báo cáo hằng ngày" in officer.text
    await officer.say("/nhanbaocao")
    assert "Công đoàn ngành Giáo dục Hà Nội" in officer.text and "08:00" in officer.text
    async with demo_db.transaction() as tx:
        chats = await tx.bound_chats.receiving(kind="private")
    assert [(c.chat_id, u.code) for c, u in chats] == [("gd", "CDN-GD-HN")]
    await officer.say("/lichnhac")
    assert "Lịch nhắc của bạn" in officer.text
    await officer.say("/nhanbaocao")
    assert "Đã thôi gửi" in officer.text
    assert await rows(demo_db, BoundChat) == 0
