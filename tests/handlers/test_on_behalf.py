"""Nhập hộ: the support team enters an initiative for a worker, who is its author; who entered it is kept."""

from sqlalchemy import select

from storage.models import Initiative, Member
from tests.handlers.office import member_id, notices_to, person

ANSWERS = (
    "Bảng nhắc việc bằng hình cho ca đêm", "Sản xuất kinh doanh", "Ca đêm hay quên bước vệ sinh máy",
    "Dán bảng hình từng bước ở mỗi máy", "Không còn máy bị kẹt do bụi vải", "Bỏ qua", "Bỏ qua", "Bỏ qua", "Xong",
)  # fmt: skip


async def test_for_an_existing_worker_found_by_a_name_typed_without_accents(dispatcher, demo_db):
    await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    for text in ("/nhapho", "nguyen thi hoa"):
        await an.say(text)
    assert "Nguyễn Thị Hoa · Công đoàn cơ sở Trường Mầm non Kim Hỷ" in an.text
    await an.say("1")
    assert "nhập hộ cho Nguyễn Thị Hoa" in an.text
    for text in (*ANSWERS, "Gửi sáng kiến"):
        await an.say(text)
    assert "cho Nguyễn Thị Hoa. Mã sáng kiến: SK-2026-000001" in an.text
    async with demo_db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalar_one()
    assert initiative.author_id == await member_id(demo_db, "hoa")
    assert initiative.entered_by_id == await member_id(demo_db, "an")
    assert initiative.status == "submitted" and initiative.unit_id is not None
    [told] = await notices_to(demo_db, "hoa")
    assert "Phạm Văn An đã gửi hộ" in told and "SK-2026-000001" in told


async def test_for_a_new_worker_without_a_chat_account(dispatcher, demo_db):
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    for text in ("/nhapho", "Bùi Văn Tư"):
        await an.say(text)
    assert "Chưa có ai tên" in an.text
    await an.say("Người mới: Bùi Văn Tư")
    await an.say("kim hy")  # the unit, searched within the support member's subtree
    await an.say("1")
    assert "người mới, chưa dùng bot" in an.text
    for text in (*ANSWERS, "Gửi sáng kiến"):
        await an.say(text)
    async with demo_db.session() as session:
        worker = (await session.execute(select(Member).where(Member.name == "Bùi Văn Tư"))).scalar_one()
        initiative = (await session.execute(select(Initiative))).scalar_one()
    assert initiative.author_id == worker.id and initiative.status == "submitted"
    assert "Tư" in an.text and "SK-2026-000001" in an.text


async def test_a_unit_outside_the_subtree_is_not_offered_for_a_new_worker(dispatcher, demo_db):
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    for text in ("/nhapho", "Bùi Văn Tư", "Người mới: Bùi Văn Tư", "may song nhue"):
        await an.say(text)
    assert "Không thấy đơn vị nào" in an.text and "Sông Nhuệ" not in an.text


async def test_the_questions_ask_about_the_workers_initiative_not_yours(dispatcher, demo_db):
    hoa = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await hoa.say("Sáng kiến mới")
    assert "Tên sáng kiến của bạn là gì?" in hoa.text  # the worker's own form speaks to them
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    for text in ("/nhapho", "nguyen thi hoa", "1"):
        await an.say(text)
    seen = [an.text]
    for text in ANSWERS:
        await an.say(text)
        seen.append(an.text)
    asked = "\n".join(seen)
    for wording in ("Tên sáng kiến của người lao động là gì?", "Người lao động đã làm gì để giải quyết?",
                    "Ai cùng làm sáng kiến này với người lao động?", "Sáng kiến của người lao động, mời kiểm tra lại"):
        assert wording in asked
    assert "của bạn" not in asked and "với bạn" not in asked and "Bạn đã làm gì" not in asked


async def test_in_english_too(dispatcher, demo_db):
    await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    an = await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    async with demo_db.transaction() as tx:
        await tx.members.set_locale(await tx.members.get(await member_id(demo_db, "an")), "en")
    for text in ("/nhapho", "nguyen thi hoa", "1"):
        await an.say(text)
    assert "What is the name of the worker's initiative?" in an.text and "your" not in an.text
