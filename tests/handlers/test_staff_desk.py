"""Issue 15: ids read from what a person sends (a command's argument, a button's payload) are bounded before the
database: a huge number was an OverflowError on SQLite and "value out of int32 range" on PostgreSQL, a traceback
for the person instead of the plain answer an unknown id gets."""

import pytest

from messaging.messages import Incoming
from tests.handlers.office import filed, person

HUGE = "99999999999999999999"  # past 64 bits
PAST_INT32 = str(2**31)  # fits 64 bits, not PostgreSQL's integer


@pytest.mark.parametrize("number", [HUGE, PAST_INT32, "00000000000000000000000000000001234", "²"])
async def test_taking_a_request_with_a_huge_number_hears_it_is_unknown(dispatcher, demo_db, number):
    """Issue 15: `/nhan 99999999999999999999` crashed the chat (int(args) unchecked); it is answered like `/nhan abc`."""
    worker = await person(demo_db, dispatcher, "w9", "Phạm Văn Bình", "CDCS-MN-KIMHY", "support")
    await worker.say("/nhan abc")
    unknown = worker.text
    assert "Không tìm thấy yêu cầu hỗ trợ này" in unknown
    await worker.say(f"/nhan {number}")
    assert worker.text == unknown
    await worker.say("menu")
    assert worker.replies  # the chat goes on


async def _on_screen(db, user_id: str, flow: str, **meta) -> None:
    async with db.transaction() as tx:
        await tx.conversations.save(None, channel="console", chat_id=user_id, user_id=user_id, flow=flow, step=None,
                                    answers={}, meta={"staff": True, "shown": [], **meta})


SCREENS = [
    ("queue", "rv:", {}),
    ("requests", "take:", {}),
    ("pick_unit", "unit:", {"entry": "/baocao", "query": "kim"}),
    ("campaigns", "cp:", {}),
    ("behalf", "bm:", {}),
    ("behalf_unit", "bu:", {"name": "Lê Văn Tám"}),
    ("invite_unit", "iu:", {"role": "officer"}),
    ("campaign_unit", "cu:", {"draft": {"asked_unit": True}}),
]


@pytest.mark.parametrize(("flow", "prefix", "meta"), SCREENS, ids=[s[0] for s in SCREENS])
@pytest.mark.parametrize("number", [HUGE, PAST_INT32, "²"])
async def test_a_forged_button_with_a_huge_id_is_answered_plainly(dispatcher, demo_db, flow, prefix, meta, number):
    """Issue 15: a button payload such as `rv:99999999999999999999` (a forged callback) crashed the update."""
    admin = await person(demo_db, dispatcher, "boss", "Trần Văn Quản", "LDLD-HN", "admin")
    await filed(demo_db, "boss", "Góc đọc sách cho bé")
    await _on_screen(demo_db, "boss", flow, **meta)
    replies = await dispatcher.handle(Incoming(channel="console", chat_id="boss", user_id="boss", display_name="Quản",
                                               choice=prefix + number, update_id=f"forged-{flow}-{number}"))
    assert replies and all(r.text for r in replies)
    await admin.say("menu")
    assert admin.replies


@pytest.mark.parametrize("typed", ["ko biet", "giúp với", "dạ em ko bít ạ"])
async def test_a_non_answer_at_the_report_s_unit_list_explains_it_and_keeps_the_list(dispatcher, demo_db, typed):
    """Issue 15: "ko biet" at the /baocao unit list answered "choose 1..N" and "giúp với" dropped the list for the
    worker's help; docs/answers.md promises a choice question's explanation."""
    boss = await person(demo_db, dispatcher, "boss", "Trần Văn Quản", "LDLD-HN", "admin")
    await boss.say("/baocao kim")
    await boss.say(typed)
    assert "Tên bạn gõ khớp 2 đơn vị" in boss.text and "Mời bạn chọn một trong" not in boss.text
    await boss.say("1")  # the list is still there
    assert "Báo cáo tiến độ: Công đoàn cơ sở Trường Mầm non Kim Hỷ" in boss.text


async def test_a_workers_stray_officer_command_mid_form_keeps_the_form(dispatcher, demo_db):
    """Defect: "/duyet" or "/canbo" typed by a worker at a question was refused and dropped the form, so the next
    answer (the initiative's title) opened the main menu and was lost."""
    from tests.handlers.talk import Person

    hoa = Person(dispatcher)
    await hoa.register()
    await hoa.say("Sáng kiến mới")
    for stray in ("/duyet", "/canbo", "/moi"):
        await hoa.say(stray)
        assert "dành cho cán bộ công đoàn" in hoa.text and "Tên sáng kiến của bạn là gì" in hoa.text, stray
    await hoa.say("Cải tiến giá kẹp phôi máy tiện")
    assert "Sáng kiến thuộc lĩnh vực nào" in hoa.text
