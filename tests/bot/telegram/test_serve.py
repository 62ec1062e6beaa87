"""`sangkien run` with a Telegram token: the whole wiring, from settings to a reply, then a clean stop."""

import asyncio
import os
import sys

from bot.serve import serve
from bot.settings import ExtraBot, Settings
from storage import migrate
from storage.db import Database
from tests.bot.telegram.fake_api import FakeBotAPI, text_update


async def test_serve_answers_on_telegram_and_stops_cleanly(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    db = Database.from_url(url)
    await migrate.upgrade(db)
    await db.close()
    async with FakeBotAPI() as api:
        settings = Settings(_env_file=None, database_url=url, telegram_bot_token=api.token, telegram_api_url=api.base_url)
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, stop))
        api.push_update(text_update(77, "/start"))
        await api.wait_for(lambda api: len(api.sent_texts(77)) == 2)
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    assert "Xin chào" in api.sent_texts(77)[0]
    assert api.calls_to("deleteWebhook") and api.calls_to("setMyCommands")


async def bound_group(url: str, *chat_ids: int) -> None:
    from storage.demo import load_demo_units

    db = Database.from_url(url)
    await migrate.upgrade(db)
    async with db.transaction() as tx:
        await load_demo_units(tx)
        unit = await tx.units.by_code("CDCS-MN-KIMHY")
        for chat_id in chat_ids:
            await tx.bound_chats.bind("telegram", str(chat_id), kind="group", unit_id=unit.id, member_id=None)
    await db.close()


def pushing_now(url: str, api: FakeBotAPI, per_second: float = 30) -> Settings:
    """Settings whose push time has passed at any hour, with no quiet hours: the leader catches up at start."""
    return Settings(_env_file=None, database_url=url, telegram_bot_token=api.token, telegram_api_url=api.base_url,
                    daily_push_time="00:00", quiet_hours="", scheduler_leader_retry_seconds=0.2,
                    telegram_messages_per_second=per_second)


async def test_the_running_bot_pushes_the_daily_figures_to_a_bound_group(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    await bound_group(url, -500)
    async with FakeBotAPI() as api:
        stop = asyncio.Event()
        running = asyncio.create_task(serve(pushing_now(url, api), stop))
        await api.wait_for(lambda api: any(t.startswith("☀️") for t in api.sent_texts(-500)))
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    assert "Công đoàn cơ sở Trường Mầm non Kim Hỷ" in api.sent_texts(-500)[0]


async def test_two_bot_processes_on_one_postgres_database_push_once(postgres_database_url):
    url = postgres_database_url
    groups = [-600 - i for i in range(300)]  # at 40 a second the push takes longer than a sender's pause (5 s)
    await bound_group(url, *groups)
    async with FakeBotAPI() as api:
        stop = asyncio.Event()
        processes = [asyncio.create_task(serve(pushing_now(url, api, per_second=40), stop)) for _ in range(2)]
        await api.wait_for(lambda api: all(api.sent_texts(g) for g in groups), timeout=30)
        await asyncio.sleep(1.0)  # time enough for a second sender to send some again, were it to
        stop.set()
        await asyncio.wait_for(asyncio.gather(*processes), timeout=15)
    assert {g: len(api.sent_texts(g)) for g in groups} == {g: 1 for g in groups}


async def test_each_of_several_bots_pushes_to_the_groups_bound_through_it(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    await bound_group(url, -500)  # through the main bot
    db = Database.from_url(url)
    async with db.transaction() as tx:
        unit = await tx.units.by_code("CDCS-MN-KIMHY")
        await tx.bound_chats.bind("telegram-gd", "-501", kind="group", unit_id=unit.id, member_id=None)
    await db.close()
    async with FakeBotAPI() as main, FakeBotAPI(token="4242:education-sector-bot", username="sangkien_gd_bot") as sector:
        extra = {"name": "gd", "token": sector.token, "unit": "CDN-GD-HN", "api_url": sector.base_url}
        settings = pushing_now(url, main).model_copy(update={"bots": [ExtraBot(**extra)]})
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, stop))
        await main.wait_for(lambda api: api.sent_texts(-500))
        await sector.wait_for(lambda api: api.sent_texts(-501))
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    assert len(main.sent_texts(-500)) == 1 and len(sector.sent_texts(-501)) == 1  # each through its own bot's limits
    assert main.sent_texts(-501) == [] and sector.sent_texts(-500) == []
    assert sector.calls_to("getMe") and sector.calls_to("deleteWebhook")  # polling, like the main bot here


async def test_a_bot_serving_a_unit_not_in_the_database_stops_the_start(tmp_path):
    import pytest

    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    await bound_group(url)
    async with FakeBotAPI() as main:
        bot = ExtraBot(name="hcm", token="77:x", unit="LDLD-HCM")
        settings = pushing_now(url, main).model_copy(update={"bots": [bot]})
        with pytest.raises(ValueError, match="LDLD-HCM"):
            await asyncio.wait_for(serve(settings, asyncio.Event()), timeout=10)


async def test_a_command_menu_telegram_refuses_is_a_warning_and_the_bot_serves(tmp_path, caplog):
    """Issue 15, defect 8: setMyCommands failing must not stop `sangkien run`: one warning, and the bot answers."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    await bound_group(url)
    async with FakeBotAPI() as api:
        api.fail_next("setMyCommands", error_code=400, description="Bad Request: BOT_COMMAND_INVALID", times=3)
        settings = Settings(_env_file=None, database_url=url, telegram_bot_token=api.token, telegram_api_url=api.base_url)
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, stop))
        api.push_update(text_update(78, "/start"))
        await api.wait_for(lambda api: len(api.sent_texts(78)) == 2 or running.done())
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    assert "Xin chào" in api.sent_texts(78)[0]
    [warning] = [r for r in caplog.records if "setMyCommands" in r.getMessage()]
    assert warning.levelname == "WARNING" and "BOT_COMMAND_INVALID" in warning.getMessage()
    assert "the bot serves without it" in warning.getMessage() and warning.exc_info is None


async def test_an_essential_call_failing_stops_the_start_in_one_line(tmp_path):
    """Issue 15, defect 8: getMe, without which the bot cannot serve, stops `sangkien run` with one line naming it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    await bound_group(url)
    async with FakeBotAPI() as api:
        api.fail_next("getMe", error_code=401, times=10)
        env = {**os.environ, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.base_url,
               "TELEGRAM_WEBHOOK_URL": "", "DATA_DIR": str(tmp_path / "data")}
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", env=env,
                                                       stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    said = err.decode().splitlines()
    assert process.returncode == 1 and said[-1].startswith("sangkien run stopped: telegram getMe failed")
    assert "the bot cannot serve without it: check its token" in said[-1] and "Traceback" not in err.decode()
    assert api.token not in err.decode()


async def test_the_leader_hears_a_voice_note_and_the_words_come_back(tmp_path, whisper_base):
    from pathlib import Path

    from tests.bot.telegram.fake_api import voice_update

    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    await bound_group(url)
    clip = (Path(__file__).parent.parent / "hearing" / "doi-khuon.ogg").read_bytes()
    async with FakeBotAPI() as api:
        api.files["voice-1"] = clip
        settings = Settings(_env_file=None, database_url=url, telegram_bot_token=api.token,
                            telegram_api_url=api.base_url, data_dir=str(tmp_path / "data"), quiet_hours="",
                            voice_engine="faster-whisper", voice_model_dir=str(whisper_base),
                            scheduler_leader_retry_seconds=0.2)
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, stop))
        for n, text in enumerate(("/start CDCS-MN-KIMHY", "1", "Khác", "Đổi khuôn nhanh", "1")):
            api.push_update(text_update(77, text))
            await api.wait_for(lambda api, n=n: len(api.sent_texts(77)) > n)
        api.push_update(voice_update(77, "voice-1", duration=4, file_size=len(clip)))
        await api.wait_for(lambda api: any("Mình nghe được" in t for t in api.sent_texts(77)), timeout=120)
        stop.set()
        await asyncio.wait_for(running, timeout=70)
    assert any("Mình đang nghe" in t for t in api.sent_texts(77))
