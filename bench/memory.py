"""Memory: resident memory of one worker (`sangkien run`) with 10,000 conversations in progress.

    .venv/bin/python -m bench.memory [--conversations 10000] [--budget 240] [--json FILE]

10,000 workers are registered beforehand (members with their Telegram accounts, in bulk); each then
opens "Sáng kiến mới" through the webhook, so the worker has handled every one of them and each
stands at the first question of the form. VmRSS (and its peak, VmHWM) is read from /proc when the
worker is idle after start, and after every quarter. --budget bounds the time spent sending: the
figure then says how many conversations were reached.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from bench.echo import ROOT, FakeBotAPI, Server
from bench.pipeline import Load, failed, say
from bench.tree import bulk, fresh_database
from storage.db import Database
from storage.models import ConversationState, Unit

ABOVE_ECHO = 0.10  # the target: at most 10% more than the bare aiogram echo bot holds (issue 17)


async def register(url: str, count: int, first_chat: int) -> None:
    """`count` members of Trường Mầm non Kim Hỷ, each with a Telegram account (chat id = user id)."""
    db = Database.from_url(url)
    try:
        async with db.session() as session:
            unit = (await session.execute(select(Unit.id).where(Unit.code == "CDCS-MN-KIMHY"))).scalar_one()
        sqlite = db.engine.dialect.name == "sqlite"
        now = datetime.now(timezone.utc)
        when = now.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else now
        members = [(first_chat + i, f"Nguyễn Thị Hoa {i}", f"nguyen thi hoa {i}", unit, "vi", when)
                   for i in range(count)]
        await bulk(db, "members", ("id", "name", "name_folded", "unit_id", "locale", "created_at"), members)
        identities = [(i + 1, "telegram", str(first_chat + i), first_chat + i, when) for i in range(count)]
        columns = ("id", "channel", "external_user_id", "member_id", "created_at")
        await bulk(db, "channel_identities", columns, identities)
    finally:
        await db.close()


IMPORTS = ("sqlalchemy.ext.asyncio", "asyncpg", "aiosqlite", "aiohttp", "pydantic", "aiogram", "rapidfuzz",
           "storage.models", "handlers.dispatcher", "bot.channels.telegram.channel", "bot.serve", "bot.cli")
ON_FIRST_USE = ("matplotlib.pyplot", "openpyxl", "docx")  # a chart, a spreadsheet, a form: not in a worker at start
MEASURE_IMPORTS = """
import importlib, json, sys
def rss():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1]) / 1024
steps, before = [("python", round(rss(), 1))], rss()
for name in sys.argv[1:]:
    importlib.import_module(name)
    steps.append((name, round(rss() - before, 1)))
    before = rss()
print(json.dumps(steps))
"""


def import_profile() -> list[tuple[str, float]]:
    """Resident MB each import adds, in the order `sangkien run` would need them (a fresh interpreter)."""
    done = subprocess.run([sys.executable, "-c", MEASURE_IMPORTS, *IMPORTS, *ON_FIRST_USE], capture_output=True, text=True, timeout=120,
                          cwd=str(ROOT))
    return [tuple(step) for step in json.loads(done.stdout)] if done.returncode == 0 else []


async def in_progress(url: str) -> int:
    db = Database.from_url(url)
    try:
        async with db.session() as session:
            query = select(func.count()).select_from(ConversationState).where(ConversationState.flow == "submit")
            return (await session.execute(query)).scalar_one()
    finally:
        await db.close()


async def run(conversations: int, clients: int, budget: float) -> dict:
    first_chat = 7_000_000_000
    api = FakeBotAPI()
    await api.start()
    out: dict = {"conversations_asked": conversations, "checkpoints": []}
    try:
        async with Server.echo(api) as echo:  # the floor: aiogram alone, its updates parsed and answered
            async with Load(echo.url, script=lambda chat: ["Sáng kiến mới"]) as load:
                await load.closed(4, 1.0)
            await asyncio.sleep(1.0)
            out["echo"] = echo.memory()
        out["target_mb"] = round(out["echo"]["VmHWM"] * (1 + ABOVE_ECHO), 1)
        say(f"  the echo bot: {out['echo']['VmRSS']} MB; the target: {out['target_mb']} MB")
        async with fresh_database("sqlite") as url:
            await register(url, conversations, first_chat)
            async with Server.ours(url, api) as worker:
                async with Load(worker.url, script=lambda chat: ["Sáng kiến mới"]) as load:
                    await load.closed(4, 1.0)  # warm: the first updates import and build what every later one uses
                    await asyncio.sleep(1.0)
                    out["idle"] = worker.memory()
                    say(f"  idle after start: {out['idle']['VmRSS']} MB")
                    chats = iter(range(first_chat, first_chat + conversations))
                    stats = {"latencies": [], "errors": 0, "inline": 0}
                    started, done = time.perf_counter(), 0
                    marks = {conversations * q // 4 for q in (1, 2, 3, 4)}

                    async def client() -> None:
                        nonlocal done
                        for chat in chats:
                            if time.perf_counter() - started > budget:
                                return
                            await load.post(chat, "Sáng kiến mới", stats)
                            done += 1
                            if done in marks:
                                out["checkpoints"].append({"conversations": done, **worker.memory()})
                                say(f"  {done} conversations: {out['checkpoints'][-1]['VmRSS']} MB")

                    await asyncio.wait_for(asyncio.gather(*(client() for _ in range(clients))), budget + 60)
                    out["seconds"] = round(time.perf_counter() - started, 1)
                    await asyncio.sleep(1.0)
                    out["final"] = worker.memory()
            out["errors"] = stats["errors"]
            out["in_progress"] = await in_progress(url)
    finally:
        await api.stop()
    out["reached"] = out["in_progress"] >= conversations and out["errors"] == 0
    out["met"] = out["reached"] and out["final"]["VmHWM"] <= out["target_mb"]
    if not out["met"]:
        out["imports"] = import_profile()
    say(f"  {out['in_progress']} conversations in progress: VmRSS {out['final']['VmRSS']} MB, "
        f"peak {out['final']['VmHWM']} MB (idle {out['idle']['VmRSS']} MB) in {out['seconds']} s")
    return out


def section(part: dict) -> tuple[list[str], list[dict]]:
    """The Memory section of results.md and its target."""
    md = ["## 5. Memory", "", f"    {part['command']}", ""]
    r = part.get("result")
    target = f"<= the echo bot's + {ABOVE_ECHO:.0%}"
    if not r:
        note = f"not completed: {failed(part)}"
        return md + [note, ""], [{"part": "memory", "figure": "worker RSS, 10,000 conversations", "measured": note,
                                  "target": target, "met": None}]
    md += [f"{r['conversations_asked']:,} registered workers each open \"Sáng kiến mới\" through the webhook of one "
           "`sangkien run` on SQLite (32 at a time), which leaves each at the first question of the form; resident memory "
           "from /proc (VmRSS now, VmHWM its peak).", "",
           "| moment | conversations in progress | VmRSS (MB) | VmHWM (MB) |", "|---|---:|---:|---:|",
           f"| idle, after start | 0 | {r['idle']['VmRSS']} | {r['idle']['VmHWM']} |",
           *(f"| after {c['conversations']:,} | {c['conversations']:,} | {c['VmRSS']} | {c['VmHWM']} |"
             for c in r["checkpoints"]),
           f"| at the end ({r['seconds']} s of sending) | {r['in_progress']:,} | {r['final']['VmRSS']} | "
           f"{r['final']['VmHWM']} |",
           f"| the bare aiogram echo bot, after its first updates | — | {r['echo']['VmRSS']} | {r['echo']['VmHWM']} |",
           ""]
    measured = f"{r['final']['VmHWM']} MB peak with {r['in_progress']:,} in progress"
    if not r["reached"]:
        md += [f"Only {r['in_progress']:,} of {r['conversations_asked']:,} conversations were reached in the time budget "
               f"({r['errors']} errors): the figure is for {r['in_progress']:,}.", ""]
    if not r["met"] and r.get("imports"):
        grown = r["final"]["VmRSS"] - r["idle"]["VmRSS"]
        md += [f"**Missed: at most {r['target_mb']} MB (the echo bot's {r['echo']['VmHWM']} MB and {ABOVE_ECHO:.0%}).** "
               f"The worker holds {r['idle']['VmRSS']} MB before any conversation; the "
               f"conversations add {grown:.1f} MB (their state lives in the database, not in the process). What the "
               "process imports makes the rest (MB each import adds, in a fresh interpreter, in this order):", "",
               "| import | + MB |", "|---|---:|",
               *(f"| {name}{' (on first use only)' if name in ON_FIRST_USE else ''} | {mb} |" for name, mb in r["imports"]),
               "",
               "aiogram is most of the echo bot too; what ours adds beyond it is SQLAlchemy and the bot's own "
               f"modules, more than the {ABOVE_ECHO:.0%} allowed.", ""]
    return md, [{"part": "memory", "figure": "worker RSS, 10,000 conversations", "measured": measured,
                 "target": f"{target} ({r['target_mb']} MB)", "met": r["met"]}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32, help="updates in flight at once")
    parser.add_argument("--budget", type=float, default=240.0, help="seconds at most for sending")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    args = parser.parse_args()
    result = asyncio.run(run(args.conversations, args.clients, args.budget))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
