"""`sangkien units import` and `phases add` on bad input (issue 15, defect 5): each problem is a line-numbered
one-liner in the user's language, the command fails, and nothing is written."""

from __future__ import annotations

import os

from storage import migrate
from storage.db import Database
from tests.bot.test_cli import run

HEADER = "code,name,parent_code,kind,member_count,target\n"


async def migrated(tmp_path) -> dict:
    url = f"sqlite+aiosqlite:///{tmp_path / 'u.db'}"
    db = Database.from_url(url)
    try:
        await migrate.upgrade(db)
    finally:
        await db.close()
    return {**os.environ, "DATABASE_URL": url}


async def unit_count(url: str) -> int:
    db = Database.from_url(url)
    try:
        async with db.transaction() as tx:
            return await tx.units.count()
    finally:
        await db.close()


def refused(result) -> list[str]:
    """The problem lines of a refused import, after checking the refusal is one line per problem and a summary."""
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[-1] == f"{len(lines) - 1} lỗi; chưa ghi gì vào cơ sở dữ liệu", lines
    assert all(line.startswith("dòng ") for line in lines[:-1]), lines
    return lines[:-1]


BAD_ROWS = (HEADER + "LDLD-QN,LĐLĐ tỉnh Quảng Ninh,,province_federation,900,\n"
            "CDCS-1,Công đoàn cơ sở 1,LDLD-QN,grassroots,3000000000,\n"
            "CDCS-2," + "Đ" * 360 + ",LDLD-QN,grassroots,10,\n"
            "CDCS-3,Công đoàn cơ sở 3,LDLD-QN,cơ sở,10,-1\n"
            "CDCS-4,Công ty May 4, Hải Phòng,LDLD-QN,grassroots,10,\n")


async def test_row_problems_are_vietnamese_one_liners_and_nothing_is_written(tmp_path):
    """Defect 5: out-of-range members, a name longer than its column and an unknown kind were stored (or a traceback
    on PostgreSQL), and an unquoted comma shifted the cells; now each is one line with its line number, in Vietnamese,
    and nothing is written."""
    env = await migrated(tmp_path)
    path = tmp_path / "units.csv"
    path.write_text(BAD_ROWS, encoding="utf-8")
    lines = refused(run(["units", "import", str(path)], env))
    assert [line.split(":")[0] for line in lines] == ["dòng 3", "dòng 4", "dòng 5", "dòng 5", "dòng 6"]
    assert "member_count lớn quá" in lines[0] and "dài 360 ký tự, tối đa 300" in lines[1]
    assert "ngoặc kép" in lines[4]  # a comma unquoted: told once, not as the shifted cells' problems
    assert await unit_count(env["DATABASE_URL"]) == 0


async def test_row_problems_on_postgresql_are_the_same_one_liners(postgres_database_url, tmp_path):
    """Defect 5: on PostgreSQL the same file gave a 600-line traceback (value too long, integer out of range)."""
    path = tmp_path / "units.csv"
    path.write_text(BAD_ROWS, encoding="utf-8")
    lines = refused(run(["units", "import", str(path)], {**os.environ, "DATABASE_URL": postgres_database_url}))
    assert len(lines) == 5
    assert await unit_count(postgres_database_url) == 0


async def test_a_file_that_is_not_utf8_is_named_on_its_line(tmp_path):
    """Defect 5: a cp1258 file gave a UnicodeDecodeError traceback; now one line says to save it as CSV UTF-8."""
    env = await migrated(tmp_path)
    path = tmp_path / "units.csv"
    path.write_bytes((HEADER + "CDCS-A,Công đoàn Đông Hà,,grassroots,10,\n").encode("cp1258"))
    [line] = refused(run(["units", "import", str(path)], env))
    assert line.startswith("dòng 2: tệp không phải UTF-8") and "CSV UTF-8" in line
    english = run(["units", "import", str(path), "--locale", "en"], env)
    assert english.stderr.splitlines() == [
        "line 2: the file is not UTF-8 (perhaps Windows-1258 or 1252): open it in Excel and save it as "
        "'CSV UTF-8 (Comma delimited)'", "1 problem(s); nothing was written"]


async def test_reimporting_its_own_csv_export_keeps_the_names(tmp_path):
    """Defect 5: re-importing its own CSV export added a leading apostrophe to a formula-looking name (the export's
    escaping); now the name comes back as it was and nothing changes."""
    env = await migrated(tmp_path)
    source = tmp_path / "units.csv"
    source.write_text(HEADER + "LDLD-QN,LĐLĐ tỉnh Quảng Ninh,,province_federation,900,\n"
                               "CDCS-MO,\"=HYPERLINK(\"\"http://x\"\")\",LDLD-QN,grassroots,300,\n", encoding="utf-8")
    assert run(["units", "import", str(source)], env).returncode == 0
    exported = tmp_path / "back.csv"
    assert run(["units", "export", str(exported)], env).returncode == 0
    again = run(["units", "import", str(exported)], env)
    assert again.returncode == 0 and "0 units added, 0 updated" in again.stdout, again.stdout + again.stderr


async def test_an_overlapping_phase_is_refused(tmp_path):
    """Defect 5: a phase overlapping another was added, and which one is current became a guess; now it is refused
    with the phase it overlaps."""
    env = await migrated(tmp_path)
    assert run(["phases", "add", "GD1", "Giai đoạn 2026", "2026-01-01", "2026-12-31"], env).returncode == 0
    overlapping = run(["phases", "add", "GD2", "Giai đoạn 2", "2026-12-01", "2027-06-30"], env)
    assert overlapping.returncode == 1 and "Traceback" not in overlapping.stderr
    assert overlapping.stderr.strip() == "sangkien phases add: phase GD2 would overlap GD1 (2026-01-01 – 2026-12-31); phases may not overlap"
    assert run(["phases", "add", "GD2", "Giai đoạn 2", "2027-01-01", "2027-06-30"], env).returncode == 0
