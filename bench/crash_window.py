"""Benchmark: the crash window. The leader is killed (kill -9) mid-broadcast; what goes twice after its restart?

    .venv/bin/python -m bench.crash_window [--groups 300] [--at 10,50,90] [--engines sqlite,postgres]
                                           [--postgres URL] [--latency 0.05-0.2] [--rate 300] [--json FILE]

Sending is at least once: a message the platform took and whose mark the database did not yet have
when the sending process died is sent again by the next leader. The bench measures how many that is.
On each engine, one broadcast: a fresh database with --groups bound groups, half of them bound to a
unit whose daily report has a chart (a photo, then the text), half to one whose report is text only;
the tests' fake Bot API in a process of its own, taking each message at once (it counts as delivered
then) and answering it --latency seconds later (a far, busy server); `sangkien run` as the leader (its
catch-up queues the daily report at start, its outbox sender sends it, at --rate messages a second,
0.1 s between two messages to one group: Telegram's limits scaled ten times).

Each time the fake API has the whole report of the next --at percent of the groups, the leader's
process group is killed with SIGKILL, and a new leader started; the last one is left to finish. At
each kill, from the fake API and the database: in flight = the killed leader's messages that the API
took (the calls: a chart and its text are two) and the database had not recorded (a row marked sent,
or its parts sent so far), of which so many the API had not yet answered. At the end: doubled = the
copies the API took beyond the first. Exits non-zero when more was doubled than was in flight at the
kills (or a copy went again that was not in flight at a kill), a group went without a part of its
report, or a row was left unsent.

PostgreSQL uses --postgres (default BENCH_POSTGRES_URL or postgresql+asyncpg://postgres@127.0.0.1:5432/test),
a database made and dropped for the run; marked skipped when no server answers. --code DIR runs the
leaders from another checkout (to measure an older commit); the database is made by this one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from bench import tree
from bench.echo import ROOT
from bench.pipeline import failed, say
from storage.db import Database
from storage.models import Outbox

CHART_UNIT, TEXT_UNIT = "CDN-GD-HN", "CDCS-MN-KIMHY"  # a report with a chart (three child units), one without
FIRST_GROUP = -1_001_000_000_000
SETTLE = 0.5  # s after the kill, beyond the slowest answer: what the killed process had written reaches the API


class SlowBotAPI:
    """Built in the fake's process (the tests' FakeBotAPI, whose module imports aiohttp's server only there)."""

    @staticmethod
    def make(latency: tuple[float, float]):
        from tests.bot.telegram.fake_api import FakeBotAPI

        class Slow(FakeBotAPI):
            """Each message taken at once (so counted delivered), answered `latency` seconds later."""

            def __init__(self) -> None:
                super().__init__()
                self.parts: dict[int, list[list]] = {}  # chat -> [kind, arrived, answered or None] per call taken
                self.random = random.Random(15)

            async def _send_message(self, params):
                return await self._slowly("text", params, super()._send_message)

            async def _send_photo(self, params):
                return await self._slowly("photo", params, super()._send_photo)

            async def _slowly(self, kind, params, take):
                message = await take(params)
                record = [kind, time.monotonic(), None]
                self.parts.setdefault(params["chat_id"], []).append(record)
                await asyncio.sleep(self.random.uniform(*latency))
                record[2] = time.monotonic()
                return message

            def complete(self) -> int:
                """Groups whose report has arrived whole (its text is the last part)."""
                return sum(1 for calls in self.parts.values() if any(kind == "text" for kind, _, _ in calls))

        return Slow()


def serve_slow_api(conn, latency: tuple[float, float]) -> None:
    """In the fake's process: answer the bench's questions ("complete", "parts") until "stop"."""

    async def serve() -> None:
        logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # a killed leader's requests break off
        api = SlowBotAPI.make(latency)
        await api.start()
        conn.send((api.token, api.base_url))
        loop = asyncio.get_running_loop()
        while (asked := await loop.run_in_executor(None, conn.recv)) != "stop":
            conn.send(api.complete() if asked == "complete" else api.parts)
        await api.stop()

    asyncio.run(serve())


class SlowAPIProcess:
    def __init__(self, latency: tuple[float, float]) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=serve_slow_api, args=(child, latency), daemon=True)
        self._lock = asyncio.Lock()
        self.token = self.base_url = ""

    async def __aenter__(self) -> "SlowAPIProcess":
        self._process.start()
        self.token, self.base_url = await asyncio.wait_for(asyncio.to_thread(self._conn.recv), 60)
        return self

    async def __aexit__(self, *exc) -> None:
        self._conn.send("stop")
        await asyncio.to_thread(self._process.join, 10)
        if self._process.is_alive():
            self._process.kill()

    async def ask(self, question: str):
        async with self._lock:
            self._conn.send(question)
            return await asyncio.wait_for(asyncio.to_thread(self._conn.recv), 60)


class Leader:
    """`sangkien run` by long polling against the fake, in a process group of its own (a kill takes all of it)."""

    def __init__(self, url: str, api: SlowAPIProcess, rate: float, code: Path, folder: Path) -> None:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_", "WEBHOOK_", "BOTS", "PUBLIC_BASE_URL"))}
        env.update(DATABASE_URL=url, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_URL=api.base_url, PYTHONPATH=str(code),
                   DAILY_PUSH_TIME="00:00", QUIET_HOURS="", LOG_LEVEL="WARNING", DATA_DIR=str(folder / "data"),
                   TELEGRAM_MESSAGES_PER_SECOND=str(rate), TELEGRAM_CHAT_INTERVAL_SECONDS="0.1",
                   SCHEDULER_LEADER_RETRY_SECONDS="1")
        self.env, self.folder, self.process = env, folder, None

    async def start(self, name: str) -> None:
        log = open(self.folder / f"{name}.log", "wb")
        self.process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", env=self.env,
                                                            cwd=self.folder, stdout=log, stderr=log,
                                                            start_new_session=True)
        log.close()

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except asyncio.TimeoutError:
                self.kill()
        await self.process.wait()

    def exited(self, name: str) -> str | None:
        if self.process.returncode is None:
            return None
        return f"the leader exited ({self.process.returncode}):\n{(self.folder / f'{name}.log').read_text()[-1500:]}"


async def bind(url: str, groups: int) -> list[int]:
    db = Database.from_url(url)
    try:
        async with db.transaction() as tx:
            units = [await tx.units.by_code(code) for code in (CHART_UNIT, TEXT_UNIT)]
            for n in range(groups):
                unit = units[n % 2]
                await tx.bound_chats.bind("telegram", str(FIRST_GROUP - n), kind="group", unit_id=unit.id,
                                          member_id=None, title=f"Công đoàn cơ sở số {n}")
    finally:
        await db.close()
    return [FIRST_GROUP - n for n in range(groups)]


async def recorded(url: str) -> dict[int, tuple[int, int]]:
    """Per group: (parts of its report, parts the database records as sent: all when marked, else pieces_sent)."""
    db = Database.from_url(url)
    try:
        async with db.session() as session:
            rows = (await session.execute(select(Outbox).where(Outbox.purpose == "push"))).scalars().all()
    finally:
        await db.close()
    out = {}
    for row in rows:
        parts = 2 if row.payload.get("image") else 1
        out[int(row.chat_id)] = (parts, parts if row.sent_at is not None else row.pieces_sent)
    return out


async def wait_for(check, seconds: float, every: float = 0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (found := await check()) is not None:
            return found
        await asyncio.sleep(every)
    return None


async def broadcast(url: str, chats: list[int], shares: list[float], args, code: Path) -> dict:
    """One broadcast; its leader killed each time the next share of the groups had their report, and restarted."""
    kills = []
    with tempfile.TemporaryDirectory(prefix="bench-crash-") as folder:
        async with SlowAPIProcess(args.latency) as api:
            started = time.monotonic()
            for n, share in enumerate([*shares, None]):
                leader, name = Leader(url, api, args.rate, code, Path(folder)), f"leader{n + 1}"
                restarted = time.monotonic()
                await leader.start(name)
                complete = None
                try:  # a leader left running only to be killed
                    if share is None:
                        rows = await wait_for(lambda: finished(url, chats, leader, name), 120, every=0.25)
                        took = time.monotonic() - restarted
                        break
                    threshold = max(1, round(share * len(chats)))
                    complete = await wait_for(lambda: reached(api, threshold, leader, name), 120)
                    if complete is None:
                        raise RuntimeError(f"fewer than {threshold} groups had the report in 120 s")
                finally:
                    if share is None or complete is None:
                        await leader.stop()
                leader.kill()
                killed_at = time.monotonic()
                await leader.process.wait()
                await asyncio.sleep(args.latency[1] + SETTLE)
                kills.append({"share": share, "threshold": threshold, "complete": complete, "started_at": restarted,
                              "killed_at": killed_at, "seconds_in": round(killed_at - started, 2),
                              "parts": await api.ask("parts"), "marks": await recorded(url)})
            final = await api.ask("parts")
    return tally(chats, kills, final, rows, took)


async def reached(api: SlowAPIProcess, threshold: int, leader: Leader, name: str) -> int | None:
    if (problem := leader.exited(name)) is not None:
        raise RuntimeError(problem)
    complete = await api.ask("complete")
    return complete if complete >= threshold else None


async def finished(url: str, chats: list[int], leader: Leader, name: str) -> dict | None:
    if (problem := leader.exited(name)) is not None:
        raise RuntimeError(problem)
    rows = await recorded(url)
    return rows if len(rows) == len(chats) and all(done == parts for parts, done in rows.values()) else None


def tally(chats: list[int], kills: list[dict], final: dict, rows: dict | None, took: float) -> dict:
    """Per kill: the killed leader's sends in flight (taken by the API, not recorded in the database), and how many
    of them went again after it; in all: every copy beyond the first, each of which must repeat such a send."""
    points, explained = [], 0
    for kill in kills:
        in_flight = unanswered = repeated = 0
        groups, again = set(), set()
        for chat in chats:
            parts, done = kill["marks"].get(chat, (0, 0))
            order = ("photo", "text") if parts == 2 else ("text",)
            for kind, arrived, answered in kill["parts"].get(chat, []):
                if arrived < kill["started_at"] or order.index(kind) < done:
                    continue  # an earlier leader's, or recorded
                in_flight += 1
                groups.add(chat)
                unanswered += answered is None or answered > kill["killed_at"]
                if any(k == kind and later > arrived for k, later, _ in final.get(chat, [])):
                    repeated += 1
                    again.add(chat)
        explained += repeated
        points.append({"percent": round(100 * kill["share"]), "kill_at_groups": kill["threshold"],
                       "complete_at_kill": kill["complete"], "seconds_in": kill["seconds_in"], "in_flight": in_flight,
                       "in_flight_unanswered": unanswered, "in_flight_groups": len(groups), "doubled": repeated,
                       "doubled_groups": len(again)})
    end = Counter((chat, kind) for chat, calls in final.items() for kind, _, _ in calls)
    doubled = sum(n - 1 for n in end.values() if n > 1)
    missing = sum(1 for chat in chats if not end[chat, "text"] or ((rows or {}).get(chat, (1, 0))[0] == 2
                                                                     and not end[chat, "photo"]))
    unsent = len(chats) if rows is None else sum(1 for parts, done in rows.values() if done < parts)
    in_flight = sum(p["in_flight"] for p in points)
    return {"kills": points, "doubled": doubled, "in_flight": in_flight, "unexplained": doubled - explained,
            "missing": missing, "unsent": unsent, "ok": doubled <= in_flight and doubled == explained and not missing
            and not unsent, "finished_after_restart_s": round(took, 1) if rows is not None else None}


async def engine_run(engine: str, args, code: Path) -> dict:
    async with tree.fresh_database(engine, args.postgres) as url:
        chats = await bind(url, args.groups)
        out = await broadcast(url, chats, [p / 100 for p in args.at], args, code)
    for p in out["kills"]:
        say(f"  {engine}, killed at {p['percent']}% ({p['complete_at_kill']} of {args.groups} groups had their report, "
            f"{p['seconds_in']} s in): in flight {p['in_flight']} messages ({p['in_flight_unanswered']} not yet "
            f"answered) to {p['in_flight_groups']} groups, of which {p['doubled']} went again")
    say(f"  {engine}: doubled {out['doubled']} in all ({out['unexplained']} not a send in flight at a kill), "
        f"{out['in_flight']} in flight at the kills; groups missing a part: {out['missing']}; rows left unsent: "
        f"{out['unsent']}; the last leader finished {out['finished_after_restart_s']} s after its start: "
        f"{'ok' if out['ok'] else 'NOT OK'}")
    return out


def latency_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--at", default="10,50,90", help="kill points: percent of the groups that had their report")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--postgres", metavar="URL", default=tree.POSTGRES_URL, help="a server to make a database on")
    parser.add_argument("--latency", type=latency_range, default=(0.05, 0.2), help="seconds to each answer: LOW-HIGH")
    parser.add_argument("--rate", type=float, default=300.0, help="messages a second (Telegram's 30, scaled)")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout the leaders run from")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    args.at = [int(p) for p in args.at.split(",")]
    out = {"groups": args.groups, "latency_s": list(args.latency), "rate": args.rate}
    if args.code.resolve() != ROOT:
        out["code"] = str(args.code)
    say(f"crash window: {args.groups} groups, answers after {args.latency[0]:g}-{args.latency[1]:g} s, "
        f"{args.rate:g} messages/s; kill -9 of the leader at {', '.join(f'{p}%' for p in args.at)}")
    for engine in args.engines.split(","):
        problem = await tree.postgres_problem(args.postgres) if engine == "postgres" else None
        if problem:
            out[engine] = {"skipped": f"PostgreSQL not reachable ({problem})"}
            say(f"  {engine}: skipped, {out[engine]['skipped']}")
            continue
        try:
            out[engine] = await engine_run(engine, args, args.code.resolve())
        except RuntimeError as error:
            out[engine] = {"failed": str(error)}
            say(f"  {engine}: failed: {error}")
    runs = [out[engine] for engine in args.engines.split(",") if "skipped" not in out[engine]]
    ok = all(run.get("ok") for run in runs)
    worst = max((p["doubled"] for run in runs for p in run.get("kills", [])), default=0)
    say(f"crash window: doubled at most {worst} after a kill; never more than in flight, every group had it: {ok}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0 if ok else 1


def section(part: dict) -> tuple[list[str], list[dict]]:
    """The results.md section and the targets of this part."""
    md = ["## 7. Crash window", "", f"    {part['command']}", ""]
    r = part.get("result")
    target = "doubled <= in flight at the kills; every group has it all"
    if not r:
        note = f"not completed: {failed(part)}"
        return md + [note, ""], [{"part": "crash window", "figure": "kill -9 of the leader mid-broadcast",
                                  "measured": note, "target": target, "met": None}]
    md += [f"`sangkien run` as the leader sends the daily report to {r['groups']} bound groups (half of them with a "
           f"chart: a photo, then the text) through the tests' fake Bot API in a process of its own, which takes each "
           f"message at once and answers it {r['latency_s'][0]:g}-{r['latency_s'][1]:g} s later; {r['rate']:g} "
           "messages a second, 0.1 s between two to one group (Telegram's limits, scaled ten times). Each time the "
           "given share of the groups had their whole report, the leader's process group is killed (SIGKILL) and a "
           "new leader started; the last one finishes. In flight at a kill: the killed leader's messages (API calls: a "
           "chart and its text are two) that the fake had taken and the database had not recorded, of which so many "
           "the fake had not yet answered; went again: those the fake took a second time after the kill. Doubled: "
           "every copy the fake took beyond the first.", "",
           "| engine | killed when | in flight at the kill | not yet answered by the API | answered, not yet recorded "
           "| groups | went again after the kill |", "|---|---|---:|---:|---:|---:|---:|"]
    targets, notes = [], []
    for engine in ("sqlite", "postgres"):
        res = r.get(engine, {"skipped": "not run"})
        if "skipped" in res or "failed" in res:
            why = res.get("skipped") or f"failed: {res['failed']}".replace("\n", " ")
            md.append(f"| {engine} | {why} | | | | | |")
            targets.append({"part": "crash window", "figure": f"{engine}: kill -9 of the leader mid-broadcast",
                            "measured": why, "target": target, "met": None if "skipped" in res else False})
            continue
        for p in res["kills"]:
            md.append(f"| {engine} | at {p['percent']}%: {p['complete_at_kill']} of {r['groups']} groups had it, "
                      f"{p['seconds_in']} s in | {p['in_flight']} | {p['in_flight_unanswered']} | "
                      f"{p['in_flight'] - p['in_flight_unanswered']} | {p['in_flight_groups']} | {p['doubled']} |")
        measured = (f"{res['doubled']} doubled, {res['in_flight']} in flight at {len(res['kills'])} kills "
                    f"({', '.join(str(p['in_flight']) for p in res['kills'])}); {res['missing']} groups missing a part; "
                    f"{res['unsent']} rows unsent")
        targets.append({"part": "crash window", "figure": f"{engine}: kill -9 of the leader mid-broadcast",
                        "measured": measured, "target": target, "met": res["ok"]})
        notes.append(f"- {engine}: {res['doubled']} copies beyond the first in all, {res['unexplained']} of them not "
                     f"a send in flight at a kill; {res['missing']} groups without their whole report, {res['unsent']} "
                     f"rows unsent; the last leader was done {res['finished_after_restart_s']} s after its start.")
    latency = sum(r["latency_s"]) / 2
    md += ["", *notes, "", f"Not yet answered: what the API's latency keeps in flight at the rate ({r['rate']:g} a second "
           f"x {latency:g} s on average, about {r['rate'] * latency:.0f}). Answered, not yet recorded: answers the "
           "leader's busy event loop had not yet taken in, and marks waiting for the batch being written. A chart "
           "that arrived is recorded before its text waits for the group's turn, so a kill between them sends the "
           "text only. On PostgreSQL, a leader started after a kill sends to the chats the dead one was sending to "
           "when their leases run out (30 s)."]
    return md + [""], targets


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
