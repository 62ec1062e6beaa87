"""`sangkien run --workers 2`: two worker processes on one webhook port and one PostgreSQL database.

Each update is posted on a connection of its own, so the kernel spreads them over both workers,
as it spreads Telegram's connections. A redelivery (the same update twice, at once) must count
once; updates of one chat arriving together on both workers must all be kept.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import select

from storage.db import Database
from storage.demo import load_demo_units
from storage.models import Initiative
from tests.bot.telegram.fake_api import FakeBotAPI, text_update
from tests.conftest import whole_postgres_database

# One pair of workers for the whole file (starting three interpreters costs seconds of both cores); each test
# talks in chats of its own, and the update ids go on from one test to the next as Telegram's do.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRET = "workers-s3cret"
ROOT = Path(__file__).resolve().parents[3]
# Each person's idea unlike the others', so none gets the "a similar one was sent" notice.
IDEAS = (
    ("Cải tiến giá kẹp phôi máy tiện", "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm",
     "Làm thêm gá định vị bằng thép tấm", "Giảm hàng hỏng từ 20 xuống 2 sản phẩm mỗi ca"),
    ("Sổ trực ca điện tử cho khoa cấp cứu", "Ghi chép giao ca bằng tay, hay sót thuốc đã dùng",
     "Dùng bảng tính chung trên máy tính bảng", "Không còn sót thông tin khi giao ca"),
    ("Tái sử dụng nước làm mát máy ép nhựa", "Mỗi ngày xả bỏ ba khối nước làm mát",
     "Lắp bể lắng và bơm tuần hoàn", "Tiết kiệm chín phần mười lượng nước"),
    ("Bảng chấm công bằng mã QR", "Xếp hàng chấm công buổi sáng mất mười lăm phút",
     "Quét mã bằng điện thoại ở cổng xưởng", "Công nhân vào ca đúng giờ, bớt ùn tắc"),
    ("Thư viện sách nhỏ cho con công nhân", "Các cháu không có chỗ đọc sách khi chờ bố mẹ tan ca",
     "Góp sách cũ, đóng giá gỗ đặt ở nhà chờ", "Hơn trăm cháu đọc sách mỗi tuần"),
    ("Đèn cảnh báo xe nâng ở ngã rẽ kho", "Xe nâng va người đi bộ ở góc khuất",
     "Gắn cảm biến và đèn nháy vàng ở góc kho", "Không còn va chạm trong sáu tháng"),
    ("Hướng dẫn thủ tục hành chính bằng video", "Người dân phải đi lại nhiều lần vì thiếu giấy tờ",
     "Quay video ngắn cho từng thủ tục, đăng lên trang xã", "Giảm một nửa số lần đi lại"),
)


def submission(n: int = 0) -> list[str]:
    title, problem, solution, benefit = IDEAS[n]
    return ["Sáng kiến mới", title, "Sản xuất kinh doanh", problem, solution, benefit, "20 triệu", "Đúng", "Bỏ qua",
            "Lê Văn Nam, Phạm Thị Thu", "Xong", "Xong", "Gửi sáng kiến"]


UNITS = ("mam non kim hy", "dien tu thang long", "may song nhue", "tieu hoc nghia tan", "be tong hong ha",
         "benh vien da khoa dong anh", "linh kien quang minh")


def registration(n: int = 0) -> list[str]:
    return ["/start", "Tiếng Việt", "Nguyễn Thị Hoa", UNITS[n], "Khác"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Workers:
    api: FakeBotAPI
    url: str
    health: str
    database_url: str
    http: aiohttp.ClientSession
    ids: itertools.count = field(default_factory=lambda: itertools.count(5000))
    inline: dict[int, list[str]] = field(default_factory=dict)  # replies that rode in webhook responses

    async def post(self, update: dict) -> None:
        """As Telegram does: again until answered 200 (an error makes it redeliver)."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        for _ in range(10):
            async with self.http.post(self.url, json=update, headers=headers) as response:
                if response.status == 200:
                    body = await response.json()
                    if body.get("method") == "sendMessage":
                        self.inline.setdefault(body["chat_id"], []).append(body["text"])
                    return
            await asyncio.sleep(0.2)
        raise AssertionError(f"update {update['update_id']} never answered 200")

    def update(self, chat: int, text: str) -> dict:
        return text_update(chat, text, update_id=next(self.ids))

    def replies(self, chat: int) -> list[str]:
        return self.inline.get(chat, []) + self.api.sent_texts(chat)

    async def settled(self, chat: int, count: int = 0) -> int:
        """The chat's replies once at least `count` have come and no more came for a second (those sent
        after the webhook response arrive a moment later); bounded at 30 s."""
        seen, still = -1, 0.0
        for _ in range(600):
            now = len(self.replies(chat))
            still = still + 0.05 if now == seen else 0.0
            seen = now
            if now >= count and still >= 1.0:
                break
            await asyncio.sleep(0.05)
        return seen


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def postgres_database_url():
    async with whole_postgres_database() as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def workers(postgres_database_url, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("workers")
    db = Database.from_url(postgres_database_url)
    async with db.transaction() as tx:
        await load_demo_units(tx)
    await db.close()
    port = free_port()
    async with FakeBotAPI() as api:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_", "WEBHOOK_"))}
        env.update(DATABASE_URL=postgres_database_url, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_URL=api.base_url,
                   TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/tg", TELEGRAM_WEBHOOK_SECRET=SECRET,
                   WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port), TELEGRAM_CHAT_INTERVAL_SECONDS="0",
                   QUIET_HOURS="", DAILY_PUSH_TIME="23:59", PYTHONPATH=str(ROOT))
        log = tmp_path / "workers.log"
        with open(log, "wb") as out:
            process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", "--workers", "2",
                                                           env=env, cwd=tmp_path, stdout=out, stderr=out)
        # A fresh connection per request: the kernel picks a worker for each, as for Telegram's connections.
        http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True),
                                     timeout=aiohttp.ClientTimeout(total=30))
        try:
            health = f"http://127.0.0.1:{port}/healthz"
            await both_listening(http, health, process, log)
            yield Workers(api, f"http://127.0.0.1:{port}/tg", health, postgres_database_url, http)
        finally:
            await http.close()
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 40)
                except asyncio.TimeoutError:
                    process.kill()
                    await process.wait()
    assert process.returncode == 0, log.read_text()[-3000:]
    assert api.token not in log.read_text()
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]  # a busy chat is no bug (issue 15, defect 7)
    assert len(api.calls_to("setWebhook")) == 1  # told once, by the first worker


async def both_listening(http: aiohttp.ClientSession, health: str, process, log: Path) -> None:
    seen: set[int] = set()
    for _ in range(900):  # up to 90 s: two interpreters import the bot and connect
        if process.returncode is not None:
            raise AssertionError(f"sangkien run --workers 2 exited:\n{log.read_text()[-3000:]}")
        try:
            async with http.get(health) as response:
                if response.status == 200:
                    seen.add((await response.json())["worker"])
        except aiohttp.ClientError:
            pass
        if seen == {0, 1}:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"workers answering: {sorted(seen)}\n{log.read_text()[-3000:]}")


async def initiatives(url: str, chats: list[int]) -> list[Initiative]:
    """The initiatives of the people writing from these chats."""
    db = Database.from_url(url)
    try:
        async with db.transaction() as tx:
            authors = [(await tx.members.by_identity("telegram", str(chat))).id for chat in chats]
            query = select(Initiative).where(Initiative.author_id.in_(authors)).order_by(Initiative.id)
            return list((await tx.session.execute(query)).scalars())
    finally:
        await db.close()


async def walk(workers: Workers, chat: int, steps: list[str], twice: bool) -> None:
    for text in steps:
        update = workers.update(chat, text)
        posts = [workers.post(update)] + ([workers.post(json.loads(json.dumps(update)))] if twice else [])
        await asyncio.gather(*posts)


async def test_two_workers_fed_every_update_twice_record_each_initiative_once(workers):
    alone = 900001  # the same walk, each update once: how many replies it gets
    await walk(workers, alone, registration(0) + submission(0), twice=False)
    expected = await workers.settled(alone, len(submission()))
    chats = [900100 + n for n in range(6)]

    await asyncio.gather(*(walk(workers, chat, registration(n + 1) + submission(n + 1), twice=True)
                           for n, chat in enumerate(chats)))

    for chat in chats:
        await workers.settled(chat, expected)
    stored = await initiatives(workers.database_url, [alone, *chats])
    assert sorted((i.status, i.title, i.problem) for i in stored) == sorted(("submitted", *idea[:2]) for idea in IDEAS)
    assert len({i.code for i in stored}) == 7 and len({i.author_id for i in stored}) == 7
    assert {chat: len(workers.replies(chat)) for chat in chats} == {chat: expected for chat in chats}


async def test_answers_of_one_chat_arriving_together_on_both_workers_are_all_kept(workers):
    chat = 900200
    await walk(workers, chat, registration() + submission()[:3], twice=False)  # now asked for the problem
    before = await workers.settled(chat)
    title, *answers = IDEAS[0]

    await asyncio.gather(*(workers.post(workers.update(chat, answer)) for answer in answers))  # typed fast

    await workers.settled(chat, before + len(answers))
    [draft] = await initiatives(workers.database_url, [chat])
    assert draft.status == "draft" and draft.title == title
    assert sorted([draft.problem, draft.solution, draft.benefit]) == sorted(answers)  # each answer kept, none lost
    assert len(workers.replies(chat)) == before + len(answers)  # and each answered once
