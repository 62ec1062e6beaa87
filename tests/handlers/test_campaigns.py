"""Chiến dịch cao điểm in the chat: created through the wizard, listed, edited before they start, cancelled once.

The clock stands on Saturday 21/11/2026; "thứ hai tới" is Monday 23/11. The education sector union
(CDN-GD-HN, 173 members) has three schools: Kim Hỷ 38, Nghĩa Tân 64, Dịch Vọng 71 members.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from storage.models import Campaign, Outbox
from tests.handlers.office import person

SCHOOLS = {"CDCS-MN-KIMHY": 38, "CDCS-TH-NGHIATAN": 64, "CDCS-TH-DICHVONG": 71}
REFUSED = "dành cho cán bộ công đoàn"


async def officer(dispatcher, db, unit="CDN-GD-HN", user_id="binh", role="officer"):
    return await person(db, dispatcher, user_id, "Trần Văn Bình", unit, role)


async def stored(db) -> list[Campaign]:
    async with db.session() as session:
        return list((await session.execute(select(Campaign).order_by(Campaign.id))).scalars())


async def shares(db, campaign_id) -> dict[str, int]:
    async with db.transaction() as tx:
        return {(await tx.units.get(u)).code: n for u, n in (await tx.campaigns.targets(campaign_id)).items()}


async def planned(db, unit="CDN-GD-HN", starts=date(2026, 11, 23), ends=date(2026, 11, 29), name="Tuần cao điểm tháng 11") -> int:
    async with db.transaction() as tx:
        campaign = await tx.campaigns.create(name=name, kind="peak_week", unit=await tx.units.by_code(unit),
                                             starts_on=starts, ends_on=ends, target=20)
        return campaign.id


async def notices_in(db, chat_id) -> int:
    async with db.session() as session:
        return (await session.execute(select(func.count()).select_from(Outbox).where(Outbox.chat_id == chat_id))).scalar_one()


async def bind_group(db, chat_id="nhom-gd", unit="CDCS-MN-KIMHY"):
    async with db.transaction() as tx:
        await tx.bound_chats.bind("console", chat_id, kind="group", unit_id=(await tx.units.by_code(unit)).id, member_id=None)


async def test_a_peak_week_from_next_monday_split_by_member_share(dispatcher, demo_db):
    binh = await officer(dispatcher, demo_db)
    await binh.say("/canbo")
    assert "Chiến dịch cao điểm" in binh.text
    for text in ("Chiến dịch cao điểm", "Tạo chiến dịch mới", "1", "Tuần cao điểm sáng kiến tháng 11", "Tuần cao điểm (7 ngày)"):
        await binh.say(text)
    assert "Thứ Hai tới, 23/11/2026" in binh.text
    await binh.say("thứ hai tới")
    assert "từ 23/11/2026 đến hết 29/11/2026 (7 ngày)" in binh.text and "10% số đoàn viên: 18" in binh.text
    for text in ("10% số đoàn viên: 18", "Tự hào trí tuệ lao động Việt Nam"):
        await binh.say(text)
    assert "Mời bạn kiểm tra lại" in binh.text and "Công đoàn cơ sở Trường Mầm non Kim Hỷ: 4" in binh.text
    assert await stored(demo_db) == []  # nothing before the summary is confirmed
    await binh.say("Tạo chiến dịch")
    assert "Đã tạo chiến dịch" in binh.text and "sắp diễn ra" in binh.text
    [campaign] = await stored(demo_db)
    assert (campaign.kind, campaign.starts_on, campaign.ends_on) == ("peak_week", date(2026, 11, 23), date(2026, 11, 29))
    assert (campaign.target, campaign.slogan, campaign.name) == (18, "Tự hào trí tuệ lao động Việt Nam", "Tuần cao điểm sáng kiến tháng 11")
    split = await shares(demo_db, campaign.id)
    assert split == {"CDCS-MN-KIMHY": 4, "CDCS-TH-NGHIATAN": 7, "CDCS-TH-DICHVONG": 7} and sum(split.values()) == 18


async def test_a_custom_campaign_of_a_typed_unit_without_a_slogan(dispatcher, demo_db):
    binh = await officer(dispatcher, demo_db)
    for text in ("/chiendich", "Tạo chiến dịch mới", "kim hy", "1", "Ngày hội sáng kiến", "Tự chọn ngày bắt đầu, kết thúc",
                 "1/12", "15/12/2026", "25", "Không cần khẩu hiệu", "Tạo chiến dịch"):  # fmt: skip
        await binh.say(text)
    [campaign] = await stored(demo_db)
    assert (campaign.kind, campaign.starts_on, campaign.ends_on, campaign.target) == ("custom", date(2026, 12, 1), date(2026, 12, 15), 25)
    assert campaign.slogan is None and await shares(demo_db, campaign.id) == {}  # a grassroots unit: nothing to split
    async with demo_db.transaction() as tx:
        assert (await tx.units.get(campaign.unit_id)).code == "CDCS-MN-KIMHY"


async def test_a_grassroots_officer_is_not_asked_for_the_unit(dispatcher, demo_db):
    hoa = await officer(dispatcher, demo_db, unit="CDCS-MN-KIMHY", user_id="hoa")
    for text in ("/chiendich", "Tạo chiến dịch mới"):
        await hoa.say(text)
    assert "Chiến dịch của Công đoàn cơ sở Trường Mầm non Kim Hỷ" in hoa.text
    for text in ("Tuần cao điểm", "Tuần cao điểm (7 ngày)", "thứ hai tới"):
        await hoa.say(text)
    assert "10% số đoàn viên: 4" in hoa.text


async def test_bad_answers_are_asked_again_and_nothing_is_stored(dispatcher, demo_db):
    binh = await officer(dispatcher, demo_db)
    for text in ("/chiendich", "Tạo chiến dịch mới", "1"):
        await binh.say(text)
    for bad in ("x", "a" * 201):
        await binh.say(bad)
        assert "từ 2 đến 200 ký tự" in binh.text
    for text in ("Ngày hội sáng kiến", "Tự chọn ngày bắt đầu, kết thúc"):
        await binh.say(text)
    for bad, told in (("ba mươi hai", "Chưa hiểu ngày"), ("32/13/2026", "Chưa hiểu ngày"), ("20/11/2026", "phải từ hôm nay (21/11/2026)")):
        await binh.say(bad)
        assert told in binh.text and "bắt đầu ngày nào" in binh.text
    await binh.say("30/11/2026")
    await binh.say("29/11/2026")
    assert "từ ngày bắt đầu (30/11/2026)" in binh.text
    await binh.say("6/12/2026")
    for bad in ("0", "-5", "mười", "99999999999"):
        await binh.say(bad)
        assert "số nguyên dương" in binh.text
    await binh.say("1.200")
    await binh.say("b" * 301)
    assert "tối đa 300 ký tự" in binh.text
    assert await stored(demo_db) == []
    await binh.say("Sáng tạo mỗi ngày")
    await binh.say("Tạo chiến dịch")
    [campaign] = await stored(demo_db)
    assert (campaign.target, campaign.slogan, campaign.ends_on) == (1200, "Sáng tạo mỗi ngày", date(2026, 12, 6))


async def test_back_goes_to_the_previous_question(dispatcher, demo_db):
    binh = await officer(dispatcher, demo_db)
    for text in ("/chiendich", "Tạo chiến dịch mới", "1", "Tuần cao điểm", "1", "Quay lại"):
        await binh.say(text)
    assert "Loại chiến dịch nào?" in binh.text
    for text in ("2", "1/12/2026"):  # a number picks among the kinds
        await binh.say(text)
    assert "đến hết 30/12/2026 (30 ngày)" in binh.text
    for text in ("1", *["Quay lại"] * 5):  # a number is the target here
        await binh.say(text)
    assert "đơn vị nào" in binh.text
    for text in ("1", "Tuần cao điểm", "1", "thứ hai tới", "15", "Không cần khẩu hiệu", "1"):
        await binh.say(text)
    [campaign] = await stored(demo_db)
    assert (campaign.kind, campaign.target, campaign.ends_on) == ("peak_week", 15, date(2026, 11, 29))


async def test_editing_before_the_start_and_not_after(dispatcher, demo_db, clock):
    campaign_id = await planned(demo_db)
    binh = await officer(dispatcher, demo_db)
    for text in ("/chiendich", "1", "Sửa chiến dịch", "Chỉ tiêu", "30"):
        await binh.say(text)
    assert "Đã lưu thay đổi" in binh.text
    assert sum((await shares(demo_db, campaign_id)).values()) == 30
    for text in ("Sửa chiến dịch", "Ngày bắt đầu, kết thúc", "30/11"):
        await binh.say(text)
    for text in ("Sửa chiến dịch", "Tên", "Tuần cao điểm cuối tháng 11"):
        await binh.say(text)
    [campaign] = await stored(demo_db)
    assert (campaign.name, campaign.starts_on, campaign.ends_on, campaign.target) == (
        "Tuần cao điểm cuối tháng 11", date(2026, 11, 30), date(2026, 12, 6), 30)
    for text in ("Sửa chiến dịch", "Khẩu hiệu"):
        await binh.say(text)
    clock.advance(days=9)  # Monday 30/11: it has started while the question waited
    await binh.say("Khẩu hiệu muộn")
    assert "đã bắt đầu từ 30/11/2026 nên không sửa được nữa" in binh.text
    assert "Sửa chiến dịch" not in binh.text and "đang diễn ra" in binh.text
    await binh.say(choice="cedit")  # a stale button
    assert "không sửa được nữa" in binh.text
    assert (await stored(demo_db))[0].slogan is None


async def test_cancelled_once_with_one_notice(dispatcher, demo_db):
    campaign_id = await planned(demo_db)
    await bind_group(demo_db)
    binh = await officer(dispatcher, demo_db)
    lan = await officer(dispatcher, demo_db, user_id="lan")
    for someone in (binh, lan):
        for text in ("/chiendich", "1", "Huỷ chiến dịch"):
            await someone.say(text)
        assert "Huỷ chiến dịch \"Tuần cao điểm tháng 11\"?" in someone.text
    await binh.say("Xác nhận huỷ chiến dịch")
    assert "Đã huỷ chiến dịch" in binh.text and "đến 1 nhóm" in binh.text
    assert await notices_in(demo_db, "nhom-gd") == 1
    await lan.say("Xác nhận huỷ chiến dịch")  # the second officer confirms a moment later
    assert "đã được huỷ từ trước" in lan.text and "đã huỷ" in lan.text
    await lan.say(choice="ccancel")  # a stale button on the cancelled campaign
    assert "đã được huỷ từ trước" in lan.text
    assert await notices_in(demo_db, "nhom-gd") == 1
    [campaign] = await stored(demo_db)
    assert campaign.id == campaign_id and campaign.cancelled_at is not None


@pytest.mark.parametrize("role", ["support", None])
async def test_support_team_and_plain_members_are_refused(dispatcher, demo_db, role):
    someone = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", role)
    campaign_id = await planned(demo_db)
    await someone.say("/chiendich")
    assert REFUSED in someone.text
    await someone.say(choice=f"cp:{campaign_id}")
    await someone.say(choice="ccancel")
    assert "Tuần cao điểm tháng 11" not in someone.text
    assert [(c.name, c.cancelled_at) for c in await stored(demo_db)] == [("Tuần cao điểm tháng 11", None)]


async def test_an_officer_of_another_subtree_sees_and_changes_nothing_there(dispatcher, demo_db):
    campaign_id = await planned(demo_db)
    await bind_group(demo_db)
    yen = await officer(dispatcher, demo_db, unit="CDN-YT-HN", user_id="yen")
    await yen.say("/chiendich")
    assert "Tuần cao điểm tháng 11" not in yen.text and "Chưa có chiến dịch" in yen.text
    await yen.say(choice=f"cp:{campaign_id}")  # a forged campaign id
    assert "không thuộc đơn vị bạn phụ trách" in yen.text and "Huỷ" not in yen.text
    async with demo_db.transaction() as tx:
        education = await tx.units.by_code("CDN-GD-HN")
    for text in ("/chiendich", "Tạo chiến dịch mới", "giao duc"):
        await yen.say(text)
    assert "Không thấy đơn vị nào" in yen.text and "Giáo dục" not in yen.text.split("Không thấy")[1]
    await yen.say(choice=f"cu:{education.id}")  # a forged unit id
    assert "không thuộc phạm vi bạn phụ trách" in yen.text
    assert [(c.id, c.cancelled_at) for c in await stored(demo_db)] == [(campaign_id, None)]
    assert await notices_in(demo_db, "nhom-gd") == 0


async def test_an_admin_lists_every_campaign(dispatcher, demo_db):
    await planned(demo_db, unit="CDN-YT-HN", name="Tháng sáng kiến ngành Y")
    await planned(demo_db, name="Tuần cao điểm ngành Giáo dục")
    admin = await person(demo_db, dispatcher, "admin", "Quản trị", "LDLD-HN", "admin")
    await admin.say("/campaign")
    assert "Tháng sáng kiến ngành Y" in admin.text and "Tuần cao điểm ngành Giáo dục" in admin.text


async def campaign(actor, db, _target, _worker, unit_code) -> bool:
    """The scope matrix's action (tests/handlers/test_staff_scope.py): a campaign for `unit_code`, ids as buttons send them."""
    async with db.transaction() as tx:
        unit_id = (await tx.units.by_code(unit_code)).id
    await actor.say("/chiendich")
    await actor.say(choice="cnew")
    if "đơn vị nào" in actor.text:
        await actor.say(choice=f"cu:{unit_id}")
    for text in ("Chiến dịch thử", "Tuần cao điểm (7 ngày)", "thứ hai tới", "10", "Không cần khẩu hiệu", "Tạo chiến dịch"):
        await actor.say(text)
    return any(c.unit_id == unit_id for c in await stored(db))


async def test_typing_the_words_opens_the_campaigns(dispatcher, demo_db):
    binh = await officer(dispatcher, demo_db)
    await planned(demo_db)
    await binh.say("chiến dịch cao điểm")
    assert "Tuần cao điểm tháng 11" in binh.text and "Chọn một chiến dịch" in binh.text
