"""Issue 15 (a tryout's bad input): numbers, dates, codes, names and settings that reached the database or Python
as they were, and came back as a traceback, a raw driver error or a silent success. Each is now one line on
stderr naming the command, exit 1 (2 for a misused option or argument), checked before anything is written."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import migrate
from storage.db import Database
from storage.problems import head_revision
from tests import forked
from tests.bot.cli_runner import demo_url, sangkien  # noqa: F401  (fixtures)

USAGE, REFUSED = 2, 1
HUGE = "99999999999999999999"
BEHIND = "0010_replies_in_response"
ROOT = str(Path(__file__).resolve().parents[2])  # the processes run this checkout's code, from a folder of their own


def one_line(result, command: str, told: str, code: int) -> None:
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no exception escaped the command
    [line] = result.stderr.splitlines()
    assert line.startswith(f"sangkien {command}: ") and told in line, line
    assert not line.startswith(f"sangkien {command}: :"), line


CASES = [
    # defect 1: an id no INTEGER column holds was an OverflowError (SQLite) or "out of int32 range" (PostgreSQL)
    (["roles", "grant", "officer", "--member", HUGE, "--unit", "LDLD-HN"], {}, "roles grant", f"no member {HUGE}", REFUSED),
    (["roles", "revoke", "officer", "--member", "2147483648", "--unit", "LDLD-HN"], {}, "roles revoke",
     "no member 2147483648", REFUSED),
    (["campaign", "cancel", HUGE], {}, "campaign cancel", f"no campaign {HUGE}", REFUSED),
    (["campaign", "edit", HUGE, "--name", "xyz"], {}, "campaign edit", f"no campaign {HUGE}", REFUSED),
    (["campaign", "cancel", "1x"], {}, "campaign cancel", "is not a campaign id", USAGE),
    # defect 2: year 9999 overflowed a date sum; year 0001 was taken
    (["campaign", "create", "--unit", "LDLD-HN", "--name", "Tuần", "--kind", "forty_days", "--start", "31/12/9999",
      "--target", "100"], {}, "campaign create", "a date from 2000 to 2100", USAGE),
    (["campaign", "edit", "1", "--start", "31/12/9999"], {}, "campaign edit", "a date from 2000 to 2100", USAGE),
    (["phases", "add", "GD0", "Cổ", "01/01/0001", "31/12/0001"], {}, "phases add", "a date from 2000 to 2100", USAGE),
    # defect 3: settings that are not JSON were a SettingsError traceback; an unknown LOG_LEVEL a ValueError
    (["phases", "list"], {"INITIATIVE_FIELDS": "not json"}, "phases list", "INITIATIVE_FIELDS is not valid JSON", REFUSED),
    (["phases", "list"], {"TARGET_GROUPS": "[1,"}, "phases list", "TARGET_GROUPS is not valid JSON", REFUSED),
    (["phases", "list"], {"BOTS": "nope"}, "phases list", "BOTS is not valid JSON", REFUSED),
    (["chat"], {"LOG_LEVEL": "LOUD"}, "chat", "LOG_LEVEL: 'LOUD' is no log level", REFUSED),
    (["run"], {"LOG_LEVEL": "LOUD"}, "run", "LOG_LEVEL: 'LOUD' is no log level", REFUSED),
    (["phases", "list"], {"INITIATIVE_FIELDS": "[]"}, "phases list", "INITIATIVE_FIELDS: a JSON list of one or more",
     REFUSED),
    (["phases", "list"], {"TARGET_GROUPS": '["A", " "]'}, "phases list", "TARGET_GROUPS: a JSON list of one or more",
     REFUSED),
    (["phases", "list"], {"DAILY_PUSH_TIME": "22:00"}, "phases list", "DAILY_PUSH_TIME falls in QUIET_HOURS", REFUSED),
    (["phases", "list"], {"TELEGRAM_WEBHOOK_URL": "https://bot.example/tg"}, "phases list",
     "TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET", REFUSED),
    # defect 4: a phase code or name the import's columns cannot round-trip, or its column cannot hold
    (["phases", "add", "", "", "01/01/2031", "31/12/2031"], {}, "phases add", "a code is 1 to 32", USAGE),
    (["phases", "add", " ", "x", "01/01/2031", "31/12/2031"], {}, "phases add", "a code is 1 to 32", USAGE),
    (["phases", "add", "P 3", "x", "01/01/2031", "31/12/2031"], {}, "phases add", "a code is 1 to 32", USAGE),
    (["phases", "add", "P" * 300, "x", "01/01/2031", "31/12/2031"], {}, "phases add", "a code is 1 to 32", USAGE),
    (["phases", "add", "P3", " ", "01/01/2031", "31/12/2031"], {}, "phases add", "a name is 1 to 200", USAGE),
    (["phases", "add", "P3", "x" * 201, "01/01/2031", "31/12/2031"], {}, "phases add", "a name is 1 to 200", USAGE),
    # defect 6: said without the command's name, or not at all, or with the wrong exit code
    (["members", "list", "--unit", "NOPE"], {}, "members list", "no unit 'NOPE'", REFUSED),
    (["roles", "grant", "officer", "--member", "999", "--unit", "LDLD-HN"], {}, "roles grant", "no member 999", REFUSED),
    (["report", "NO-SUCH-UNIT-XYZ"], {}, "report", "no unit with the code or name", REFUSED),
    (["units", "export", "{tmp}/missing/u.csv"], {}, "units export", "no folder {tmp}/missing", REFUSED),
    (["qr", "LDLD-HN", "--platform", "fax", "--username", "bot"], {}, "qr", "telegram, zalo or both", USAGE),
    (["report", "LDLD-HN", "--chart", "/proc/x.png"], {}, "report", "cannot write the chart to /proc/x.png", REFUSED),
]  # fmt: skip


@pytest.mark.parametrize(("args", "env", "command", "told", "code"), CASES, ids=lambda v: None)
def test_bad_input_is_one_line_naming_the_command(sangkien, tmp_path, args, env, command, told, code):
    """Issue 15: each was a traceback, a raw error, a line without the command's name, or a silent exit 0."""
    result = sangkien(*args, **env)
    one_line(result, command, told.format(tmp=tmp_path), code)
    assert result.stdout == ""  # refused before the work, not after it


def test_a_phase_added_round_trips_through_units_export_and_import(sangkien, tmp_path):
    """Issue 15, defect 4 (a guard): a phase with an empty code was added, and the export naming it could not be
    imported; a code the command now takes, with - in it, goes through the round trip."""
    assert sangkien("phases", "add", "GD-9", "Giai đoạn 9", "01/01/2041", "31/12/2041").exit_code == 0
    assert sangkien("units", "export", "{tmp}/u.csv").exit_code == 0
    imported = sangkien("units", "import", "{tmp}/u.csv", "--dry-run")
    assert imported.exit_code == 0, imported.output


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_units_import_refuses_codes_a_qr_link_cannot_carry(sangkien, tmp_path, locale):
    """Issue 15, defect 7: "NEW 1" and "A/B.C" were imported, then `sangkien qr` refused them; a name with a line
    break was imported too."""
    (tmp_path / "u.csv").write_text("code,name,parent_code,kind,member_count\n"
                                    "NEW 1,Mới,LDLD-HN,grassroots,3\n"
                                    'A/B.C,"Hai\ndòng",LDLD-HN,grassroots,3\n'
                                    "NEW-2_b,Đúng,LDLD-HN,grassroots,3\n", encoding="utf-8")
    result = sangkien("units", "import", "{tmp}/u.csv", "--locale", locale)
    assert result.exit_code == REFUSED
    lines = result.stderr.splitlines()
    assert len(lines) == 4 and "'NEW 1'" in lines[0] and "'A/B.C'" in lines[1] and "A-Z a-z 0-9 _ -" in lines[1]
    assert ("name" in lines[2]) and lines[2].startswith("dòng 3" if locale == "vi" else "line 3")
    assert sangkien("qr", "NEW-2_b").exit_code == REFUSED  # not imported either: the file as a whole was refused


def test_the_id_rule_lets_every_stored_id_through(sangkien):
    """Issue 15, defect 1 (a guard): the largest id an INTEGER holds is still looked up (and not found)."""
    one_line(sangkien("campaign", "cancel", "2147483647"), "campaign cancel", "no campaign 2147483647", REFUSED)


def test_the_head_revision_is_alembics():
    """Issue 15, defect 5: the revision the commands require, read from the files' names, is alembic's head."""
    from alembic.script import ScriptDirectory

    assert head_revision() == ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()


@pytest.mark.parametrize("command", [["units", "export", "{tmp}/u.csv"], ["phases", "list"], ["demo-data"],
                                     ["qr", "LDLD-HN", "--username", "bot", "--out", "{tmp}"], ["chat"], ["run"]])
def test_a_database_one_migration_behind_is_refused(sangkien, tmp_path, command):
    """Issue 15, defect 5: a database at the previous revision was used as it was (then failed on a column it
    lacked, as a raw `value too long`); now every command but `db ...` says which revision it needs."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"

    async def behind():
        db = Database.from_url(url)
        try:
            await migrate.upgrade(db, BEHIND)
        finally:
            await db.close()

    asyncio.run(behind())
    result = sangkien(*command, DATABASE_URL=url)
    one_line(result, command[0] if command[0] not in ("units", "phases") else " ".join(command[:2]),
             f"is at revision {BEHIND}, this version needs {head_revision()}: run `sangkien db upgrade`", REFUSED)
    assert sangkien("db", "upgrade", DATABASE_URL=url).exit_code == 0
    assert sangkien("phases", "list", DATABASE_URL=url).exit_code == 0


async def test_postgres_one_migration_behind_is_refused_in_one_line(postgres_database_url, tmp_path):
    """Issue 15, defect 5, on PostgreSQL as the tryout met it: `units import` on a database a migration behind."""
    db = Database.from_url(postgres_database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": BEHIND})
    finally:
        await db.close()
    (tmp_path / "u.csv").write_text("code,name,parent_code,kind,member_count\nA1,Một,,national,3\n", encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": postgres_database_url, "PYTHONPATH": ROOT}
    done = forked.run(["units", "import", str(tmp_path / "u.csv")], env, cwd=tmp_path)
    assert done.returncode == REFUSED and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("sangkien units import: ") and f"is at revision {BEHIND}" in line


async def test_postgres_huge_ids_and_long_phase_fields_never_reach_the_driver(postgres_database_url, tmp_path):
    """Issue 15, defects 1 and 4 on PostgreSQL: were `out of int32 range` and `value too long for type ...`."""
    env = {**os.environ, "DATABASE_URL": postgres_database_url, "PYTHONPATH": ROOT}
    for args, told in ((["campaign", "cancel", HUGE], f"no campaign {HUGE}"),
                       (["phases", "add", "P" * 40, "x", "01/01/2031", "31/12/2031"], "a code is 1 to 32"),
                       (["phases", "add", "P4", "x" * 250, "01/01/2031", "31/12/2031"], "a name is 1 to 200")):
        done = forked.run(args, env, cwd=tmp_path)
        [line] = done.stderr.splitlines()
        assert done.returncode in (USAGE, REFUSED) and told in line and "Traceback" not in done.stderr
