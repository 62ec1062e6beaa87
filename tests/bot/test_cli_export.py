"""`sangkien export`: a readable XLSX or CSV pair for a unit, and a clear refusal that writes nothing."""

from __future__ import annotations

import csv
import os

from openpyxl import load_workbook

from storage.db import Database
from tests import forked
from tests.storage.test_exports import FORMULA_TITLE, seed


def run(args, env):
    return forked.run(args, env, timeout=120)


async def prepared(tmp_path, fill=seed) -> dict:
    """A database made by the CLI itself (upgrade, demo units), with `fill`'s initiatives in it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'e.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    for args in (["db", "upgrade"], ["demo-data"]):
        assert run(args, env).returncode == 0
    db = Database.from_url(url)
    try:
        await fill(db)
    finally:
        await db.close()
    return env


async def test_export_writes_a_readable_workbook(tmp_path):
    env = await prepared(tmp_path)
    out = tmp_path / "giao-duc.xlsx"
    result = run(["export", str(out), "--unit", "CDN-GD-HN"], env)
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout and "3 sáng kiến của Công đoàn ngành Giáo dục Hà Nội" in result.stdout
    assert "3/3 initiatives" in result.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["Sáng kiến", "Theo đơn vị"]
    titles = [row[2] for row in book["Sáng kiến"].iter_rows(min_row=2, values_only=True)]
    assert len(titles) == 3 and FORMULA_TITLE in titles
    assert book["Theo đơn vị"].max_row == 1 + 4  # the sector union and its three schools


async def test_export_as_csv_writes_the_figures_beside_it(tmp_path):
    env = await prepared(tmp_path)
    out = tmp_path / "giao-duc.csv"
    result = run(["export", str(out), "--unit", "cdn-gd-hn", "--locale", "en"], env)
    assert result.returncode == 0, result.stderr
    figures = tmp_path / "giao-duc-don-vi.csv"
    assert f"wrote {figures}" in result.stdout and "3 initiatives of" in result.stdout
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 and "'" + FORMULA_TITLE in [r["Title"] for r in rows]
    with figures.open(encoding="utf-8-sig", newline="") as handle:
        assert [r["Unit code"] for r in csv.DictReader(handle)][0] == "CDN-GD-HN"


async def test_an_unknown_unit_or_phase_writes_nothing(tmp_path):
    env = await prepared(tmp_path)
    out = tmp_path / "none.xlsx"
    missing = run(["export", str(out), "--unit", "NO-SUCH-UNIT"], env)
    assert missing.returncode == 1 and "no unit" in missing.stderr and not out.exists()
    no_phase = run(["export", str(out), "--unit", "CDN-GD-HN", "--phase", "GD9999"], env)
    assert no_phase.returncode == 1 and "no phase" in no_phase.stderr and not out.exists()
    bad_format = run(["export", str(tmp_path / "x.pdf"), "--unit", "CDN-GD-HN"], env)
    assert bad_format.returncode != 0 and not (tmp_path / "x.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".csv", ".pdf")) == []
