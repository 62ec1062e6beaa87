"""Issue 15 (property): random JSON at both webhooks, with the right secret: nested, wrong types, unknown kinds,
updates with parts changed. Never a 5xx, never a traceback in the log, and nothing stored for a non-update."""

from __future__ import annotations

import asyncio
import copy
import json
import logging

import uuid

import aiohttp
import pytest
from aiogram.types import Update
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import func, select, text

from bot.channels.telegram import updates as telegram_updates
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.zalo import updates as zalo_updates
from bot.channels.zalo.channel import ZaloChannel
from storage import migrate
from storage.db import Database
from storage.demo import load_demo_units
from storage.models import ConversationState, Member, Outbox, ProcessedUpdate
from tests.bot.channel_harness import demo_database, settings_for, start, stop
from tests.bot.telegram import conftest as telegram_conftest
from tests.bot.telegram.fake_api import FakeBotAPI
from tests.bot.telegram.fake_api import text_update as telegram_text
from tests.bot.zalo import conftest as zalo_conftest
from tests.bot.zalo.fake_api import FakeZaloAPI
from tests.bot.zalo.fake_api import text_update as zalo_text
from tests.conftest import POSTGRES_URL, require_postgres

NAMES = ["update_id", "message", "message_id", "date", "chat", "id", "type", "from", "is_bot", "first_name", "text",
         "event_name", "result", "ok", "callback_query", "data", "my_chat_member", "chat_type", "display_name",
         "photo", "photo_url", "voice", "voice_url", "caption", "mentions", "sticker", "entities", "reply_to_message",
         "edited_message", "poll", "message.text.received", "message.voice.received", "GROUP", "private"]
keys = st.sampled_from(NAMES) | st.text(max_size=6)
scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats() | st.sampled_from(NAMES) | st.text(max_size=20))
texts = st.text(max_size=40) | st.sampled_from(["/start", "/new", "/report", "1", "Xong", "Bỏ qua", "@Sáng kiến /help",
                                                 "\x00", "\ud800", "a" * 5000])
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
                      max_leaves=25)
# Deep nesting as the body's text: Hypothesis could not even print it as Python values.
deep = st.integers(min_value=1, max_value=1200).map(lambda depth: '{"message": ' + "[" * depth + "]" * depth + "}")


@st.composite
def changed(draw, base: dict) -> dict:
    """A real update with a few of its parts replaced by anything or taken out."""
    update = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        node = update
        if isinstance(update.get("message"), dict) and draw(st.integers(0, 4)):  # mostly inside the message
            node = update["message"]
        while isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            if isinstance(node[key], dict) and node[key] and draw(st.booleans()):
                node = node[key]
                continue
            how = draw(st.sampled_from(["take out", "anything", "same kind"]))
            if how == "take out":
                del node[key]
            elif how == "anything" or not isinstance(node[key], (str, int)):
                node[key] = draw(values)
            else:  # a text for a text, a number for a number: often still a valid update, handled
                node[key] = draw(st.integers() if isinstance(node[key], int) and not isinstance(node[key], bool)
                                 else st.booleans() if isinstance(node[key], bool) else texts)
            break
    if draw(st.booleans()):  # a new delivery, not a repeat of one already handled
        number = draw(st.integers(min_value=1, max_value=10**9))
        if isinstance(update.get("update_id"), int):
            update["update_id"] = number
        inner = update.get("result") if isinstance(update.get("result"), dict) else update
        message = inner.get("message")
        if isinstance(message, dict) and "message_id" in message:
            message["message_id"] = number if isinstance(message["message_id"], int) else f"fz{number}"
    return update


@st.composite
def said(draw, base: dict) -> dict:
    """A real update, new, whose text is anything: the conversations behind the webhook get it."""
    update = copy.deepcopy(base)
    number = draw(st.integers(min_value=1, max_value=2**31))
    if "update_id" in update:
        update["update_id"] = number
    update["message"]["message_id"] = number if isinstance(update["message"]["message_id"], int) else f"fz{number}"
    update["message"]["text"] = draw(texts)
    return update


def bodies(telegram: dict, zalo: dict):
    return st.one_of(st.dictionaries(keys, values, max_size=6), values, deep, *[changed(telegram)] * 2,
                     *[changed(zalo)] * 2, changed({"ok": True, "result": zalo}), said(telegram), said(zalo))


TELEGRAM = telegram_text(7001, "Xin chào", update_id=1)
ZALO = zalo_text("fz01", "Xin chào")


async def counts(db) -> tuple[int, ...]:
    async with db.session() as session:
        return tuple([await session.scalar(select(func.count()).select_from(model))
                      for model in (ProcessedUpdate, Outbox, Member, ConversationState)])


def acted_on_by_telegram(harness, body) -> bool:
    try:
        update = Update.model_validate(body, context={"bot": harness.channel.bot})
    except (ValueError, ValidationError, TypeError, RecursionError):
        return False
    return telegram_updates.incoming(update, harness.channel.username, harness.channel.name) is not None


def acted_on_by_zalo(harness, body) -> bool:
    if not isinstance(body, dict):
        return False
    return zalo_updates.incoming(body, harness.channel.bot, harness.channel.name) is not None


async def deliver(http, harness, header: str, secret: str, body: str) -> int:
    async with http.post(harness.webhook_url, data=body.encode(), headers={header: secret}) as response:
        return response.status


def parsed(body: str):
    try:
        return json.loads(body)
    except RecursionError:
        return None


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_random_json_at_both_webhooks_never_a_5xx_a_traceback_or_a_stored_non_update(engine, tmp_path, caplog):
    """Issue 15: throw random JSON at both webhooks with the right secret: never a 5xx, never a traceback
    in the log, nothing stored for a non-update (on PostgreSQL too, which keeps no NUL and no overlong value)."""
    with asyncio.Runner() as runner:
        telegram = runner.run(_harness(TelegramChannel, FakeBotAPI, engine, tmp_path, "telegram"))
        zalo = runner.run(_harness(ZaloChannel, FakeZaloAPI, engine, tmp_path, "zalo"))
        http = runner.run(_session())
        sides = ((telegram, "X-Telegram-Bot-Api-Secret-Token", telegram_conftest.SECRET, acted_on_by_telegram),
                 (zalo, "X-Bot-Api-Secret-Token", zalo_conftest.SECRET, acted_on_by_zalo))

        @settings(max_examples=100, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(body=bodies(TELEGRAM, ZALO))
        @example(body='{"update_id": 1, "message": ' + "[" * 900 + "]" * 900 + "}")
        @example(body={"event_name": "message.text.received", "message": dict(ZALO["message"], text=[[["x"]]])})
        @example(body={"message": dict(ZALO["message"], message_id="\ud800")})
        @example(body=dict(TELEGRAM, update_id=2, message=dict(TELEGRAM["message"], text="a\x00b")))
        @example(body={"message": dict(ZALO["message"], message_id={"a": 1}, chat={"id": "fz02"})})
        @example(body={"message": dict(ZALO["message"], message_id="fz-long", chat={"id": "a" * 300},
                                       **{"from": {"id": "a" * 300}})})
        @example(body={"message": dict(ZALO["message"], message_id="fz-url", photo_url="https://z/" + "a" * 600)})
        @example(body={"event_name": "message.image.received", "message": dict(ZALO["message"], photo_url={"a": 1},
                                                                               caption=[1])})
        def check(body):
            body = body if isinstance(body, str) else json.dumps(body)
            for harness, header, secret, acted_on in sides:
                seen = len(caplog.records)
                before = runner.run(counts(harness.db))
                status = runner.run(deliver(http, harness, header, secret, body))
                runner.run(_settle(harness))
                assert status < 500, (status, harness.channel.name, body)
                logged = caplog.records[seen:]
                assert not [r for r in logged if r.exc_info or r.exc_text], [r.getMessage() for r in logged]
                if status >= 400 or not acted_on(harness, parsed(body)):
                    assert runner.run(counts(harness.db)) == before, body

        try:
            with caplog.at_level(logging.INFO):
                check()
        finally:
            runner.run(http.close())
            for harness in (telegram, zalo):
                runner.run(stop(harness))
                runner.run(harness.drop())
    assert "Traceback" not in caplog.text


async def _harness(channel_class, api_class, engine: str, tmp_path, name: str):
    """A channel by webhook over a demo database of its own: a SQLite file, or a PostgreSQL schema."""
    drop = _nothing
    if engine == "sqlite":
        db = await demo_database(name)
    else:
        await require_postgres()
        schema = f"fz_{uuid.uuid4().hex[:12]}"
        admin = Database.from_url(POSTGRES_URL)
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        db = Database.from_url(POSTGRES_URL, search_path=schema)
        await migrate.upgrade(db)
        async with db.transaction() as tx:
            await load_demo_units(tx)

        async def drop():
            async with admin.engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.close()
    api = api_class()
    await api.start()
    if name == "telegram":
        settings = settings_for(telegram_bot_token=api.token, telegram_api_url=api.base_url,
                                telegram_chat_interval_seconds=0.01,
                                telegram_webhook_url="https://bot.example.org/telegram/hook",
                                telegram_webhook_secret=telegram_conftest.SECRET)
    else:
        settings = settings_for(zalo_bot_token=api.token, zalo_api_url=api.base_url, zalo_chat_interval_seconds=0.01,
                                zalo_webhook_url="https://bot.example.org/zalo/hook",
                                zalo_webhook_secret=zalo_conftest.SECRET)
    channel, server = await start(channel_class, settings, db, webhook=True)
    harness_class = telegram_conftest.Harness if name == "telegram" else zalo_conftest.Harness
    harness = harness_class(api, db, channel, server)
    harness.drop = drop
    return harness


async def _nothing() -> None:
    pass


async def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))


async def _settle(harness) -> None:
    """Replies Telegram's webhook sends after its answer go out before the next example."""
    if harness.channel.name.startswith("telegram"):
        await harness.channel.webhook.drain()
