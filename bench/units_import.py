"""Units import: `sangkien units import` of a national tree of about 126,000 units, within a minute on each engine.

    .venv/bin/python -m bench.units_import [--engines sqlite,postgres] [--scale 1.0] [--json FILE]

A CSV written here, as an officer would send it: the national root, 63 provinces, 8 sector or industrial-zone unions
in each, 10 direct superiors under each of those and 24 grassroots unions under each of these (5 levels, 126,568
units), and a chain of 300 units each under the one before (below the first province: 302 levels deep), every unit
with a target for phase GD1. On a fresh database of bench/tree.py (migrated, the demo units, the phase added) the
command runs as the operator runs it, in a process of its own timed from start to exit: the first import (every unit
added), the same file again (every row compared, nothing changed), and a file moving the chain under another
province (its 300 paths rewritten). --scale shrinks the tree (0.1: a tenth of the grassroots unions) to try the
benchmark itself. Target: each import under 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.echo import ROOT
from bench.pipeline import each_engine, failed, say
from bench.tree import fresh_database
from storage.db import Database

TARGET_S = 60.0
CHAIN = 300
HEADER = ["code", "name", "parent_code", "kind", "member_count", "target", "target:GD1"]
SECTOR_KINDS = ("sector_union", "industrial_zone_union")


def national_tree(scale: float = 1.0) -> list[list]:
    """The rows of the file: 5 levels, then the chain; parents before children, as an export writes them."""
    grassroots = max(1, round(24 * scale))
    rows = [["VN", "Tổng Liên đoàn Lao động Việt Nam", "", "national", 0, "", ""]]
    for p in range(1, 64):
        province = f"P{p:02d}"
        rows.append([province, f"Liên đoàn Lao động tỉnh số {p:02d}", "VN", "province_federation", 0, "", ""])
        for s in range(1, 9):
            sector = f"{province}-S{s}"
            rows.append([sector, f"Công đoàn ngành số {s} tỉnh {p:02d}", province, SECTOR_KINDS[s % 2], 0, "", ""])
            for d in range(1, 11):
                superior = f"{sector}-D{d:02d}"
                rows.append([superior, f"Công đoàn cấp trên cơ sở {s}.{d:02d} tỉnh {p:02d}", sector, "direct_superior",
                             0, "", ""])
                for g in range(1, grassroots + 1):
                    members = 20 + (p * 7 + s * 13 + d * 17 + g * 31) % 880
                    rows.append([f"{superior}-G{g:02d}", f"Công đoàn cơ sở Công ty số {p:02d}.{s}.{d:02d}.{g:02d}",
                                 superior, "grassroots", members, "", max(1, members // 10)])
    parent = "P01"
    for c in range(1, CHAIN + 1):
        rows.append([f"CHUOI-{c:03d}", f"Tổ công đoàn chuỗi số {c:03d}", parent, "grassroots", 10, "", 1])
        parent = f"CHUOI-{c:03d}"
    return rows


def write_csv(path: Path, rows: list[list]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def timed_import(url: str, path: Path) -> dict:
    """`python -m bot units import FILE` in its own process: seconds from start to exit, its CPU and peak memory,
    and what it said."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "bot", "units", "import", str(path), "--locale", "en"],
                                   cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own figures, not every child's so far
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        said = [(f.seek(0), f.read().decode(errors="replace").strip())[1] for f in (stdout, stderr)]
    lines = (said[0] or said[1]).splitlines()
    return {"seconds": round(seconds, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "returncode": process.returncode,
            "said": lines[-1] if lines else "", "problems": lines[:3] if process.returncode else []}


async def add_phase(url: str) -> None:
    db = Database.from_url(url)
    try:
        async with db.transaction() as tx:
            await tx.phases.add("GD1", "Giai đoạn 2026", date(2026, 1, 1), date(2026, 12, 31))
    finally:
        await db.close()


async def one_engine(engine: str, rows: list[list], folder: Path) -> dict:
    first, moved = folder / "national.csv", folder / "moved.csv"
    write_csv(first, rows)
    write_csv(moved, [[*row[:2], "P63" if row[0] == "CHUOI-001" else row[2], *row[3:]] for row in rows])
    out: dict = {}
    async with fresh_database(engine) as url:
        await add_phase(url)
        for name, path in (("first", first), ("again", first), ("moved", moved)):
            out[name] = await asyncio.to_thread(timed_import, url, path)
            say(f"  {engine}: {name}: {out[name]['seconds']} s ({out[name]['cpu_s']} s CPU, peak RSS "
                f"{out[name]['peak_rss_mb']} MB): {out[name]['said']}")
    return out


async def run(engines: list[str], scale: float) -> dict:
    rows = national_tree(scale)
    out: dict = {"units": len(rows), "levels": 5, "chain": CHAIN, "scale": scale}
    say(f"units import: {len(rows):,} units in 5 levels and a chain of {CHAIN}")
    with tempfile.TemporaryDirectory(prefix="bench-units-") as folder:
        await each_engine(engines, out, lambda engine: one_engine(engine, rows, Path(folder)))
    return out


def section(part: dict) -> tuple[list[str], list[dict]]:
    """The results.md section and the targets of this part."""
    md = ["## 7. Units import", "", f"    {part['command']}", ""]
    r = part.get("result")
    figure = "`units import` of the national tree"
    if not r:
        note = f"not completed: {failed(part)}"
        return md + [note, ""], [{"part": "units import", "figure": figure, "measured": note,
                                  "target": f"< {TARGET_S:.0f} s", "met": None}]
    md += [f"`python -m bot units import FILE` in a process of its own, timed from start to exit, on a CSV of "
           f"{r['units']:,} units: 5 levels (the national root, 63 provinces, 504 sector or industrial-zone unions, "
           f"5,040 direct superiors, their grassroots unions) and a chain of {r['chain']} units below a province, each "
           "unit with a target for phase GD1. First: every unit added; again: the same file (every row compared, "
           "nothing written); moved: the chain under another province (its paths rewritten). CPU is the process's "
           "(the database server's is not counted).", "",
           "| engine | first import: s (CPU s) | again: s (CPU s) | moved: s (CPU s) | peak RSS (MB) | what it said first |",
           "|---|---:|---:|---:|---:|---|"]
    targets = []
    for engine in ("sqlite", "postgres"):
        res = r.get(engine, {"skipped": "not run"})
        if "skipped" in res:
            md.append(f"| {engine} | {res['skipped']} | | | | |")
            targets.append({"part": "units import", "figure": f"{engine}: {figure}", "measured": res["skipped"],
                            "target": f"< {TARGET_S:.0f} s", "met": None})
            continue
        runs = [res[name] for name in ("first", "again", "moved")]
        md.append(f"| {engine} | " + " | ".join(f"{x['seconds']} ({x['cpu_s']})" for x in runs)
                  + f" | {max(x['peak_rss_mb'] for x in runs)} | {runs[0]['said']} |")
        slowest = max(runs, key=lambda x: x["seconds"])
        targets.append({"part": "units import", "figure": f"{engine}: {figure} ({r['units']:,} units), slowest of 3",
                        "measured": f"{slowest['seconds']} s", "target": f"< {TARGET_S:.0f} s",
                        "met": all(x["returncode"] == 0 and x["seconds"] < TARGET_S for x in runs)})
    return md + [""], targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the grassroots unions (1.0: 120,960)")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    args = parser.parse_args()
    result = asyncio.run(run(args.engines.split(","), args.scale))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
