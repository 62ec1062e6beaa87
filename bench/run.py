"""`make bench`: every benchmark in turn, within fifteen minutes; writes bench/results.md and bench/results.json.

    .venv/bin/python -m bench.run [--minutes 15] [--quick] [--only crash_window|voice]

Each part runs as its own command (printed, so anyone can repeat it) with a time limit; PostgreSQL
rows run where BENCH_POSTGRES_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test)
answers and are marked skipped otherwise. The memory part runs last with the time that is left.
`--only crash_window` (or `voice`) runs that part alone and puts its figures into the results already there; the
voice part (espeak-ng and the engines, `--only voice`) runs only so, and a whole run keeps its last figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import answer_cost, crash_window, groups, memory, pipeline, reports, units_import
from bench import voice as bench_voice
from bench.echo import ROOT
from bench.tree import POSTGRES_URL, postgres_problem

PY = ".venv/bin/python"


async def part(argv: list[str], timeout: float) -> dict:
    """One benchmark command; its output passed through; killed (its process group) after `timeout` s."""
    started = time.perf_counter()
    print(f"$ {PY} {' '.join(argv)}", flush=True)
    process = await asyncio.create_subprocess_exec(sys.executable, *argv, cwd=ROOT, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.STDOUT, start_new_session=True)
    lines: list[str] = []

    async def pump() -> None:
        async for raw in process.stdout:
            lines.append(raw.decode(errors="replace").rstrip())
            print(f"  {lines[-1]}", flush=True)
        await process.wait()

    try:
        await asyncio.wait_for(pump(), timeout)
        timed_out = False
    except asyncio.TimeoutError:
        timed_out = True
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
                await asyncio.wait_for(process.wait(), 10)
                break
            except (ProcessLookupError, asyncio.TimeoutError):
                continue
    return {"command": f"{PY} {' '.join(argv)}", "seconds": round(time.perf_counter() - started, 1),
            "returncode": process.returncode, "timed_out": timed_out, "output": lines}


def with_json(result: dict, path: Path) -> dict:
    try:
        result["result"] = json.loads(path.read_text())
    except (OSError, ValueError):
        result["result"] = None
    result["command"] = result["command"].replace(f" --json {path}", "")
    return result


def shown(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def machine(postgres: str | None) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT).stdout.strip()

    commit, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain")
    return {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cpu": cpu, "cpus": os.cpu_count(),
            "memory": f"{memory / 2**20:.1f} GB", "python": platform.python_version(),
            "commit": commit + (" with local changes" if dirty else ""),
            "postgres": postgres}


async def postgres_version() -> str | None:
    from sqlalchemy import text

    from storage.db import Database

    db = Database.from_url(POSTGRES_URL)
    try:
        async with db.engine.connect() as conn:
            return (await conn.execute(text("SHOW server_version"))).scalar_one()
    finally:
        await db.close()


async def run(minutes: float, quick: bool = False) -> dict:
    deadline = time.perf_counter() + 60 * minutes
    problem = await postgres_problem()
    version = None if problem else await postgres_version()
    print(f"PostgreSQL {version} at {shown(POSTGRES_URL)}" if version else
          f"PostgreSQL not reachable at {shown(POSTGRES_URL)} ({problem}): its rows are skipped", flush=True)
    out = {"meta": machine(version and f"PostgreSQL {version}"), "postgres_problem": problem, "parts": {}}
    def limit(most: float, later: float) -> float:
        """At most `most` s, leaving `later` s for the parts after this one (and never under a minute)."""
        return max(60.0, min(most, deadline - time.perf_counter() - later))

    with tempfile.TemporaryDirectory(prefix="bench-run-") as folder:
        files = {name: Path(folder) / f"{name}.json"
                 for name in ("pipeline", "answer_cost", "groups", "reports_sqlite", "reports_postgres", "units_import", "memory", "crash_window")}
        out["parts"]["pipeline"] = with_json(await part(
            ["-m", "bench.pipeline", "--engines", "sqlite,postgres", "--clients", "32", "--seconds", "3" if quick else "8",
             "--json", str(files["pipeline"])], limit(200, 720)), files["pipeline"])
        out["parts"]["answer_cost"] = with_json(await part(
            ["-m", "bench.answer_cost", "--engines", "sqlite,postgres", "--answers", "60" if quick else "300",
             "--json", str(files["answer_cost"])], limit(90, 690)), files["answer_cost"])
        out["parts"]["broadcast"] = await broadcast(folder, limit(120, 600))  # before the big fills: PostgreSQL quiet
        out["parts"]["crash_window"] = await crash(files["crash_window"], quick, limit(240, 480))
        out["parts"]["groups"] = with_json(await part(
            ["-m", "bench.groups", "--engines", "sqlite,postgres", *(["--asks", "60", "--seconds", "6"] if quick else []),
             "--json", str(files["groups"])], limit(120, 420)), files["groups"])
        for engine, repeat, most, later in (("sqlite", 1, 150, 380), ("postgres", 2, 180, 240)):
            name = f"reports_{engine}"
            out["parts"][name] = with_json(await part(
                ["-m", "bench.reports", "--engines", engine, "--initiatives", "50000" if quick else "1000000",
                 "--repeat", str(repeat), *(["--seconds", "3"] if quick else []), "--json", str(files[name])],
                limit(most, later)), files[name])
        out["parts"]["units_import"] = with_json(await part(
            ["-m", "bench.units_import", "--engines", "sqlite,postgres", *(["--scale", "0.1"] if quick else []),
             "--json", str(files["units_import"])], limit(240, 120)), files["units_import"])
        budget = max(30, min(240, deadline - time.perf_counter() - 50))  # sending; starting and stopping take the rest
        out["parts"]["memory"] = with_json(await part(
            ["-m", "bench.memory", "--conversations", "500" if quick else "10000", "--budget", str(int(budget)),
             "--json", str(files["memory"])], budget + 45), files["memory"])
    out["meta"]["total_seconds"] = round(60 * minutes - (deadline - time.perf_counter()), 1)
    return out


async def crash(path: Path, quick: bool, timeout: float) -> dict:
    argv = ["-m", "bench.crash_window", *(["--groups", "60", "--at", "50"] if quick else []), "--json", str(path)]
    return with_json(await part(argv, timeout), path)


async def voice(path: Path, timeout: float) -> dict:
    return with_json(await part(["-m", "bench.voice", "--json", str(path)], timeout), path)


def voice_section(result: dict) -> tuple[list[str], list[dict]]:
    if result.get("result"):
        return bench_voice.section(result["result"])
    note = f"not completed: {pipeline.failed(result)}"
    return ([bench_voice.HEADING, "", note, ""],
            [{"part": "voice", "figure": "word error rate", "measured": note, "target": "< 30% to be on by default",
              "met": None}])


# A part run alone: (its runner, its section, its heading in results.md, its name in the summary's rows).
ALONE = {
    "crash_window": (lambda path, quick: crash(path, quick, 600), crash_window.section, "## 7. Crash window",
                     "crash window"),
    "voice": (lambda path, quick: voice(path, 900), voice_section, bench_voice.HEADING, "voice"),
}


async def only(name: str, quick: bool) -> None:
    """One part alone, its section and targets put into results.md and results.json in place of their own."""
    runner, section, heading, label = ALONE[name]
    problem = await postgres_problem()
    version = None if problem else await postgres_version()
    with tempfile.TemporaryDirectory(prefix="bench-run-") as folder:
        result = await runner(Path(folder) / f"{name}.json", quick)
    lines, targets = section(result)
    meta = machine(version and f"PostgreSQL {version}")
    lines[1:1] = ["", f"Run alone (`{PY} -m bench.run --only {name}`) on {meta['date']}, commit {meta['commit']}, "
                      f"{meta['postgres'] or 'no PostgreSQL'}; the other parts are from the run above."]
    results, md = ROOT / "bench" / "results.json", ROOT / "bench" / "results.md"
    out = json.loads(results.read_text())
    result.pop("output", None) if result.get("result") is not None else None
    out["parts"][name] = {**result, "alone": meta}
    out["targets"] = [t for t in out.get("targets", []) if t["part"] != label] + targets
    results.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    md.write_text(merged(md.read_text(), lines, targets, heading, label))
    print(f"put the {label}'s figures into bench/results.md and bench/results.json")


def merged(text: str, section: list[str], targets: list[dict], heading: str = "## 7. Crash window",
           label: str = "crash window") -> str:
    """results.md with one part's rows of the summary and its section replaced (or added at the end)."""
    mark = {True: "met", False: "**missed**", None: "not measured"}
    lines = [line for line in text.rstrip("\n").split("\n") if not line.startswith(f"| {label} |")]
    if heading in lines:
        start = lines.index(heading)
        end = next((n for n in range(start + 1, len(lines)) if lines[n].startswith("## ")), len(lines))
        lines[start:end] = []
    last_row = next(n for n in range(lines.index("|---|---|---|---|---|") + 1, len(lines) + 1)
                    if n == len(lines) or not lines[n].startswith("| "))
    lines[last_row:last_row] = [f"| {t['part']} | {t['figure']} | {t['measured']} | {t['target']} | {mark[t['met']]} |"
                                for t in targets]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join([*lines, "", *section]).rstrip() + "\n"


async def broadcast(folder: str, timeout: float) -> dict:
    """bench/broadcast.py as it is: its --json where it offers one, its printed lines in any case."""
    helped = subprocess.run([sys.executable, "-m", "bench.broadcast", "--help"], capture_output=True, text=True, cwd=ROOT,
                            timeout=60)
    path = Path(folder) / "broadcast.json"
    argv = ["-m", "bench.broadcast", *(["--json", str(path)] if "--json" in helped.stdout else []),
            *(["--repeat", "3"] if "--repeat" in helped.stdout else [])]
    result = await part(argv, timeout)
    return with_json(result, path) if "--json" in argv else {**result, "result": None}


def broadcast_section(part: dict) -> tuple[list[str], list[dict]]:
    """bench/broadcast.py's figures as it printed them; the target read from its `broadcast:` line."""
    md = ["## 4. Broadcast", "", f"    {part['command']}", "", "bench/broadcast.py (its own module) as it printed:", "",
          "```"]
    md += [line for line in part.get("output", []) if line.strip()] or ["(nothing)"]
    md.append("```")
    if part.get("result") is not None:
        md += ["", "Its JSON:", "", "```json", json.dumps(part["result"], indent=2, ensure_ascii=False), "```"]
    line = next((line for line in part.get("output", []) if line.startswith("broadcast:")), None)
    ratio = re.search(r"ratio ([0-9.]+)", line or "")
    once = next((line for line in part.get("output", []) if "every group once" in line), "")
    if ratio is None:
        measured, met = f"not completed: {pipeline.failed(part)}", None
    else:
        share = 1 / float(ratio.group(1))
        doubled = "every group once: True" not in once
        verdict = next((line.strip() for line in part.get("output", []) if "target" in line), "")
        measured = f"{share:.1%} of the allowed rate; "
        measured += "a group got it twice or never" if doubled else "each group once"
        measured += f" (its own verdict: {verdict})" if verdict else ""
        met = share >= 0.95 and not doubled
    return md + [""], [{"part": "broadcast", "figure": "rate kept, nothing doubled", "measured": measured,
                        "target": ">= 95% of the allowed rate, once each", "met": met}]


def markdown(out: dict) -> tuple[str, list[dict]]:
    parts, meta = out["parts"], out["meta"]
    sections = [pipeline.section(parts["pipeline"]), answer_section(parts.get("answer_cost", {})),
                reports.section({name: part for name, part in parts.items() if name.startswith("reports_")}),
                broadcast_section(parts["broadcast"])]
    sections.append(memory.section(parts["memory"]))
    sections.append(groups.section(parts["groups"]))
    sections.append(units_import.section(parts["units_import"]))
    sections.append(crash_window.section(parts["crash_window"]))
    targets = [target for _, found in sections for target in found]
    mark = {True: "met", False: "**missed**", None: "not measured"}
    md = ["# Benchmarks", "",
          f"Written by `make bench` (`{PY} -m bench.run`) on {meta['date']} in {meta['total_seconds']} s: "
          f"{meta['cpu']}, {meta['cpus']} CPUs, {meta['memory']} of memory, Python {meta['python']}, "
          f"{meta['postgres'] or 'no PostgreSQL (' + str(out['postgres_problem']) + ')'}, commit {meta['commit']}. "
          "Every figure comes with the command that repeats it; the figures of the run are in results.json.", "",
          "| part | figure | measured | target | met? |", "|---|---|---|---|---|",
          *(f"| {t['part']} | {t['figure']} | {t['measured']} | {t['target']} | {mark[t['met']]} |"
            for t in targets), ""]
    if out["postgres_problem"] is not None:
        md += [f"PostgreSQL was not reachable at {shown(POSTGRES_URL)}: its rows are not measured (set BENCH_POSTGRES_URL).",
               ""]
    for lines, _ in sections:
        md += lines
    return "\n".join(md).rstrip() + "\n", targets


def answer_section(part: dict) -> tuple[list[str], list[dict]]:
    if part.get("result"):
        return answer_cost.section(part["result"])
    note = f"not completed: {pipeline.failed(part)}" if part else "not run"
    return (["### An ordinary answer", "", note, ""],
            [{"part": "pipeline", "figure": "statements / transactions of an ordinary answer", "measured": note,
              "target": f"<= {answer_cost.STATEMENTS} / <= {answer_cost.TRANSACTIONS}", "met": None}])


def kept_voice(out: dict, text: str) -> str:
    """The voice part's last figures (it runs alone: `--only voice`) carried into a whole run's results."""
    results, md = ROOT / "bench" / "results.json", ROOT / "bench" / "results.md"
    if not results.exists() or not md.exists() or bench_voice.HEADING not in md.read_text():
        return text
    before = json.loads(results.read_text())
    old = md.read_text().split("\n")
    start = old.index(bench_voice.HEADING)
    end = next((n for n in range(start + 1, len(old)) if old[n].startswith("## ")), len(old))
    targets = [t for t in before.get("targets", []) if t["part"] == "voice"]
    out["parts"]["voice"] = before["parts"].get("voice", {})
    out["targets"] = [*out["targets"], *targets]
    return merged(text, old[start:end], targets, bench_voice.HEADING, "voice")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0, help="the whole run's time limit")
    parser.add_argument("--quick", action="store_true", help="small sizes and short phases: to try the runner itself")
    parser.add_argument("--only", choices=sorted(ALONE), help="run this part alone, into the results already there")
    args = parser.parse_args()
    if args.only:
        return asyncio.run(only(args.only, args.quick))
    out = asyncio.run(run(args.minutes, args.quick))
    text, targets = markdown(out)
    out["targets"] = targets
    for part_result in out["parts"].values():
        part_result.pop("output", None) if part_result.get("result") is not None else None
    text = kept_voice(out, text)
    (ROOT / "bench" / "results.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    (ROOT / "bench" / "results.md").write_text(text)
    print(f"wrote bench/results.md and bench/results.json in {out['meta']['total_seconds']} s")


if __name__ == "__main__":
    main()
