"""`sangkien report`: a unit named by code or by name, its figures split by status; a name that fits several
units lists them, an unknown one is one line."""

from __future__ import annotations

from tests.bot.test_cli_export import prepared as exported_db, run
from tests.storage.test_reports_partition import every_status


async def prepared(tmp_path) -> dict:
    return await exported_db(tmp_path, every_status)


async def test_a_unit_by_name_without_accents_with_its_figures_by_status_and_its_chart(tmp_path):
    env = await prepared(tmp_path)
    chart = tmp_path / "gd.png"
    result = run(["report", "cong doan nganh giao duc", "--chart", str(chart)], env)
    assert result.returncode == 0, result.stderr
    assert "Báo cáo tiến độ: Công đoàn ngành Giáo dục Hà Nội" in result.stdout
    assert "Đã gửi 10/18" in result.stdout and "Hợp lệ 2 · Đang xem xét 1 · Cần bổ sung 3 · Không hợp lệ 4" in result.stdout
    assert chart.read_bytes().startswith(b"\x89PNG")
    by_code = run(["report", "cdcs-mn-kimhy", "--locale", "en"], env)
    assert "Submitted 5/4" in by_code.stdout and "Valid 2 · Under review 1 · Needs changes 1 · Not valid 1" in by_code.stdout


async def test_several_or_no_units_are_a_clear_refusal(tmp_path):
    env = await prepared(tmp_path)
    several = run(["report", "cong ty co phan may"], env)
    assert several.returncode == 1 and several.stdout == ""
    assert "2 units match" in several.stderr and "CDCS-MAY-SONGNHUE" in several.stderr and "CDCS-MAY-NGOCHA" in several.stderr
    unknown = run(["report", "truong dai hoc bach khoa"], env)
    assert unknown.returncode == 1 and unknown.stderr == "sangkien report: no unit with the code or name 'truong dai hoc bach khoa'\n"


async def test_files_into_a_missing_folder_are_one_line_each_not_a_traceback(tmp_path):
    env = await prepared(tmp_path)
    missing = tmp_path / "no-such-folder"
    charted = run(["report", "LDLD-HN", "--chart", str(missing / "c.png")], env)
    exported = run(["export", str(missing / "x.xlsx"), "--unit", "LDLD-HN"], env)
    assert (charted.returncode, exported.returncode) == (1, 1)
    assert f"no folder {missing}" in charted.stderr and f"no folder {missing}" in exported.stderr
    assert "Traceback" not in charted.stderr + exported.stderr
