"""Growth and reports on a generated national tree (bench/tree.py: 100,864 units in 4 levels).

    .venv/bin/python -m bench.reports [--engines sqlite,postgres] [--initiatives 1000000] [--no-growth] [--json FILE]

Growth: the pipeline of bench/pipeline.py (peak, K workers) with 10,000 initiatives stored, then again
after filling up to --initiatives; the per-update cost is 1 / updates per second (and CPU per update).
Reports: `storage.reports.progress` of the root, a province and a grassroots union, and
`storage.reports.rollup` of the root (every unit's figures, as the daily push needs), each timed
--repeat times on a fresh session (first run and best), with the time of each SQL statement.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import re
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event, select

from bench.echo import FakeBotAPI, Server
from bench.pipeline import PHOTO, STEPS, UNITS, each_engine, failed, measure, say, script
from bench.tree import MEMBERS, add_initiatives, build_tree, fresh_database, stored_submissions
from storage import reports
from storage.db import Database
from storage.models import Phase, Unit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST = 10_000
PROBE_SECONDS = 4.0  # one worker alone after each growth run: which step got slower
TARGETS = {"root": 1.0, "rollup": 5.0}  # seconds, on PostgreSQL


class QueryClock:
    """The time of every SQL statement the engine runs (rows fetched included), while `on`."""

    def __init__(self, db: Database) -> None:
        self.queries: list[tuple[float, str, object]] = []
        self.collections: list[tuple[int, float]] = []  # (generation, seconds) of the garbage collections meanwhile
        self.on = False
        self._collecting = 0.0
        engine = db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        gc.callbacks.append(self._collected)

    def _collected(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        elif self.on:
            self.collections.append((info["generation"], time.perf_counter() - self._collecting))

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on:
            self.queries.append((time.perf_counter() - conn.info.pop("bench_started"), statement, parameters))


def cell(text: str) -> str:
    """Text for a Markdown table cell (a pipe would end the cell, even inside backticks)."""
    return text.replace("|", "\\|")


def short(sql: str, most: int = 240) -> str:
    """A statement on one line, a long plain list of selected columns (an ORM row) left out."""
    sql = " ".join(sql.split())
    columns = re.match(r"SELECT (DISTINCT )?((?:\w+\.\w+, ){4,}\w+\.\w+) FROM ", sql)
    if columns:
        sql = sql[:columns.start(2)] + "…" + sql[columns.end(2):]
    return sql if len(sql) <= most else sql[:most] + " …"


async def timed_reports(db: Database, tree, repeat: int) -> dict:
    clock = QueryClock(db)
    now = datetime.now(TZ)
    async with db.session() as session:
        phase = (await session.execute(select(Phase).where(Phase.code == "GD2"))).scalar_one()
        units = {u.id: u for u in (await session.execute(
            select(Unit).where(Unit.id.in_([tree.root, tree.provinces[0], tree.grassroots[0]])))).scalars()}
    cases = {"root": (reports.progress, tree.root), "province": (reports.progress, tree.provinces[0]),
             "grassroots": (reports.progress, tree.grassroots[0]), "rollup": (reports.rollup, tree.root)}
    out = {}
    for name, (function, unit_id) in cases.items():
        times = []
        for attempt in range(repeat):
            clock.queries, clock.collections, clock.on = [], [], attempt == repeat - 1
            async with db.session() as session:
                started = time.perf_counter()
                result = await function(session, units[unit_id], phase, now)
                times.append(time.perf_counter() - started)
            clock.on = False
        figures = result.unit if name != "rollup" else result[0]
        shown = len(result) if name == "rollup" else 1 + len(result.children)
        out[name] = {"first_s": round(times[0], 3), "best_s": round(min(times), 3), "units": shown,
                     "submitted": figures.submitted, "participants": figures.participants,
                     "queries": [{"s": round(s, 3), "sql": short(sql)} for s, sql, _ in clock.queries],
                     "last_s": round(times[-1], 3), "python_s": round(times[-1] - sum(s for s, _, _ in clock.queries), 3),
                     "gc_s": round(sum(s for _, s in clock.collections), 3),
                     "full_collections": sum(1 for generation, _ in clock.collections if generation == 2)}
        if name in TARGETS and clock.queries:
            out[name]["plan"] = await plan(db, max(clock.queries, key=lambda q: q[0]))
        say(f"    {name}: first {out[name]['first_s']} s, best {out[name]['best_s']} s "
            f"({out[name]['units']} units, {figures.submitted} submitted)")
    return out


async def plan(db: Database, query) -> list[str]:
    """The slowest statement's plan: EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    _, statement, parameters = query
    reading = statement.lstrip().upper().startswith("SELECT")  # ANALYZE runs the statement: never a write
    prefix = ("EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else
              "EXPLAIN (ANALYZE, BUFFERS) " if reading else "EXPLAIN ")
    try:
        async with db.engine.connect() as conn:
            rows = (await conn.exec_driver_sql(prefix + statement, tuple(parameters or ()))).all()
            await conn.rollback()
    except Exception as error:  # noqa: BLE001  (a plan is a help, never a reason to lose the figures)
        return [f"(no plan: {type(error).__name__}: {error})"[:300]]
    return [" | ".join(str(v) for v in row) if len(row) > 1 else str(row[0]) for row in rows][:25]


async def traced_step(db: Database, step: str) -> dict:
    """One whole flow through the dispatcher in this process (no webhook): the SQL statements of `step`, slowest first,
    with the plan of the slowest."""
    from bot.app import options_from
    from bot.settings import Settings
    from conversations.model import Media
    from handlers.dispatcher import Dispatcher
    from messaging.messages import Incoming

    dispatcher = Dispatcher(db, options_from(Settings(_env_file=None, database_url="sqlite+aiosqlite:///unused.db")))
    clock, chat = QueryClock(db), str(9_100_000_000 + time.time_ns() % 10**6)
    for n, (label, text) in enumerate(zip(STEPS, script(0))):
        media = Media("photo", f"trace-{n}", "telegram", None, "image/jpeg", 50_000) if text is PHOTO else None
        command = text[1:] if text and text.startswith("/") else None
        incoming = Incoming(channel="telegram", chat_id=chat, user_id=chat, display_name="Hoa Nguyễn", text=text or "",
                            command=command, media=media, update_id=f"trace-{chat}-{n}")
        clock.on, started = label == step, time.perf_counter()
        await dispatcher.delivered(await dispatcher.handle(incoming))
        clock.on = False
        if label == step:
            slowest = sorted(clock.queries, key=lambda q: -q[0])
            return {"step": step, "ms": round(1000 * (time.perf_counter() - started), 1),
                    "queries": [{"s": round(s, 3), "sql": short(sql)} for s, sql, _ in slowest[:5]],
                    "plan": await plan(db, slowest[0]) if slowest else []}
    return {}


async def pipeline_at(url: str, api: FakeBotAPI, clients: int, seconds: float) -> dict:
    async with Server.ours(url, api) as worker:
        result = await measure(worker, clients, seconds, paced=False, probe=PROBE_SECONDS)
    peak = result["peak"]
    peak["steps_ms"] = result["steps_ms"]
    peak["ms_per_update"] = round(1000 / max(peak["per_second"], 1e-9), 2)
    peak["flows"] = result["flows"]
    say(f"    pipeline: {peak['per_second']} updates/s ({peak['ms_per_update']} ms each), p99 {peak['p99_ms']} ms")
    return peak


async def run_engine(engine: str, initiatives: int, growth: bool, clients: int, seconds: float, repeat: int) -> dict:
    say(f"  {engine}:")
    out: dict = {}
    api = FakeBotAPI()
    await api.start()
    try:
        async with fresh_database(engine) as url:
            db = Database.from_url(url)
            try:
                started = time.perf_counter()
                tree = await build_tree(db)
                async with db.transaction() as tx:  # the pipeline's workers must find exactly their demo unit
                    found = {query: len(await tx.units.search(query)) for query in UNITS}
                assert set(found.values()) == {1}, found
                first = min(FIRST, initiatives)
                await add_initiatives(db, tree, first)
                out.update(units=tree.units, members=len(tree.members) * MEMBERS,
                           build_s=round(time.perf_counter() - started, 1))
                say(f"    tree of {tree.units} units and {first} initiatives in {out['build_s']} s")
                if growth:
                    out["growth"] = {str(first): await pipeline_at(url, api, clients, seconds)}
                started = time.perf_counter()
                await add_initiatives(db, tree, initiatives - first)
                out.update(initiatives=initiatives, fill_s=round(time.perf_counter() - started, 1))
                say(f"    filled up to {initiatives} initiatives in {out['fill_s']} s")
                if growth:
                    out["growth"][str(initiatives)] = await pipeline_at(url, api, clients, seconds)
                    small, large = out["growth"][str(first)], out["growth"][str(initiatives)]
                    out["growth"]["ratio"] = round(large["ms_per_update"] / small["ms_per_update"], 3)
                    cpu = [sum(g["cpu_ms_per_update"].values()) for g in (small, large)]
                    out["growth"]["cpu_ratio"] = round(cpu[1] / cpu[0], 3)
                    grew = max(small["steps_ms"], key=lambda s: large["steps_ms"].get(s, 0) - small["steps_ms"][s])
                    out["growth"]["traced"] = await traced_step(db, grew)
                    out["growth"]["stored"] = await stored_submissions(url)
                    out["growth"]["flows"] = small["flows"] + large["flows"]
                    say(f"    per-update cost at {initiatives} / at {first}: {out['growth']['ratio']} "
                        f"(CPU: {out['growth']['cpu_ratio']})")
                out["reports"] = await timed_reports(db, tree, repeat)
            finally:
                await db.close()
    finally:
        await api.stop()
    return out


async def run(engines: list[str], initiatives: int, growth: bool, clients: int, seconds: float, repeat: int) -> dict:
    out: dict = {"initiatives": initiatives, "clients": clients, "seconds": seconds, "repeat": repeat}
    await each_engine(engines, out, lambda engine: run_engine(engine, initiatives, growth, clients, seconds, repeat))
    return out


CASES = (("root", "root report (63 provinces)"), ("province", "province report (25 units)"),
         ("grassroots", "grassroots report"), ("rollup", "rollup of every unit"))


def section(parts: dict[str, dict]) -> tuple[list[str], list[dict]]:
    """The Growth (2) and Reports (3) sections of results.md from the runs per engine, and their targets."""
    growth = ["## 2. Growth", "", *(f"    {p['command']}" for p in parts.values()), "",
              "The pipeline's peak (K workers, as in 1, without the echo bot) on the national tree below, first with "
              f"{FIRST:,} initiatives stored, then filled up to the full count; per-update cost = 1 / updates per "
              f"second. After each run one worker walks whole flows alone for {PROBE_SECONDS:g} s: each step's median "
              "answer time (in results.json; shown below where the target is missed).", "",
              "| engine | initiatives stored | updates/s | ms per update | CPU ms per update (all processes) | p99 (ms) | "
              "cost ratio | CPU ratio |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    report = ["## 3. Reports", "", "The same databases: 1 root, 63 provinces, 1,575 districts/sectors, 99,225 grassroots "
              "unions (100,864 units, plus the 20 demo units), eight members each, two phases with a target per unit, and "
              "the "
              "initiatives spread over both phases (about half in the current one, which the reports count). "
              "Each report on a fresh session; best of the runs (the first in brackets).", "",
              "| engine | " + " | ".join(label for _, label in CASES) + " |", "|---|" + "---:|" * len(CASES)]
    targets, notes, builds = [], [], []
    for name, part in parts.items():
        engine = name.split("_", 1)[1]
        r = (part.get("result") or {}).get(engine)
        if not r or "skipped" in r:
            why = r["skipped"] if r else f"not completed: {failed(part)}"
            growth.append(f"| {engine} | {why} | | | | | | |")
            report.append(f"| {engine} | {why} |" + " |" * (len(CASES) - 1))
            targets.append({"part": "growth", "figure": f"{engine}: cost at 1,000,000 / at 10,000", "measured": why,
                            "target": "<= 1.2", "met": None})
            if engine == "postgres":
                targets += [{"part": "reports", "figure": f"postgres: {dict(CASES)[c]}", "measured": why,
                             "target": f"< {t:g} s", "met": None} for c, t in TARGETS.items()]
            continue
        g = r.get("growth", {})
        builds.append(f"{engine}: the tree and {FIRST:,} initiatives stored in {r['build_s']} s, then filled up to "
                      f"{r['initiatives']:,} in {r['fill_s']} s" + (" (COPY)." if engine == "postgres" else " (executemany)."))
        for size in (str(FIRST), str(r.get("initiatives"))):
            if size in g:
                peak = g[size]
                growth.append(f"| {engine} | {int(size):,} | {peak['per_second']} | {peak['ms_per_update']} | "
                              f"{sum(peak['cpu_ms_per_update'].values()):.2f} | {peak['p99_ms']} | | |")
        if "ratio" in g:
            growth.append(f"| {engine} | | | | | | **{g['ratio']}** | {g['cpu_ratio']} |")
            if g["ratio"] > 1.2:
                notes.append(slower_steps(engine, g[str(FIRST)], g[str(r["initiatives"])], r["initiatives"], g.get("traced")))
            if g["stored"] < g["flows"]:
                notes.append([f"**Check failed** ({engine}): {g['flows']} flows walked, {g['stored']} initiatives stored."])
            targets.append({"part": "growth", "figure": f"{engine}: cost at {r['initiatives']:,} / at {FIRST:,}",
                            "measured": f"{g['ratio']} (CPU {g['cpu_ratio']})", "target": "<= 1.2",
                            "met": g["ratio"] <= 1.2})
        cells = [f"{r['reports'][c]['best_s']} s ({r['reports'][c]['first_s']})" for c, _ in CASES]
        report.append(f"| {engine} | " + " | ".join(cells) + " |")
        for case, limit in TARGETS.items():
            took = r["reports"][case]["best_s"]
            if engine == "postgres":
                targets.append({"part": "reports", "figure": f"postgres: {dict(CASES)[case]}", "measured": f"{took} s",
                                "target": f"< {limit:g} s", "met": took < limit})
            if engine == "postgres" and took >= limit:
                notes.append(explain(engine, case, r["reports"][case], limit))
    md = growth + ["", *(f"- {line}" for line in builds), ""] + report + [""]
    return md + [line for note in notes for line in (*note, "")], targets


def slower_steps(engine: str, small: dict, large: dict, size: int, traced: dict | None) -> list[str]:
    """The steps of the flow whose answer time grew most, one worker alone at each size."""
    steps = sorted(small["steps_ms"], key=lambda s: small["steps_ms"][s] - large["steps_ms"].get(s, 0))
    total = [sum(g["steps_ms"].values()) for g in (small, large)]
    return [f"**Missed: {engine} per-update cost at {size:,}.** One worker alone (nothing queued, {PROBE_SECONDS:g} s of "
            f"whole flows after each run), a whole flow's answers take {total[0]:.0f} ms at {FIRST:,} and {total[1]:.0f} ms "
            f"at {size:,}; the steps that grew most (median answer time):", "",
            f"| step | ms at {FIRST:,} | ms at {size:,} |", "|---|---:|---:|",
            *(f"| {s} | {small['steps_ms'][s]} | {large['steps_ms'].get(s, '—')} |" for s in steps[:6])] + ([
            "", f"The SQL of \"{traced['step']}\" at {size:,} ({traced['ms']} ms, one flow through the dispatcher in the "
            "bench's own process), slowest first:", "", "| s | statement |", "|---:|---|",
            *(f"| {q['s']} | `{cell(q['sql'])}` |" for q in traced["queries"]), "", "Its plan:", "", "```", *traced["plan"], "```"]
            if traced and traced.get("queries") else [])


def explain(engine: str, case: str, r: dict, limit: float) -> list[str]:
    """Where the time of a report over its target goes: each statement, the rest in Python, the slowest one's plan."""
    sql = sum(q["s"] for q in r["queries"])
    lines = [f"**Missed: {engine} {dict(CASES)[case]}** ({r['best_s']} s, target {limit:g} s; {r['units']} units, "
             f"{r['submitted']:,} initiatives counted, {r['participants']:,} participants). Its last run ({r['last_s']} s): "
             f"{sql:.2f} s in {len(r['queries'])} SQL statements (rows fetched and made into Python objects included) and "
             f"{r['python_s']} s in Python, tallying the rows in memory (one (unit, author) row per participant and unit "
             f"is fetched to count participants); {r['gc_s']} s of the whole went to garbage collection "
             f"({r['full_collections']} full passes over everything the report holds).", "",
             "| s | statement |", "|---:|---|", *(f"| {q['s']} | `{cell(q['sql'])}` |" for q in r["queries"])]
    if r.get("plan"):
        lines += ["", "Plan of the slowest statement:", "", "```", *r["plan"], "```"]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--initiatives", type=int, default=1_000_000, help="initiatives stored in the end")
    parser.add_argument("--no-growth", action="store_true", help="reports only, no pipeline runs")
    parser.add_argument("--clients", type=int, default=32, help="simulated workers of the growth runs")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each growth run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each report")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    args = parser.parse_args()
    result = asyncio.run(run(args.engines.split(","), args.initiatives, not args.no_growth, args.clients, args.seconds,
                             args.repeat))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
