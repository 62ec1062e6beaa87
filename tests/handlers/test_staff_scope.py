"""The scope matrix in the chat: each role, each action, inside and outside the subtree.

The actor works for the education sector union (CDN-GD-HN). Inside is a kindergarten below it;
outside is a garment company under another sector. Allowed actions succeed; the others are
refused with a clear message and leave no trace.
"""

import io

import pytest
from openpyxl import load_workbook

from handlers.scope import ACTIONS, ALLOWED
from storage.models import BoundChat, GeneratedImage, Initiative, Invite, Member, StatusChange
from tests.handlers.office import filed, member_id, person, rows
from tests.handlers.test_campaigns import campaign

ROLES = {"officer": "officer", "support": "support", "admin": "admin", "member": None}
REFUSED = "dành cho cán bộ công đoàn"


def allowed(role: str, action: str, inside: bool) -> bool:
    if role == "admin":
        return True
    return inside and action in ALLOWED.get(role, set())


async def setting(dispatcher, db, role):
    await person(db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await person(db, dispatcher, "lan", "Đỗ Thị Lan", "CDCS-MAY-SONGNHUE")
    actor = await person(db, dispatcher, "actor", "Trần Văn Bình", "CDN-GD-HN", ROLES[role], "CDN-GD-HN")
    inside = await filed(db, "hoa", "Góc đọc sách cho bé")
    outside = await filed(db, "lan", "Xếp lại chuyền may")
    return actor, inside, outside


async def trace(db) -> tuple:
    return tuple([await rows(db, m) for m in (StatusChange, Invite, Member, Initiative, GeneratedImage, BoundChat)])


@pytest.mark.parametrize("inside", [True, False], ids=["inside", "outside"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
async def test_each_role_and_action(dispatcher, demo_db, role, action, inside):
    actor, mine, theirs = await setting(dispatcher, demo_db, role)
    target = mine if inside else theirs
    before = await trace(demo_db)
    done = await ACT[action](actor, demo_db, target, "hoa" if inside else "lan", "CDCS-MN-KIMHY" if inside else "CDCS-MAY-SONGNHUE")
    if allowed(role, action, inside):
        assert done, actor.text
    else:
        assert not done, actor.text
        assert await trace(demo_db) == before, "a refused action left something behind"


async def view(actor, db, target, _worker, _unit) -> bool:
    await actor.say("/duyet")
    await actor.say(choice=f"rv:{target.id}")  # as a button carrying a forged id would send it
    shown = target.title in actor.text
    assert shown or REFUSED in actor.text or "không thuộc đơn vị bạn phụ trách" in actor.text or "bạn muốn làm gì" in actor.text
    return shown


async def review(actor, db, target, _worker, _unit) -> bool:
    for step in ("/duyet", f"rv:{target.id}", "/valid", "/yes"):
        await (actor.say(step) if step.startswith("/duyet") else actor.say(choice=step))
    async with db.session() as session:
        return (await session.get(Initiative, target.id)).status == "valid"


async def export(actor, db, target, _worker, unit_code) -> bool:
    await actor.say(f"/xuat {unit_code}")
    documents = [m for m in actor.replies if m.document]
    if not documents:
        assert REFUSED in actor.text or "không thuộc phạm vi bạn phụ trách" in actor.text
        return False
    async with db.transaction() as tx:
        stored = await tx.images.get(documents[0].document)
    book = load_workbook(io.BytesIO(stored.data), read_only=True)
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row}
    return target.code in cells


async def report(actor, db, target, _worker, unit_code) -> bool:
    await actor.say(f"/baocao {unit_code}")
    async with db.transaction() as tx:
        name = (await tx.units.by_code(unit_code)).name
    if f"Báo cáo tiến độ: {name}" not in actor.text:
        assert REFUSED in actor.text or "không thuộc phạm vi bạn phụ trách" in actor.text
        return False
    return True


async def invite(actor, db, target, _worker, unit_code) -> bool:
    async with db.transaction() as tx:
        unit_id = (await tx.units.by_code(unit_code)).id
    await actor.say("/moi")
    await actor.say(choice="role:support")
    await actor.say(choice=f"iu:{unit_id}")
    return "/start inv_" in actor.text


async def on_behalf(actor, db, target, worker, _unit) -> bool:
    await actor.say("/nhapho")
    await actor.say(choice=f"bm:{await member_id(db, worker)}")
    if "Bạn đang nhập hộ" not in actor.text:
        assert REFUSED in actor.text or "Mời bạn chọn" in actor.text or not actor.replies or "bạn muốn làm gì" in actor.text
        return False
    await actor.say("Sáng kiến nhập hộ")  # the first answer saves a draft in the worker's name
    async with db.session() as session:
        from sqlalchemy import select

        titles = (await session.execute(select(Initiative.title, Initiative.entered_by_id))).all()
    return ("Sáng kiến nhập hộ", await member_id(db, "actor")) in titles


async def bind(actor, db, target, _worker, unit_code) -> bool:
    await actor.say_in_group("-1001", f"/ganketnhom {unit_code}", chat_admin=True)
    async with db.transaction() as tx:
        bound = await tx.bound_chats.get("console", "-1001")
    if bound is None:
        assert "Chỉ cán bộ công đoàn phụ trách" in actor.text or "đăng ký" in actor.text, actor.text
        return False
    return bound[1].code == unit_code and "Đã gắn nhóm" in actor.text


ACT = {"bind": bind, "campaign": campaign, "view": view, "review": review, "export": export, "report": report, "invite": invite, "submit_on_behalf": on_behalf}


# Nobody decides their own initiative: the same roles, now the author or a co-author of the one in reach.
# The actor works at the kindergarten and reviews for the education sector (an admin, for everything).
RELATIONS = ("author", "coauthor")
OWN = "để lại cho người duyệt khác"


async def own_setting(dispatcher, db, role, relation):
    await person(db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    actor = await person(db, dispatcher, "actor", "Trần Văn Bình", "CDCS-MN-KIMHY", role, "CDN-GD-HN")
    await filed(db, "hoa", "Bảng phân công trực bằng hình")  # someone else's, in the same queue
    if relation == "author":
        return actor, await filed(db, "actor", "Góc đọc sách cho bé")
    return actor, await filed(db, "hoa", "Góc đọc sách cho bé", coauthors=("Lê Thị Mai", "tran van  BINH"))  # as typed


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ["officer", "support", "admin"])
async def test_nobody_reviews_their_own_initiative(dispatcher, demo_db, role, relation):
    actor, own = await own_setting(dispatcher, demo_db, role, relation)
    before = await trace(demo_db)
    await actor.say("/duyet")
    assert "Bảng phân công trực bằng hình" in actor.text and own.code not in actor.text, actor.text
    assert "1 sáng kiến bạn là tác giả, đồng tác giả hoặc người nhập hộ" in actor.text
    assert not await review(actor, demo_db, own, "hoa", "CDCS-MN-KIMHY")  # the id forged on a button
    await actor.say("/duyet")
    await actor.say(choice=f"rv:{own.id}")
    assert own.title in actor.text and OWN in actor.text and "Hợp lệ" not in actor.text  # may read it, not decide it
    for typed in ("Hợp lệ", "Cần bổ sung", "Không hợp lệ"):  # the words, where no button offers them
        await actor.say(typed)
        assert OWN in actor.text and "bắt buộc" not in actor.text
    assert await trace(demo_db) == before, "a decision on one's own initiative left something behind"


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ["officer", "support", "admin"])
async def test_nobody_enters_their_own_initiative_on_behalf(dispatcher, demo_db, role, relation):
    actor, _ = await own_setting(dispatcher, demo_db, role, relation)
    before = await trace(demo_db)
    if relation == "author":  # themselves, as "the worker"
        await actor.say("/nhapho")
        await actor.say(choice=f"bm:{await member_id(demo_db, 'actor')}")
        assert "Đó là bạn" in actor.text and "Bạn đang nhập hộ" not in actor.text
        assert await trace(demo_db) == before
        return
    for text in ("/nhapho", "nguyen thi hoa", "1", "Bảng nhắc việc bằng hình cho ca đêm", "Sản xuất kinh doanh",
                 "Ca đêm hay quên bước vệ sinh máy", "Dán bảng hình từng bước ở mỗi máy", "Không còn máy bị kẹt do bụi vải",
                 "Bỏ qua", "Bỏ qua", "Trần Văn Bình", "Xong", "Xong", "Gửi sáng kiến"):  # fmt: skip
        await actor.say(text)
    assert "Bạn có tên trong danh sách đồng tác giả nên không gửi hộ được" in actor.text, actor.text
    async with demo_db.session() as session:
        from sqlalchemy import select

        draft = (await session.execute(select(Initiative).where(Initiative.title == "Bảng nhắc việc bằng hình cho ca đêm"))).scalar_one()
    assert (draft.status, draft.code, draft.author_id) == ("draft", None, await member_id(demo_db, "hoa"))  # kept for Hoa
