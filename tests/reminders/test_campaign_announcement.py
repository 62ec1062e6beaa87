"""A campaign's announcement tells workers how to take part in their own words: the link to the bot of the
group's platform (kept when the group was bound, refreshed by later group commands) and "gõ Sáng kiến mới",
never an English command."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

import locales
from reminders.campaigns import push_campaigns
from messaging.quiet import QuietHours
from handlers.timetable import Timetable
from storage.models import Outbox
from tests.conftest import TZ
from tests.handlers.office import person

TIMETABLE = Timetable(time(8), QuietHours.parse("21:00-07:00"), TZ)
MONDAY = date(2026, 11, 23)
TELEGRAM = "https://t.me/sangkien_bot"
ZALO = "https://zalo.me/1234567890123456789"
SLASH_WORD = re.compile(r"(?<![\w:/])/[a-z]")  # "/new", "/start"; not the slashes of a link or a date


async def peak_week(db) -> None:
    async with db.transaction() as tx:
        unit = await tx.units.by_code("CDN-GD-HN")
        await tx.campaigns.create(name="Tuần cao điểm tháng 11", kind="peak_week", unit=unit, starts_on=MONDAY,
                                  ends_on=MONDAY + timedelta(days=6), target=200, slogan=None)


async def announcements(db) -> dict[str, str]:
    await push_campaigns(db, TIMETABLE, datetime.combine(MONDAY, time(8), tzinfo=TZ))
    async with db.session() as session:
        rows = (await session.execute(select(Outbox).order_by(Outbox.id))).scalars()
        return {row.chat_id: row.payload["text"] for row in rows if row.payload["text"].startswith("📣")}


async def test_each_group_is_sent_the_link_of_its_own_bot(demo_db, dispatcher):
    officer = await person(demo_db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")
    await officer.say_in_group("-1", "/ganketnhom CDCS-MN-KIMHY", chat_admin=True, private_link=TELEGRAM)
    await officer.say_in_group("-2", "/ganketnhom CDCS-TH-NGHIATAN", private_link=ZALO)  # as the Zalo channel says
    await officer.say_in_group("-3", "/ganketnhom CDCS-TH-DICHVONG")  # a channel without private links
    await peak_week(demo_db)

    sent = await announcements(demo_db)
    assert sorted(sent) == ["-1", "-2", "-3"]
    assert f"\n👉 {TELEGRAM}" in sent["-1"] and ZALO not in sent["-1"]
    assert f"\n👉 {ZALO}" in sent["-2"] and "t.me" not in sent["-2"]
    assert "http" not in sent["-3"]
    for text in sent.values():
        assert 'nhắn riêng cho bot rồi gõ "Sáng kiến mới"' in text
        assert not SLASH_WORD.search(text), text


async def test_a_group_bound_before_links_were_kept_gets_one_from_its_next_command(demo_db, dispatcher):
    async with demo_db.transaction() as tx:  # as a group bound before this release: no link stored
        unit = await tx.units.by_code("CDCS-MN-KIMHY")
        await tx.bound_chats.bind("console", "-1", kind="group", unit_id=unit.id, member_id=None)
    anyone = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await anyone.say_in_group("-1", "/lichnhac", private_link="https://t.me/old_name_bot")
    await anyone.say_in_group("-1", "/baocao", private_link=TELEGRAM)  # the bot was renamed since
    await peak_week(demo_db)
    text = (await announcements(demo_db))["-1"]
    assert TELEGRAM in text and "old_name_bot" not in text


@pytest.mark.parametrize(("locale", "words"), [("vi", 'gõ "Sáng kiến mới"'), ("en", 'type "New initiative"')])
@pytest.mark.parametrize("link", [TELEGRAM, ZALO, ""])
def test_the_announcement_names_no_english_command_in_either_language(locale, words, link):
    text = locales.render("push.campaign.start", {**locales.samples()["push.campaign.start"], "link": link}, locale)
    assert words in text and (link in text if link else "http" not in text)
    assert not SLASH_WORD.search(text), text


@pytest.mark.parametrize(("locale", "words"), [("vi", 'gõ "Xin chào"'), ("en", 'type "Hello"')])
def test_someone_not_registered_is_told_what_to_type_in_words(locale, words):
    text = locales.render("group.register_first", {"link": TELEGRAM}, locale)
    assert words in text and TELEGRAM in text
    assert not SLASH_WORD.search(text), text
