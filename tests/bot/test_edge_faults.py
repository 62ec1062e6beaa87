"""Issue 15 ("Bad input and faults: a clear answer, nothing lost, never a traceback"), defects 1 and 7 at the
webhook server: the file routes, /healthz, a database that hangs, clients that hang, bodies that are no update."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
import time
from contextlib import asynccontextmanager

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.webhook import Bounds, WebhookServer
from handlers.exports import CSV_TYPE
from storage.db import Conflict, Database, Timeouts
from storage.models import Member, Outbox, ProcessedUpdate
from tests.bot.telegram.conftest import SECRET as TELEGRAM_SECRET
from tests.bot.telegram.conftest import webhook as telegram  # noqa: F401  (fixture)
from tests.bot.zalo.conftest import SECRET as ZALO_SECRET
from tests.bot.zalo.conftest import webhook as zalo  # noqa: F401  (fixture)
from tests.storage.test_db_faults import silent_server

QUICK = Bounds(work=1.0, read=0.5, idle=0.5, health=0.5)


def tracebacks(caplog) -> list[str]:
    """The log lines that carry a traceback (none is expected from any fault here)."""
    return [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text] + (
        ["Traceback"] if "Traceback" in caplog.text else [])


@asynccontextmanager
async def served(db: Database, bounds: Bounds = QUICK):
    server = WebhookServer(db, "127.0.0.1", 0, bounds=bounds)
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


# Defect 1: CSV export links.

async def test_a_csv_export_link_is_served_with_its_charset(db, caplog):
    """Defect 1: CSV export links always answered 500 on Zalo (the stored type carries a charset, which
    aiohttp's content_type refuses)."""
    data = "Mã;Tên\r\nSK-2026-000001;Gá định vị\r\n".encode("utf-8-sig")
    async with db.transaction() as tx:
        token = await tx.images.add(data, CSV_TYPE, "sangkien-CDN-GD-HN-20261122.csv")
    async with served(db) as base, aiohttp.ClientSession() as http:
        async with http.get(f"{base}/media/{token}") as response:
            assert response.status == 200 and await response.read() == data
            assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
            assert 'filename="sangkien-CDN-GD-HN-20261122.csv"' in response.headers["Content-Disposition"]
    assert not tracebacks(caplog)


# Defect 7: bad paths.

@pytest.mark.parametrize("path", ["/media/%00", "/files/%00", "/files/%00.aac", "/media/a%00b", "/media/" + "x" * 5000,
                                  "/files/..%2F..%2Fetc%2Fpasswd", "/media/%C3%A1", "/media/%FF%FE"])
async def test_a_path_that_names_no_file_is_404_without_a_traceback(db, caplog, path):
    """Defect 7: /media/%00 answered 500 with a traceback to anyone (PostgreSQL refuses NUL in text)."""
    async with served(db) as base, aiohttp.ClientSession() as http:
        async with http.get(base + path) as response:
            assert response.status == 404
    assert not tracebacks(caplog)


# Defect 7: a database that hangs.

async def test_health_answers_503_in_bounded_time_while_the_database_hangs(caplog):
    """Defect 7: while the database hangs, /healthz hung (monitoring never saw a 503)."""
    async with silent_server() as url:
        db = Database.from_url(url, timeouts=Timeouts(connect=60))
        try:
            async with served(db) as base, aiohttp.ClientSession() as http:
                started = time.monotonic()
                async with http.get(f"{base}/healthz", timeout=aiohttp.ClientTimeout(total=5)) as response:
                    assert response.status == 503 and (await response.json())["ok"] is False
                assert time.monotonic() - started < 2
        finally:
            await db.close()
    assert not tracebacks(caplog)


async def test_a_webhook_whose_database_hangs_answers_503_to_be_delivered_again(telegram, caplog):  # noqa: F811
    """Defect 7: no database timeout, so while the database hangs, webhooks hung; now the platform is told
    to deliver again (503) within the bound, with a line in the log and no traceback."""
    async with silent_server() as url:
        hung = Database.from_url(url,
                                 timeouts=Timeouts(connect=0.5, statement=0.5, pool=0.5))
        telegram.channel.dispatcher.db = hung
        try:
            started = time.monotonic()
            status, headers = await post_telegram(telegram, {"update_id": 1, "message": {
                "message_id": 1, "date": 1763707410, "chat": {"id": 5151, "type": "private"},
                "from": {"id": 5151, "is_bot": False, "first_name": "Hoa"}, "text": "/start"}})
            assert status == 503 and headers.get("Retry-After") == "1"
            assert time.monotonic() - started < 3
        finally:
            telegram.channel.dispatcher.db = telegram.db
            await hung.close()
    assert any("answered 503" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert not tracebacks(caplog)


async def test_a_webhook_whose_work_outlasts_the_bound_answers_503(zalo, monkeypatch, caplog):  # noqa: F811
    """Defect 7: a webhook whose work hangs is answered 503 (Zalo delivers it again) once its bound is past."""
    await zalo.server.stop()
    zalo.server = WebhookServer(zalo.db, "127.0.0.1", 0, bounds=QUICK)
    zalo.channel.attach(zalo.server)
    await zalo.server.start()

    async def forever(_incoming, _claim=None):
        await asyncio.sleep(3600)

    monkeypatch.setattr(zalo.channel.dispatcher, "handle", forever)
    started = time.monotonic()
    assert await post_zalo(zalo, zalo_text("ab12", "Xin chào")) == 503
    assert time.monotonic() - started < 3
    assert not tracebacks(caplog)


# Defect 7: a chat busy in another worker.

async def test_a_chat_still_busy_after_every_retry_is_answered_503_without_a_traceback(telegram, zalo, monkeypatch,  # noqa: F811
                                                                                     caplog):
    """Defect 7: a burst of updates from one chat on two workers ended in 500s after three conflict retries,
    each logged with a traceback; now the platform is told to deliver it again (503, Retry-After), in a line."""
    monkeypatch.setattr("handlers.dispatcher.PAUSE", 0.001, raising=False)
    for harness in (telegram, zalo):
        async def busy(tx, incoming, charts):
            raise Conflict("another worker wrote to this chat first")

        monkeypatch.setattr(harness.channel.dispatcher, "_handle", busy)
    status, headers = await post_telegram(telegram, {"update_id": 2, "message": {
        "message_id": 2, "date": 1763707410, "chat": {"id": 5151, "type": "private"},
        "from": {"id": 5151, "is_bot": False, "first_name": "Hoa"}, "text": "/start"}})
    assert (status, headers.get("Retry-After")) == (503, "1")
    assert await post_zalo(zalo, zalo_text("ab12", "Xin chào")) == 503
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if "answered 503" in w and "Conflict" in w]) == 2
    assert not tracebacks(caplog)
    assert await stored(telegram.db) == (0, 0, 0) and await stored(zalo.db) == (0, 0, 0)


# Defect 7: clients that hang.

def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    return sock


async def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes the connection within `seconds` (reads until the end)."""
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            try:
                data = await asyncio.wait_for(loop.sock_recv(sock, 4096), deadline - time.monotonic())
            except (asyncio.TimeoutError, TimeoutError):
                return False
            except ConnectionError:
                return True
            if not data:
                return True
        return False
    finally:
        sock.close()


async def test_a_connection_that_sends_half_a_request_line_is_closed(tmp_path):
    """Defect 7: slow-header connections were never closed."""
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    server = WebhookServer(db, "127.0.0.1", 0, bounds=QUICK)
    await server.start()
    try:
        half = connect(server.port)
        half.sendall(b"POST /telegram/hook HT")
        dribble = connect(server.port)
        dribble.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # the headers never end
        assert await closed_within(half, 2.5) and await closed_within(dribble, 2.5)
    finally:
        await server.stop()
        await db.close()


async def test_a_body_that_stops_coming_is_answered_408(telegram, caplog):  # noqa: F811
    """Defect 7: a webhook call whose body stops half way held its handler without end."""
    await telegram.server.stop()
    telegram.server = WebhookServer(telegram.db, "127.0.0.1", 0, bounds=QUICK)
    telegram.channel.attach(telegram.server)
    await telegram.server.start()
    sock = connect(telegram.server.port)
    sock.sendall(b"POST /telegram/hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"X-Telegram-Bot-Api-Secret-Token: " + TELEGRAM_SECRET.encode() + b"\r\n"
                 b"Content-Length: 100\r\n\r\n{\"update_id\": 1")
    loop = asyncio.get_running_loop()
    sock.setblocking(False)
    try:
        answer = await asyncio.wait_for(loop.sock_recv(sock, 4096), 3)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408")
    assert not tracebacks(caplog)


async def test_idle_connections_are_closed(tmp_path):
    """Defect 7: idle connections were never closed, before a first request and between requests."""
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    server = WebhookServer(db, "127.0.0.1", 0, bounds=QUICK)
    await server.start()
    try:
        silent = connect(server.port)
        kept = connect(server.port)
        kept.sendall(b"GET /media/nothing HTTP/1.1\r\nHost: x\r\n\r\n")  # answered 404, then kept alive
        assert await closed_within(silent, 2.5)
        assert await closed_within(kept, 2.5)
    finally:
        await server.stop()
        await db.close()


async def test_a_request_that_keeps_within_the_bounds_is_answered_on_a_kept_connection(tmp_path):
    """The bounds close only the slow: two requests on one kept-alive connection are both answered."""
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    server = WebhookServer(db, "127.0.0.1", 0, bounds=QUICK)
    await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(2):
                async with http.get(f"http://127.0.0.1:{server.port}/healthz") as response:
                    assert response.status == 200
                await asyncio.sleep(0.3)
    finally:
        await server.stop()
        await db.close()


# Defect 7: bodies that are no update.

def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


BAD_BODIES = {
    "nested 1,000 deep": (b'{"update_id": 1, "message": ' + nested(1000) + b"}", 400),
    "objects 900 deep": (b'{"a":' * 900 + b"1" + b"}" * 900, 400),
    "nested 100,000 deep": (nested(100_000), 400),
    "invalid": (b"{oops", 400),
    "a list": (b"[1, 2]", 400),
    "a string": (b'"text"', 400),
    "not UTF-8": (b"\xff\xfe", 400),
    "a lone surrogate": (b'{"update_id": 3, "message": {"text": "\\ud800"}}', 400),
    "a NUL": (b'{"event_name": "message.text.received", "message": {"text": "a\\u0000b"}}', 400),
    "huge": (b'{"message": "' + b"x" * (3 * 1024 * 1024) + b'"}', 413),
}


async def test_a_body_that_is_no_update_is_refused_and_changes_nothing(telegram, zalo, caplog):  # noqa: F811
    """Defect 7: JSON nested 1,000 levels answered 500; invalid, non-object, unkeepable or huge bodies are
    refused plainly too, and nothing is stored."""
    for harness, header, secret in ((telegram, "X-Telegram-Bot-Api-Secret-Token", TELEGRAM_SECRET),
                                    (zalo, "X-Bot-Api-Secret-Token", ZALO_SECRET)):
        for name, (body, status) in BAD_BODIES.items():
            async with aiohttp.ClientSession() as http:
                headers = {header: secret, "Content-Type": "application/json"}
                async with http.post(harness.webhook_url, data=io.BytesIO(body), headers=headers) as response:
                    assert response.status == status, (harness.channel.name, name)
        assert await stored(harness.db) == (0, 0, 0)
    assert not tracebacks(caplog)


async def stored(db) -> tuple[int, int, int]:
    async with db.session() as session:
        return tuple([await session.scalar(select(func.count()).select_from(model))
                      for model in (ProcessedUpdate, Outbox, Member)])


# Helpers for the channels' webhooks.

async def post_telegram(harness, update: dict) -> tuple[int, dict]:
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    async with aiohttp.ClientSession() as http:
        async with http.post(harness.webhook_url, json=update, headers=headers,
                             timeout=aiohttp.ClientTimeout(total=10)) as response:
            return response.status, dict(response.headers)


async def post_zalo(harness, update: dict) -> int:
    headers = {"X-Bot-Api-Secret-Token": ZALO_SECRET}
    async with aiohttp.ClientSession() as http:
        async with http.post(harness.webhook_url, json=update, headers=headers,
                             timeout=aiohttp.ClientTimeout(total=10)) as response:
            return response.status


def zalo_text(chat: str, text: str) -> dict:
    return {"event_name": "message.text.received", "message": {
        "message_id": f"m-{time.monotonic_ns()}", "date": 1763707410772, "text": text,
        "from": {"id": chat, "display_name": "Hoa", "is_bot": False}, "chat": {"id": chat, "chat_type": "PRIVATE"}}}
