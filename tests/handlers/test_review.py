"""Review with reasons: the queue, decisions, the author told exactly once, and sending again after changes."""

import re

from sqlalchemy import select

from conversations.model import Media
from storage.models import Initiative, StatusChange
from tests.handlers.office import filed, notices_to, person, rows


async def office(dispatcher, db):
    hoa = await person(db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    binh = await person(db, dispatcher, "binh", "Trần Văn Bình", "CDN-GD-HN", "officer")
    return hoa, binh


async def status_of(db, initiative_id) -> str:
    async with db.session() as session:
        return (await session.get(Initiative, initiative_id)).status


async def test_the_queue_lists_the_subtree_oldest_first(dispatcher, demo_db):
    hoa, binh = await office(dispatcher, demo_db)
    await person(demo_db, dispatcher, "lan", "Đỗ Thị Lan", "CDCS-MAY-SONGNHUE")
    first = await filed(demo_db, "hoa", "Góc đọc sách cho bé")
    second = await filed(demo_db, "hoa", "Bảng phân công trực bằng hình")
    elsewhere = await filed(demo_db, "lan", "Xếp lại chuyền may")
    await binh.say("/duyet")
    assert "Đang chờ duyệt: 2 sáng kiến" in binh.text
    assert binh.text.index(first.code) < binh.text.index(second.code)
    assert elsewhere.code not in binh.text


async def test_needs_changes_asks_a_comment_tells_the_author_and_returns_after_resubmission(dispatcher, demo_db):
    hoa, binh = await office(dispatcher, demo_db)
    item = await filed(demo_db, "hoa", "Góc đọc sách cho bé")
    for text in ("/duyet", "1", "Cần bổ sung"):
        await binh.say(text)
    assert "bắt buộc" in binh.text
    await binh.say("ok")  # too short to tell the author anything
    assert "Cần ghi rõ lý do" in binh.text and await status_of(demo_db, item.id) == "submitted"
    await binh.say("Ghi rõ số trẻ tham gia mỗi tuần")
    assert "Đã báo cho tác giả" in binh.text
    assert await status_of(demo_db, item.id) == "needs_changes"
    [notice] = await notices_to(demo_db, "hoa")
    assert item.code in notice and "Ghi rõ số trẻ tham gia mỗi tuần" in notice

    await hoa.say("/start")
    assert "Bổ sung: Góc đọc sách cho bé" in hoa.text  # first on the menu
    await hoa.say("Sáng kiến của tôi")
    await hoa.say("1")
    assert "Ghi rõ số trẻ tham gia mỗi tuần" in hoa.text  # the comment beside the answers
    await hoa.say("Bổ sung và gửi lại")
    assert "mời kiểm tra lại" in hoa.text  # the whole initiative, to change what was asked
    for text in ("Sửa một mục", "5", "20 trẻ mỗi tuần đọc sách cùng cô"):
        await hoa.say(text)
    assert "20 trẻ mỗi tuần" in hoa.text
    await hoa.say("Gửi sáng kiến")
    assert await status_of(demo_db, item.id) == "submitted"
    assert f"Mã sáng kiến của bạn: {item.code}" in hoa.text  # the same code as the first time
    await binh.say("/duyet")
    assert item.code in binh.text and "Ghi rõ số trẻ tham gia mỗi tuần" not in binh.text
    await binh.say("1")
    assert "Ý kiến lần duyệt trước: Ghi rõ số trẻ tham gia mỗi tuần" in binh.text


async def test_a_rejection_needs_a_reason_and_the_author_reads_it(dispatcher, demo_db):
    hoa, binh = await office(dispatcher, demo_db)
    item = await filed(demo_db, "hoa", "Góc đọc sách cho bé")
    for text in ("/duyet", "1", "Không hợp lệ", "Đã được công nhận năm 2024 với mã SK-2024-000077"):
        await binh.say(text)
    assert await status_of(demo_db, item.id) == "rejected"
    [notice] = await notices_to(demo_db, "hoa")
    assert "chưa được công nhận" in notice and "SK-2024-000077" in notice
    async with demo_db.session() as session:
        change = (await session.execute(select(StatusChange).where(StatusChange.to_status == "rejected"))).scalar_one()
    assert change.reason == "Đã được công nhận năm 2024 với mã SK-2024-000077"


async def test_a_decision_reaches_the_author_once_however_it_is_retried(dispatcher, demo_db):
    hoa, binh = await office(dispatcher, demo_db)
    item = await filed(demo_db, "hoa", "Góc đọc sách cho bé")
    for text in ("/duyet", "1", "Hợp lệ"):
        await binh.say(text)
    await binh.say("Xác nhận hợp lệ", update_id="decide-1")
    assert await status_of(demo_db, item.id) == "valid"
    changes = await rows(demo_db, StatusChange)
    await binh.say("Xác nhận hợp lệ", update_id="decide-1")  # the platform delivers the same update again
    assert binh.replies == []
    for text in ("/duyet",):
        await binh.say(text)
    assert item.code not in binh.text  # nothing left to decide
    [notice] = await notices_to(demo_db, "hoa")
    assert "HỢP LỆ" in notice
    assert await rows(demo_db, StatusChange) == changes


async def test_a_second_reviewer_on_a_stale_screen_records_nothing(dispatcher, demo_db):
    hoa, binh = await office(dispatcher, demo_db)
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    item = await filed(demo_db, "hoa", "Góc đọc sách cho bé")
    for who in (binh, an):
        await who.say("/duyet")
        await who.say("1")
    await binh.say("Hợp lệ")
    await binh.say("Xác nhận hợp lệ")
    await an.say("Không hợp lệ")
    await an.say("Trùng với sáng kiến năm ngoái")
    assert "đã được duyệt rồi" in an.text
    assert await status_of(demo_db, item.id) == "valid"
    assert len(await notices_to(demo_db, "hoa")) == 1


async def test_the_reviewer_sees_possible_duplicates_and_the_author_is_told_gently(dispatcher, demo_db):
    hoa, binh = await office(dispatcher, demo_db)
    await person(demo_db, dispatcher, "thu", "Phạm Thị Thu", "CDCS-TH-NGHIATAN")
    older = await filed(demo_db, "thu", "Cải tiến giá kẹp phôi máy tiện", "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm", "Làm thêm gá định vị bằng thép tấm")
    await filed(demo_db, "thu", "Tiết kiệm điện chiếu sáng", "Đèn bật cả ngày", "Lắp cảm biến chuyển động")
    await hoa.submit_full()
    assert "khá giống" in hoa.text  # gently: no code or name of the other author
    assert older.code not in hoa.text
    await binh.say("/duyet")
    await binh.say("3")  # the newest, Hoa's
    assert "Có thể trùng với" in binh.text and older.code in binh.text
    assert "Tiết kiệm điện" not in binh.text


async def test_the_form_comes_from_the_review_screen_as_a_document(dispatcher, demo_db):
    _hoa, binh = await office(dispatcher, demo_db)
    await filed(demo_db, "hoa", "Góc đọc sách cho bé")
    for text in ("/duyet", "1", "Tải đơn công nhận"):
        await binh.say(text)
    [document] = [m for m in binh.replies if m.document]
    assert "Đơn yêu cầu công nhận sáng kiến" in document.text
    async with demo_db.transaction() as tx:
        stored = await tx.images.get(document.document)
    assert stored.filename.endswith(".docx") and stored.data[:2] == b"PK"


async def test_an_initiative_named_by_voice_opens_and_says_its_name_needs_typing(dispatcher, demo_db):
    hoa, binh = await office(dispatcher, demo_db)
    await hoa.say("Sáng kiến mới")
    await hoa.say(media=Media("voice", "ten-bang-giong-noi.ogg", "console"))
    for text in ("Giáo dục - đào tạo", "Trẻ ít đọc sách", "Làm kệ sách ở mỗi lớp", "Trẻ đọc nhiều hơn", "Xem lại và gửi",
                 "Gửi sáng kiến"):
        await hoa.say(text)
    assert "Mã sáng kiến của bạn" in hoa.text
    await binh.say("/duyet")
    assert "(tên bằng ghi âm)" in binh.text
    await binh.say("1")
    assert "cần gõ lại thành chữ" in binh.text and "trả lời bằng ghi âm" in binh.text
    assert "Hợp lệ" in binh.text  # it can be decided


# Nobody decides their own initiative (the scope matrix in test_staff_scope.py has each role and relation).


async def test_an_officers_own_initiative_goes_to_the_other_reviewers_up_the_tree(dispatcher, demo_db):
    binh = await person(demo_db, dispatcher, "binh", "Trần Văn Bình", "CDCS-MN-KIMHY", "officer", "CDN-GD-HN")
    chung = await person(demo_db, dispatcher, "chung", "Lê Văn Chung", "LDLD-HN", "officer")
    await binh.submit_full()  # his own, from the kindergarten where he works
    code = re.search(r"Mã sáng kiến của bạn: (SK-\d{4}-\d{6})", binh.text).group(1)
    [told] = await notices_to(demo_db, "chung")  # nobody else reviews for the sector: the level above is told
    assert code in told and "Trần Văn Bình" in told and "để lại cho bạn duyệt" in told
    await binh.say("/duyet")
    assert code not in binh.text and "để lại cho người duyệt khác" in binh.text
    await chung.say("/duyet")
    assert code in chung.text
    for text in ("1", "Hợp lệ", "Xác nhận hợp lệ"):
        await chung.say(text)
    async with demo_db.session() as session:
        assert (await session.execute(select(Initiative.status).where(Initiative.code == code))).scalar_one() == "valid"


async def test_the_notice_goes_to_the_other_reviewers_of_the_unit_first(dispatcher, demo_db):
    binh = await person(demo_db, dispatcher, "binh", "Trần Văn Bình", "CDCS-MN-KIMHY", "officer", "CDN-GD-HN")
    await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    await person(demo_db, dispatcher, "chung", "Lê Văn Chung", "LDLD-HN", "officer")
    await binh.submit_full()
    assert len(await notices_to(demo_db, "an")) == 1
    assert await notices_to(demo_db, "chung") == [] and await notices_to(demo_db, "binh") == []


async def test_a_worker_not_reviewing_tells_nobody(dispatcher, demo_db):
    hoa, _binh = await office(dispatcher, demo_db)
    await hoa.submit_full()  # co-authors Lê Văn Nam and Phạm Thị Thu review nothing
    assert await notices_to(demo_db, "binh") == []


async def test_named_co_author_while_the_confirmation_waited_records_nothing(dispatcher, demo_db):
    hoa = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    binh = await person(demo_db, dispatcher, "binh", "Trần Văn Bình", "CDCS-MN-KIMHY", "officer", "CDN-GD-HN")
    chung = await person(demo_db, dispatcher, "chung", "Lê Văn Chung", "LDLD-HN", "officer")
    item = await filed(demo_db, "hoa", "Góc đọc sách cho bé")
    for text in ("/duyet", "1", "Hợp lệ"):
        await binh.say(text)
    assert "Xác nhận sáng kiến" in binh.text  # and he leaves the screen open
    for text in ("/duyet", "1", "Cần bổ sung", "Ghi tên người cùng làm"):
        await chung.say(text)
    for text in ("/start", "Bổ sung: Góc đọc sách cho bé", "Sửa một mục", "8", "Trần Văn Bình", "Xong", "Gửi sáng kiến",
                 "Trẻ đọc nhiều hơn", "Gửi sáng kiến"):  # fmt: skip
        await hoa.say(text)
    assert await status_of(demo_db, item.id) == "submitted"
    await binh.say("Xác nhận hợp lệ")  # the old button
    assert "không duyệt sáng kiến này" in binh.text
    assert await status_of(demo_db, item.id) == "submitted"
