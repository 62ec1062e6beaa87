"""The bots under load: a bare aiogram 3 echo bot (the floor), ours as `sangkien run`, and the fake Bot API.

    .venv/bin/python -m bench.echo --port 8081 --api http://127.0.0.1:PORT [--mode response|call]

The echo bot answers each message with its text (a photo with "photo"): `--mode response` (default)
returns the sendMessage call in the webhook response (aiogram's SimpleRequestHandler with
handle_in_background=False, as our bot answers); `--mode call` awaits sendMessage on the Bot API,
as aiogram's own echo example does. `FakeBotAPI` answers every method at once with a canned result;
`Server` runs either bot in a subprocess and reads its CPU time and resident memory from /proc;
`--profiled-worker FILE` runs `sangkien run` with cProfile on between SIGUSR1 and SIGUSR2.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
from aiohttp import web

TOKEN = "123456:BENCH-token_abc"
SECRET = "bench-Secret_token"
ROOT = Path(__file__).resolve().parents[1]
ME = {"id": 123456, "is_bot": True, "first_name": "Sáng kiến", "username": "sangkien_bench_bot",
      "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


class FakeBotAPI:
    """A Bot API that answers everything at once: getMe, a canned Message for send*, True otherwise."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._message = json.dumps({"ok": True, "result": {
            "message_id": 1, "date": 0, "chat": {"id": 1, "type": "private", "first_name": "Hoa"},
            "from": {k: ME[k] for k in ("id", "is_bot", "first_name", "username")}, "text": "ok"}})
        self._me = json.dumps({"ok": True, "result": ME})
        self._true = json.dumps({"ok": True, "result": True})

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        await request.read()
        method = request.match_info["method"].lower()
        self.calls[method] += 1
        sends = method.startswith("send") and method != "sendchataction"
        body = self._me if method == "getme" else self._message if sends else self._true
        return web.Response(text=body, content_type="application/json")


def ticks(stat: Path, children: bool = False) -> float:
    """CPU seconds in a /proc stat file (with `children`, of its ended and waited-for children too)."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return sum(int(value) for value in fields[11:15 if children else 13]) / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> float:
    """CPU seconds of the local PostgreSQL server's processes (0 when it runs elsewhere)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and (proc / "comm").read_text().strip() in ("postgres", "postmaster"):
                total += ticks(proc / "stat", children=True)  # ended backends count in the server's own
        except OSError:
            continue
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A bot in a subprocess, started and stopped around a block: ours (`python -m bot run`) or the echo bot."""

    def __init__(self, argv: list[str], env: dict, port: int, api: FakeBotAPI, ready=None) -> None:
        self.argv, self.env, self.port, self.api, self.ready = argv, env, port, api, ready
        self.folder = tempfile.TemporaryDirectory(prefix="bench-worker-")
        self.log = Path(self.folder.name) / "stderr.log"
        self.process: asyncio.subprocess.Process | None = None
        self.profile: Path | None = None

    @classmethod
    def ours(cls, database_url: str, api: FakeBotAPI, profile: Path | None = None, workers: int = 1) -> "Server":
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_", "WEBHOOK_"))}
        env.update(DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/tg",
                   TELEGRAM_WEBHOOK_SECRET=SECRET, TELEGRAM_API_URL=api.base_url, WEBHOOK_HOST="127.0.0.1",
                   WEBHOOK_PORT=str(port), LOG_LEVEL="WARNING", TELEGRAM_MESSAGES_PER_SECOND="1000000",
                   TELEGRAM_CHAT_INTERVAL_SECONDS="0", PUBLIC_BASE_URL="")
        if profile:  # `sangkien run` inside `python -m bench.echo --profiled-worker`, profiled only while measured
            env["PYTHONPATH"] = str(ROOT)
            argv = [sys.executable, "-m", "bench.echo", "--profiled-worker", str(profile)]
        else:
            argv = [sys.executable, "-m", "bot", "run", *(["--workers", str(workers)] if workers > 1 else [])]
        before = api.calls["setwebhook"]
        server = cls(argv, env, port, api, ready=lambda: api.calls["setwebhook"] > before)
        server.profile = profile
        return server

    @classmethod
    def echo(cls, api: FakeBotAPI, mode: str = "response") -> "Server":
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        argv = [sys.executable, "-m", "bench.echo", "--port", str(port), "--api", api.base_url, "--mode", mode]
        return cls(argv, env, port, api)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tg"

    async def __aenter__(self) -> "Server":
        with open(self.log, "wb") as log:
            self.process = await asyncio.create_subprocess_exec(*self.argv, env=self.env, cwd=self.folder.name,
                                                                stdout=log, stderr=log)
        try:
            await self._started()
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def _started(self) -> None:
        async with aiohttp.ClientSession() as http:
            for _ in range(600):  # up to 60 s to import, check the database and register the webhook
                await asyncio.sleep(0.1)
                if self.process.returncode is not None:
                    raise RuntimeError(f"the bot exited at start:\n{self.log.read_text()[-2000:]}")
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                        if response.status == 200 and (self.ready is None or self.ready()):
                            return
                except aiohttp.ClientError:
                    continue
        raise RuntimeError(f"the bot did not start in 60 s:\n{self.log.read_text()[-2000:]}")

    async def __aexit__(self, *exc) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except asyncio.TimeoutError:
                self.process.kill()
                await self.process.wait()
        self.folder.cleanup()

    def pids(self) -> list[int]:
        """The process and its children (the workers, once `--workers` exists)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:  # a kernel without CONFIG_PROC_CHILDREN
            children = []
        return [self.process.pid, *map(int, children)]

    def cpu(self) -> dict:
        """CPU seconds (user + system) of the event loops' threads and of the other threads (SQLite's), children too."""
        spent = {"loop": 0.0, "threads": 0.0}
        for pid in self.pids():
            loop = ticks(Path(f"/proc/{pid}/task/{pid}/stat"))
            spent["loop"] += loop
            spent["threads"] += ticks(Path(f"/proc/{pid}/stat")) - loop  # the process counts ended threads too
        return spent

    def memory(self) -> dict:
        """Resident memory now and at its peak (MB) of the process (the largest, with workers)."""
        sizes = []
        for pid in self.pids():
            status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
            sizes.append({key: round(int(status[key].split()[0]) / 1024, 1) for key in ("VmRSS", "VmHWM")})
        return max(sizes, key=lambda size: size["VmRSS"])


def workers_option() -> bool:
    """Whether `sangkien run` takes --workers yet (another change may add it)."""
    import subprocess

    done = subprocess.run([sys.executable, "-m", "bot", "run", "--help"], capture_output=True, text=True, timeout=60,
                          cwd=tempfile.gettempdir(), env={**os.environ, "TERM": "dumb", "COLUMNS": "200"})
    return "--workers" in done.stdout


def profiled_worker(out: str) -> None:
    """`sangkien run`, profiled from SIGUSR1 to SIGUSR2 (the measured window, not the imports), with its GC pauses."""
    profiler = cProfile.Profile()
    pauses: list[tuple[int, float]] = []  # (generation, seconds) of each collection in the window
    clock = {"on": False, "started": 0.0}

    def collected(phase: str, info: dict) -> None:
        if phase == "start":
            clock["started"] = time.perf_counter()
        elif clock["on"]:
            pauses.append((info["generation"], time.perf_counter() - clock["started"]))

    def start(*_) -> None:
        clock["on"] = True
        profiler.enable()

    def dump(*_) -> None:
        profiler.disable()
        clock["on"] = False
        profiler.dump_stats(out)
        Path(f"{out}.gc.json").write_text(json.dumps(pauses))

    gc.callbacks.append(collected)
    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, dump)
    from bot.cli import app

    app(["run"], prog_name="sangkien")


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def echo_app(api_url: str, mode: str):
    """The aiohttp application of the echo bot, and its Bot (to close)."""
    from aiogram import Bot, Dispatcher, F
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler

    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    dispatcher = Dispatcher()

    @dispatcher.message(F.chat.type == "private")
    async def echo(message: Message):
        answer = message.answer(message.text or ("photo" if message.photo else "?"))
        if mode == "call":
            await answer
            return None
        return answer  # rides in the webhook response

    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, handle_in_background=False, secret_token=SECRET).register(app, path="/tg")
    app.router.add_get("/healthz", healthz)
    return app, bot


async def serve(port: int, api_url: str, mode: str) -> None:
    app, bot = echo_app(api_url, mode)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    for name in ("SIGINT", "SIGTERM"):
        asyncio.get_running_loop().add_signal_handler(getattr(signal, name), stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await bot.session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int)
    parser.add_argument("--api", help="the fake Bot API's base URL (http://127.0.0.1:PORT)")
    parser.add_argument("--mode", choices=("response", "call"), default="response")
    parser.add_argument("--profiled-worker", metavar="FILE", help="run `sangkien run` instead, profiled on signals")
    args = parser.parse_args()
    if args.profiled_worker:
        return profiled_worker(args.profiled_worker)
    if args.port is None or args.api is None:
        parser.error("--port and --api are needed")
    asyncio.run(serve(args.port, args.api, args.mode))


if __name__ == "__main__":
    main()
