"""On Telegram, as people press the buttons: a first-timer from a unit's QR poster, and the help chat."""

from sqlalchemy import select

from storage.models import Initiative, Member
from tests.bot.telegram.fake_api import callback_update, text_update, voice_update

WORKER, SUPPORTER = 4242, 5151


class Person:
    """Presses what is on screen (a reply button sends its text, an inline one its data) and counts messages."""

    def __init__(self, harness, chat: int, first_name: str = "Hoa", last_name: str = "Nguyễn") -> None:
        self.harness, self.chat, self.names = harness, chat, {"first_name": first_name, "last_name": last_name}
        self.sent = 0

    async def says(self, *texts: str) -> str:
        before = len(self.harness.api.sent_texts(self.chat))
        for text in texts:
            await self.send(text_update(self.chat, text, **self.names))
        return "\n".join(self.harness.api.sent_texts(self.chat)[before:])

    async def send(self, update: dict) -> None:
        self.sent += 1
        await self.harness.push(update)

    async def sends(self, update: dict) -> str:
        """A voice note, a photo: sent, and what the bot answered."""
        before = len(self.harness.api.sent_texts(self.chat))
        await self.send(update)
        return "\n".join(self.harness.api.sent_texts(self.chat)[before:])

    async def presses(self, words: str) -> str:
        markup = self._markup()
        buttons = [b for row in markup.get("keyboard") or markup.get("inline_keyboard") or [] for b in row]
        [button] = [b for b in buttons if words in b["text"]]
        before = len(self.harness.api.sent_texts(self.chat))
        if "callback_data" in button:
            await self.send(callback_update(self.chat, button["callback_data"]))
        else:
            await self.send(text_update(self.chat, button["text"], **self.names))
        return "\n".join(self.harness.api.sent_texts(self.chat)[before:])

    def _markup(self) -> dict:
        calls = [c for c in self.harness.api.calls_to("sendMessage") if c.params.get("chat_id") == self.chat]
        return next(c.params["reply_markup"] for c in reversed(calls) if c.params.get("reply_markup"))


async def test_a_first_timer_from_the_qr_poster_submits_in_at_most_12_messages(polling):
    hoa = Person(polling, WORKER)
    welcome = await hoa.says("/start CDCS-MN-KIMHY")
    assert "Công đoàn cơ sở Trường Mầm non Kim Hỷ" in welcome
    await hoa.presses("Đúng, tôi là Nguyễn Hoa")
    assert "Bước 1/9" in await hoa.presses("Khác")
    await hoa.says("Góc đọc sách cho bé")
    await hoa.presses("Giáo dục")
    await hoa.says("Trẻ ít đọc sách vì lớp không có sách", "Làm kệ sách nhỏ ở mỗi lớp", "Trẻ đọc sách mỗi ngày")
    assert "mời kiểm tra lại" in await hoa.presses("Xem lại và gửi")
    assert "Mã sáng kiến của bạn" in await hoa.presses("Gửi sáng kiến")
    assert hoa.sent <= 12
    async with polling.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
        member = await session.get(Member, initiative.author_id)
    assert (initiative.status, initiative.title, member.name) == ("submitted", "Góc đọc sách cho bé", "Nguyễn Hoa")


async def test_the_help_chat_passes_a_voice_note_to_the_supporter(polling):
    an = Person(polling, SUPPORTER, "An", "Phạm Văn")
    await an.says("/start", "1", "nganh giao duc ha noi", "4")
    async with polling.db.transaction() as tx:
        member = await tx.members.by_identity("telegram", str(SUPPORTER))
        await tx.roles.grant(member.id, "support", (await tx.units.by_code("CDN-GD-HN")).id)
    hoa = Person(polling, WORKER)
    await hoa.says("/start CDCS-MN-KIMHY", "1", "Khác", "Góc đọc sách cho bé", "Giáo dục - đào tạo")
    await hoa.presses("Cần hỗ trợ")
    await polling.api.wait_for(lambda api: any("/nhan" in t for t in api.sent_texts(SUPPORTER)), timeout=5)
    await an.says("/yeucau", "1")
    await polling.api.wait_for(lambda api: any("đã nhận yêu cầu" in t for t in api.sent_texts(WORKER)), timeout=5)

    await hoa.send(voice_update(WORKER, "voice-of-hoa"))
    await polling.api.wait_for(
        lambda api: [c.params.get("voice") for c in api.calls_to("sendVoice") if c.params.get("chat_id") == SUPPORTER]
        == ["voice-of-hoa"], timeout=5)  # the supporter hears her
    await an.says("ok, chị nghe rồi")
    await polling.api.wait_for(lambda api: any(t.endswith("ok, chị nghe rồi") for t in api.sent_texts(WORKER)), timeout=5)
    back = await hoa.presses("Kết thúc hỗ trợ")
    assert "Bước 3/9" in back
    async with polling.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
    assert (initiative.problem, initiative.attachments) == (None, [])  # the chat is not the draft
