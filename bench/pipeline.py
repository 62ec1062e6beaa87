"""Pipeline: webhook updates per second and latency of our bot (`sangkien run`), against a bare aiogram echo bot.

    .venv/bin/python -m bench.pipeline [--engines sqlite,postgres] [--clients 32] [--seconds 8] [--json FILE]

K simulated workers (--clients) each walk the whole registration and submission flow (Vietnamese texts
with accents, a photo) as Telegram Update JSON posted to the real webhook server of `sangkien run`
(a subprocess, Telegram's client pointed at a fast fake Bot API in this process), each posting its
next update when the previous one is answered: the peak. The same run puts the same updates to
bench/echo.py (the floor), then drives ours open-loop at 70% of its peak for the latency there.
The per-chat and overall send limits are lifted (TELEGRAM_CHAT_INTERVAL_SECONDS=0): the workers
type at machine speed, and what is measured is the pipeline, not Telegram's pacing.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import itertools
import json
import os
import pstats
import random
import signal
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

from bench.echo import ROOT, SECRET, FakeBotAPI, Server, postgres_cpu, workers_option
from bench.tree import postgres_problem, stored_submissions

PHOTO = None  # a step of the script that sends a photo
LOOP_MS = 1.5  # the target: the event loop's CPU per update on the whole flow (issue 17)
PACED_SECONDS = 12.0  # at least: the p99 of a few hundred answers is a handful of them
UNITS = ("mam non kim hy", "dien tu thang long", "may song nhue", "tieu hoc nghia tan", "be tong hong ha",
         "benh vien da khoa dong anh", "linh kien quang minh", "uy ban nhan dan xa kim no")
NAMES = ("Nguyễn Thị Hoa", "Trần Văn Minh", "Lê Thị Thu Hà", "Phạm Quốc Dũng", "Đặng Thị Ngọc Ánh")
IDEAS = (("Cải tiến giá kẹp phôi máy tiện", "Sản xuất kinh doanh", "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm",
          "Làm thêm gá định vị bằng thép tấm", "Giảm hàng hỏng từ 20 xuống 2 sản phẩm mỗi ca", "20 triệu"),
         ("Sổ trực ca điện tử cho khoa cấp cứu", "Y tế", "Ghi chép giao ca bằng tay, hay sót thuốc đã dùng",
          "Dùng bảng tính chung trên máy tính bảng", "Không còn sót thông tin khi giao ca", "15 triệu"),
         ("Tái sử dụng nước làm mát máy ép nhựa", "An toàn vệ sinh lao động, môi trường",
          "Mỗi ngày xả bỏ 3 khối nước làm mát", "Lắp bể lắng và bơm tuần hoàn", "Tiết kiệm 90% nước làm mát", "50 triệu"))


STEPS = ("/start", "name", "unit search", "target group", "title", "field", "problem",
         "solution", "benefit", "value", "value confirmed", "first applied: Bỏ qua", "co-authors", "co-authors: Xong",
         "photo", "attachments: Xong", "Gửi sáng kiến (submit)")


def script(n: int) -> list[str | None]:
    """One worker's whole walk: registration (/start, name, unit, group; then the form at once) and a full submission."""
    title, field, problem, solution, benefit, value = IDEAS[n % len(IDEAS)]
    return ["/start", NAMES[n % len(NAMES)], UNITS[n % len(UNITS)], "Khác", title, field,
            problem, solution, benefit, value, "Đúng", "Bỏ qua", "Lê Văn Nam, Phạm Thị Thu", "Xong", PHOTO, "Xong",
            "Gửi sáng kiến"]


class Load:
    """Posts Telegram updates to one webhook URL and records each answer's latency."""

    def __init__(self, url: str, script=script) -> None:
        self.url, self.script = url, script
        self.ids = itertools.count(random.randrange(10**9, 2 * 10**9))  # chats and updates never seen before
        self.flows = 0
        self.http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Load":
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=512), timeout=aiohttp.ClientTimeout(total=30))
        return self

    async def __aexit__(self, *exc) -> None:
        await self.http.close()

    def update(self, chat: int, step: str | None) -> bytes:
        uid = next(self.ids)
        person = {"first_name": "Hoa", "last_name": "Nguyễn"}
        message = {"message_id": uid, "date": int(time.time()), "chat": {"id": chat, "type": "private", **person},
                   "from": {"id": chat, "is_bot": False, **person, "language_code": "vi"}}
        if step is PHOTO:
            message["photo"] = [{"file_id": f"AgAC-{uid}-{w}", "file_unique_id": f"U{uid}{w}", "width": w,
                                 "height": w * 3 // 4, "file_size": w * w // 12} for w in (90, 800, 1280)]
        else:
            message["text"] = step
            if step.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(step.split()[0])}]
        return json.dumps({"update_id": uid, "message": message}, ensure_ascii=False).encode()

    async def post(self, chat: int, step: str | None, stats: dict, since: float | None = None) -> None:
        started = since if since is not None else time.perf_counter()
        await self.post_update(self.update(chat, step), stats, started)

    async def post_update(self, data: bytes, stats: dict, started: float) -> None:
        """One update to the webhook: its answer time from `started`, whether it failed, whether it answered inline."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
        try:
            async with self.http.post(self.url, data=data, headers=headers) as response:
                body = await response.read()
                ok = response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            ok, body = False, b""
        stats["latencies"].append(time.perf_counter() - started)
        stats["errors"] += not ok
        stats["inline"] += ok and body[:2] != b"{}"

    async def closed(self, clients: int, seconds: float) -> dict:
        """Each client walks flows back to back, one update in flight: the peak throughput."""
        stats = {"latencies": [], "errors": 0, "inline": 0}
        start = time.perf_counter()

        async def client() -> None:
            while time.perf_counter() - start < seconds:
                chat = next(self.ids)
                for step in self.script(chat):
                    if time.perf_counter() - start >= seconds:
                        return
                    await self.post(chat, step, stats)
                self.flows += 1

        await asyncio.wait_for(asyncio.gather(*(client() for _ in range(clients))), seconds + 60)
        return summary(stats, time.perf_counter() - start)

    async def probe(self, seconds: float) -> dict[str, float]:
        """One worker alone, whole flows for about `seconds`: the median answer time (ms) of each step, unqueued."""
        stats, times = {"latencies": [], "errors": 0, "inline": 0}, {}
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            chat = next(self.ids)
            for step, text in zip(STEPS, self.script(chat)):
                await self.post(chat, text, stats)
                times.setdefault(step, []).append(stats["latencies"][-1])
            self.flows += 1
        return {step: round(1000 * sorted(t)[len(t) // 2], 1) for step, t in times.items()}

    async def paced(self, rate: float, seconds: float) -> dict:
        """Open loop: updates arrive every 1/rate s whatever the answers; latency counts from the arrival."""
        stats = {"latencies": [], "errors": 0, "inline": 0}
        chats = [[next(self.ids), 0] for _ in range(max(8, int(rate)))]  # each chat gets an update about once a second
        locks = [asyncio.Lock() for _ in chats]
        start = time.perf_counter()

        async def arrive(slot: int, at: float) -> None:
            async with locks[slot]:
                chat, position = chats[slot]
                steps = self.script(chat)
                await self.post(chat, steps[position], stats, since=at)
                chats[slot] = [chat, position + 1] if position + 1 < len(steps) else [next(self.ids), 0]
                self.flows += position + 1 == len(steps)

        arrivals = {}
        for i in range(int(rate * seconds)):
            at = start + i / rate
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            arrivals[asyncio.create_task(arrive(i % len(chats), at))] = at
        _, late = await asyncio.wait(arrivals, timeout=60)
        for task in late:  # unanswered after a minute: an error, and at least that late
            task.cancel()
            stats["latencies"].append(time.perf_counter() - arrivals[task])
        stats["errors"] += len(late)
        result = summary(stats, time.perf_counter() - start)
        result["offered_per_second"] = round(rate, 1)
        return result


def summary(stats: dict, elapsed: float) -> dict:
    latencies = sorted(stats["latencies"]) or [0.0]
    at = lambda q: round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1)  # noqa: E731
    n = len(stats["latencies"])
    return {"updates": n, "seconds": round(elapsed, 2), "per_second": round(n / elapsed, 1), "p50_ms": at(0.50),
            "p90_ms": at(0.90), "p99_ms": at(0.99), "max_ms": at(1.0), "errors": stats["errors"],
            "inline_share": round(stats["inline"] / max(1, n), 2)}


async def measure(server: Server, clients: int, seconds: float, paced: bool = True, probe: float = 0.0) -> dict:
    """Warm up, the peak (closed loop), then open loop at 70% of that peak; with `probe`, each step alone."""
    async with Load(server.url) as load:
        await load.closed(clients, min(3.0, seconds / 2))
        before, database, sent = server.cpu(), postgres_cpu(), sum(server.api.calls.values())
        if server.profile:
            server.process.send_signal(signal.SIGUSR1)
        result = {"peak": await load.closed(clients, seconds)}
        if server.profile:
            server.process.send_signal(signal.SIGUSR2)
        after, n = server.cpu(), max(1, result["peak"]["updates"])
        spent = {**{part: after[part] - before[part] for part in after}, "postgres": postgres_cpu() - database}
        result["peak"]["cpu_ms_per_update"] = {part: round(max(0.0, 1000 * s / n), 2) for part, s in spent.items()}
        result["peak"]["api_calls_per_update"] = round((sum(server.api.calls.values()) - sent) / n, 2)
        if paced:
            result["paced70"] = await load.paced(0.7 * result["peak"]["per_second"], max(seconds, PACED_SECONDS))
        if probe:
            result["steps_ms"] = await load.probe(probe)
        result["flows"] = load.flows
    return result


def profile_top(path: Path, updates: int, lines: int = 12) -> dict:
    """Where the worker's event loop spent its time: per package, and the costliest functions of ours."""
    stats = pstats.Stats(str(path))
    groups: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    for (file, _, name), (_, ncalls, tottime, _, _) in stats.stats.items():
        if (file.endswith("storage/repositories/__init__.py") and name == "__init__") or name == "_execute_context":
            calls[name] += ncalls
        if "site-packages/" in file:
            group = file.split("site-packages/", 1)[1].split("/", 1)[0]
        elif file.startswith(str(ROOT)):
            group = "ours: " + file[len(str(ROOT)) + 1:].split("/", 1)[0]
        elif file == "~":
            group = "builtin: " + name.strip("<>").split(" of ")[0].removeprefix("built-in method ")[:40]
        else:
            group = "stdlib: " + Path(file).parent.name + "/" + Path(file).stem
        groups[group] += tottime
    total = sum(groups.values()) or 1
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("cumulative").print_stats(rf"{ROOT}/(bot|handlers|conversations|storage|reminders)/", lines)
    ours = [line.replace(str(ROOT) + "/", "") for line in out.getvalue().splitlines()
            if str(ROOT) in line and "List reduced" not in line]
    pauses = json.loads(Path(f"{path}.gc.json").read_text()) if Path(f"{path}.gc.json").exists() else []
    collections = {str(g): {"count": sum(1 for gen, _ in pauses if gen == g),
                            "total_ms": round(1000 * sum(s for gen, s in pauses if gen == g), 1),
                            "longest_ms": round(1000 * max((s for gen, s in pauses if gen == g), default=0), 1)}
                   for g in (0, 1, 2)}
    return {"updates": updates, "gc": collections, "transactions_per_update": round(calls["__init__"] / max(1, updates), 1),
            "statements_per_update": round(calls["_execute_context"] / max(1, updates), 1),
            "by_package": [[group, round(t / total, 3)] for group, t in groups.most_common(lines)],
            "cumulative_ours": ["   ncalls  tottime  percall  cumtime  percall filename:lineno(function)", *ours]}


def profile_text(profile: dict) -> str:
    return "\n".join([
        f"per update: {profile['transactions_per_update']} transactions, {profile['statements_per_update']} SQL statements",
        "garbage collections in the window: " + "; ".join(
            f"generation {g}: {c['count']}, {c['total_ms']} ms in all, longest {c['longest_ms']} ms"
            for g, c in profile.get("gc", {}).items()),
        "self time of the event loop's thread, by package (SQLite works in threads of its own):",
        *(f"{share:6.1%}  {group}" for group, share in profile["by_package"]),
        "cumulative time of our functions (coroutines count each resumption):", *profile["cumulative_ours"]])


async def ours(engine: str, url: str, api: FakeBotAPI, clients: int, seconds: float, echo_rate: float,
               workers: int = 1, profile: bool = True) -> dict:
    """Our bot on a database at `url`: the peak, latency at 70%, and the profile when slower than the echo bot."""
    async with Server.ours(url, api, workers=workers) as worker:
        result = await measure(worker, clients, seconds)
        result["memory_mb"] = worker.memory()
    result["stored"] = await stored_submissions(url)
    result["ratio"] = round(result["peak"]["per_second"] / echo_rate, 3)
    if profile and result["ratio"] < 1.0 and workers == 1:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "worker.prof"
            async with Server.ours(url, api, profile=path) as worker:
                profiled = await measure(worker, clients, seconds, paced=False)
            result["profile"] = profile_top(path, profiled["peak"]["updates"])
    say(f"  {engine} x{workers}: {result['peak']['per_second']} updates/s, p50 {result['peak']['p50_ms']} ms, "
        f"p99 {result['peak']['p99_ms']} ms; at 70%: p99 {result['paced70']['p99_ms']} ms; ratio to echo {result['ratio']}")
    return result


async def each_engine(engines: list[str], out: dict, run_one) -> None:
    """out[engine] = await run_one(engine) for each engine; PostgreSQL skipped, with why, where no server answers."""
    for engine in engines:
        problem = await postgres_problem() if engine == "postgres" else None
        if problem:
            out[engine] = {"skipped": f"PostgreSQL not reachable ({problem})"}
            say(f"  {engine}: skipped, {out[engine]['skipped']}")
            continue
        out[engine] = await run_one(engine)


def say(line: str) -> None:
    print(line, flush=True)


async def run(engines: list[str], clients: int, seconds: float, profile: bool = True, echo_mode: str = "response") -> dict:
    from bench.tree import fresh_database

    api = FakeBotAPI()
    await api.start()
    out: dict = {"clients": clients, "seconds": seconds, "updates_per_flow": len(script(0)), "cpus": os.cpu_count(),
                 "echo_mode": echo_mode}
    try:
        async with Server.echo(api, echo_mode) as echo:
            out["echo"] = await measure(echo, clients, seconds, paced=False)
            out["echo"]["memory_mb"] = echo.memory()
        rate = out["echo"]["peak"]["per_second"]
        say(f"  echo: {rate} updates/s, p50 {out['echo']['peak']['p50_ms']} ms, p99 {out['echo']['peak']['p99_ms']} ms")
        workers = workers_option()
        problem = await postgres_problem() if "postgres" in engines else None
        if problem:
            out["postgres"] = out["postgres_2"] = {"skipped": f"PostgreSQL not reachable ({problem})"}
            say(f"  postgres: skipped, {out['postgres']['skipped']}")
        reachable = [engine for engine in engines if engine not in out]
        for engine in reachable:  # the profile of one engine is enough: PostgreSQL's shows the driver's work too
            async with fresh_database(engine) as url:
                profiled = profile and engine == reachable[-1]
                out[engine] = await ours(engine, url, api, clients, seconds, rate, profile=profiled)
            if engine == "postgres" and workers:
                async with fresh_database(engine) as url:
                    out["postgres_2"] = await ours(engine, url, api, clients, seconds, rate, workers=2)
            elif engine == "postgres":
                out["postgres_2"] = {"skipped": "not measured: `sangkien run --workers N` is not available yet"}
    finally:
        await api.stop()
    return out


ROWS = (("sqlite", "ours, SQLite"), ("postgres", "ours, PostgreSQL, 1 worker"),
        ("postgres_2", "ours, PostgreSQL, 2 workers"))


def failed(part: dict) -> str:
    """Why a part left no figures."""
    if part.get("timed_out"):
        return f"stopped after its time limit ({part['seconds']} s)"
    tail = " / ".join(line.strip() for line in part.get("output", [])[-3:])
    return f"exited with code {part.get('returncode')}: {tail}"


def section(part: dict) -> tuple[list[str], list[dict]]:
    """The results.md section and the targets of this part."""
    md = ["## 1. Pipeline", "", f"    {part['command']}", ""]
    r = part.get("result")
    if not r:
        note = f"not completed: {failed(part)}"
        return md + [note, ""], [{"part": "pipeline", "figure": f"{label}: ours / echo", "measured": note,
                                  "target": ">= 1.0", "met": None} for _, label in ROWS]
    echo = r["echo"]["peak"]
    md += [f"K = {r['clients']} simulated workers, each walking the whole flow ({r['updates_per_flow']} updates: /start, "
           "name, unit search, group, the nine answers, a photo, \"Gửi sáng kiến\") "
           f"through the webhook, the next update once the last is answered; {r['seconds']} s per phase after a warm-up "
           f"(at least {PACED_SECONDS:g} s open-loop), on {r['cpus']} CPUs shared by the bot, the load, the fake Bot API "
           "and PostgreSQL. Sends are not paced (TELEGRAM_CHAT_INTERVAL_SECONDS=0, "
           "TELEGRAM_MESSAGES_PER_SECOND=1000000): the workers type at machine speed.", "",
           "| bot | updates/s at peak | p50 / p99 at peak (ms) | p99 at 70% of peak (ms) | CPU ms per update: event loop / "
           "other threads / PostgreSQL | answered in the response | Bot API calls per update | RSS (MB) | ours / echo |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def row(label: str, res: dict) -> str:
        peak, cpu = res["peak"], res["peak"]["cpu_ms_per_update"]
        paced = f"{res['paced70']['p99_ms']} (at {res['paced70']['offered_per_second']}/s)" if "paced70" in res else "—"
        database = cpu["postgres"] if "postgres" in label.lower() else "—"
        return (f"| {label} | {peak['per_second']} | {peak['p50_ms']} / {peak['p99_ms']} | {paced} | {cpu['loop']} / "
                f"{cpu['threads']} / {database} | {peak['inline_share']:.0%} | {peak['api_calls_per_update']} | "
                f"{res['memory_mb']['VmRSS']} | {res.get('ratio', '—')} |")

    how = "answer in the response" if r.get("echo_mode", "response") == "response" else "answer by sendMessage"
    md.append(row(f"aiogram 3 echo bot ({how})", r["echo"]))
    targets = []
    for key, label in ROWS:
        res = r.get(key, {"skipped": "not run"})
        if "skipped" in res:
            md.append(f"| {label} | {res['skipped']} | | | | | | | |")
            targets += [{"part": "pipeline", "figure": f"{label}: {f}", "measured": res["skipped"], "target": t, "met": None}
                        for f, t in (("ours / echo", ">= 1.0"), ("p99 at 70% of peak", "< 100 ms"))]
            continue
        md.append(row(label, res))
        targets.append({"part": "pipeline", "figure": f"{label}: ours / echo", "measured": f"{res['ratio']:.3f}",
                        "target": ">= 1.0", "met": res["ratio"] >= 1.0})
        targets.append({"part": "pipeline", "figure": f"{label}: p99 at 70% of peak", "target": "< 100 ms",
                        "measured": f"{res['paced70']['p99_ms']} ms", "met": res["paced70"]["p99_ms"] < 100})
        loop = res["peak"]["cpu_ms_per_update"]["loop"]
        targets.append({"part": "pipeline", "figure": f"{label}: event-loop CPU per update", "target": f"<= {LOOP_MS} ms",
                        "measured": f"{loop} ms", "met": loop <= LOOP_MS})
        if res["stored"] < res["flows"]:
            md.append(f"| | **check failed**: {res['flows']} flows walked, {res['stored']} initiatives stored "
                      "| | | | | | | |")
    if "ratio" in r.get("postgres", {}) and "ratio" in r.get("postgres_2", {}):
        one, two = r["postgres"]["peak"]["per_second"], r["postgres_2"]["peak"]["per_second"]
        targets.append({"part": "pipeline", "figure": "PostgreSQL: 2 workers / 1 worker, updates/s at peak",
                        "measured": f"{two / one:.2f} ({two} / {one})", "target": "> 1.0", "met": two > one})
    md.append("")
    measured = [(key, r[key]) for key, _ in ROWS if "ratio" in r.get(key, {})]
    for key, res in measured:
        paced = res["paced70"]
        if paced["p99_ms"] >= 100:
            md += [f"**Missed: p99 at 70% of peak, {dict(ROWS)[key]}.** Offered {paced['offered_per_second']} updates/s "
                   f"open-loop: p50 {paced['p50_ms']} ms, p90 {paced['p90_ms']} ms, p99 {paced['p99_ms']} ms, slowest "
                   f"{paced['max_ms']} ms, {paced['errors']} errors. A median this far below the tail says the slow "
                   "answers waited (for the one event loop, or for the database's writer) rather than worked." +
                   gc_note(r), ""]
    if any(res["ratio"] < 1.0 for _, res in measured):
        key, res = next(((k, v) for k, v in reversed(measured) if "profile" in v), measured[-1])
        loop = res["peak"]["cpu_ms_per_update"]["loop"]
        md += [f"**Missed: ours / echo.** Ours answers {res['peak']['per_second']} updates/s where the bare echo bot "
               f"answers {echo['per_second']} ({res['ratio']:.3f} of it). Its event loop spends {loop} ms of CPU per update "
               f"(the echo bot's: {echo['cpu_ms_per_update']['loop']} ms), and one process has one event loop: one core "
               f"bounds it to about {1000 / max(loop, 0.01):.0f} updates/s whatever the database. The echo bot parses the "
               "update and writes the response; ours also reads and writes the person's state, the draft, the outbox and "
               f"the update id in the database, renders the reply, and sends the {1 - res['peak']['inline_share']:.0%} of "
               "answers that do not fit in the response (more than one message: /start, the unit search, ...) by the "
               "Bot API, marking their outbox rows sent."]
        if "profile" in res:
            md += ["", f"Profile of the worker ({key}, cProfile over one measured window):", "", "```",
                   profile_text(res["profile"]), "```"]
        md.append("")
    return md, targets


def gc_note(r: dict) -> str:
    """What the profiled worker's full garbage collections cost (each one stops every answer in flight)."""
    profile = next((r[key]["profile"] for key, _ in ROWS if "profile" in r.get(key, {})), None)
    full = (profile or {}).get("gc", {}).get("2")
    if not full or not full["count"]:
        return ""
    return (f" In the profiled window ({profile['updates']} updates at the peak) the worker ran {full['count']} full "
            f"garbage collections, the longest {full['longest_ms']} ms: each stops the one event loop, and every answer "
            "in flight waits for it.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--clients", type=int, default=32, help="simulated workers posting at once (K)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each measured phase")
    parser.add_argument("--no-profile", action="store_true", help="no cProfile pass when slower than the echo bot")
    parser.add_argument("--echo-mode", choices=("response", "call"), default="response",
                        help="the echo bot answers in the webhook response, or by calling sendMessage (bench/echo.py)")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    args = parser.parse_args()
    result = asyncio.run(run(args.engines.split(","), args.clients, args.seconds, not args.no_profile, args.echo_mode))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    for engine in ("sqlite", "postgres"):
        if "profile" in result.get(engine, {}):
            say(f"profile of the worker on {engine}:\n{profile_text(result[engine]['profile'])}")


if __name__ == "__main__":
    main()
