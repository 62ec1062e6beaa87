"""A unit's Telegram group: binding asks Telegram whether the officer administers it; removing the bot unbinds it."""

from tests.bot.telegram.fake_api import bot_removed_update, text_update
from tests.bot.telegram.test_polling import REGISTER, say, send_update

GROUP = -100500
OFFICER = 4242


async def an_officer_of_the_kindergarten(harness) -> None:
    await say(harness, *REGISTER, chat=OFFICER)
    async with harness.db.transaction() as tx:
        member = await tx.members.by_identity("telegram", str(OFFICER))
        await tx.roles.grant(member.id, "officer", (await tx.units.by_code("CDCS-MN-KIMHY")).id)


async def bound_unit(harness) -> str | None:
    async with harness.db.transaction() as tx:
        found = await tx.bound_chats.get("telegram", str(GROUP))
    return found[1].code if found else None


def in_group(text: str) -> dict:
    return text_update(GROUP, text, user_id=OFFICER, chat_type="supergroup")


async def test_only_an_officer_who_administers_the_group_binds_it(polling):
    await an_officer_of_the_kindergarten(polling)
    reply = await send_update(polling, in_group("/ganketnhom@sangkien_test_bot CDCS-MN-KIMHY"), GROUP)
    assert "Chỉ quản trị viên của nhóm" in reply
    assert await bound_unit(polling) is None
    asked = polling.api.calls_to("getChatMember")[-1].params
    assert (asked["chat_id"], asked["user_id"]) == (GROUP, OFFICER)

    polling.api.admins.add((GROUP, OFFICER))
    reply = await send_update(polling, in_group("/ganketnhom CDCS-MN-KIMHY"), GROUP)
    assert "Đã gắn nhóm với Công đoàn cơ sở Trường Mầm non Kim Hỷ" in reply
    async with polling.db.transaction() as tx:
        chat, _ = await tx.bound_chats.get("telegram", str(GROUP))
    assert chat.title == "Nhóm thử nghiệm"
    reply = await send_update(polling, in_group("/lichnhac"), GROUP)
    assert "Hằng ngày 08:00" in reply


async def test_removing_the_bot_from_the_group_unbinds_it(polling):
    await an_officer_of_the_kindergarten(polling)
    polling.api.admins.add((GROUP, OFFICER))
    await send_update(polling, in_group("/ganketnhom CDCS-MN-KIMHY"), GROUP)
    assert await bound_unit(polling) == "CDCS-MN-KIMHY"
    await polling.push(bot_removed_update(GROUP))
    assert await bound_unit(polling) is None
