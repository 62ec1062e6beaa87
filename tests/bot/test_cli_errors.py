"""Issue 15, defect 6 (operator errors): every `sangkien` command answers bad input, a missing file or folder,
a bad setting and a database that is missing, not migrated, not a database or out of reach with one line on
stderr, named after the command, and a non-zero exit; never a traceback, and nothing is done first."""

from __future__ import annotations

import os

import pytest

from tests import forked
from tests.bot.cli_runner import demo_url, sangkien  # noqa: F401  (fixtures)

USAGE, REFUSED = 2, 1
DATE = "write day/month/year, e.g. 23/11/2026"
NOT_MIGRATED = "run `sangkien db upgrade`"


CASES = [
    # (args, environment, what the line says, exit code)
    (["phases", "add", "GD9", "Giai đoạn 9", "32/13/2026", "31/12/2026"], {}, DATE, USAGE),
    (["phases", "add", "GD9", "Giai đoạn 9", "abc", "31/12/2026"], {}, DATE, USAGE),
    (["campaign", "create", "--unit", "CDN-GD-HN", "--name", "Tuần cao điểm", "--kind", "peak_week",
      "--start", "32/13/2026", "--target", "5"], {}, DATE, USAGE),
    (["campaign", "edit", "1", "--end", "2026-02-30"], {}, DATE, USAGE),
    (["report", "LDLD-HN", "--locale", "fr"], {}, "'fr' is not a language of the bot: use vi or en", USAGE),
    (["export", "{tmp}/x.xlsx", "--unit", "LDLD-HN", "--locale", "fr"], {}, "use vi or en", USAGE),
    (["report", "LDLD-HN", "--chart", "{tmp}/missing/c.png"], {}, "no folder {tmp}/missing for the chart", REFUSED),
    (["export", "{tmp}/missing/x.xlsx", "--unit", "LDLD-HN"], {}, "no folder {tmp}/missing for the export", REFUSED),
    (["export", "{tmp}", "--unit", "LDLD-HN"], {}, "is a directory", USAGE),
    (["export", "{tmp}/x.xlsx", "--unit", "NO-SUCH"], {}, "no unit with code 'NO-SUCH'", REFUSED),
    (["qr", "LDLD-HN", "--username", "bad name!", "--out", "{tmp}"], {}, "not a Telegram bot username", REFUSED),
    (["campaign", "list", "--unit", "NO-SUCH"], {}, "no unit 'NO-SUCH'", REFUSED),
    (["roles", "grant", "officer", "--member", "one", "--unit", "LDLD-HN"], {}, "'--member'", USAGE),
    (["db", "upgrade", "9999_none"], {}, "Can't locate revision identified by '9999_none'", REFUSED),
    (["report", "LDLD-HN"], {"DATABASE_URL": "sqlite+aiosqlite:///{tmp}/new.db"}, NOT_MIGRATED, REFUSED),
    (["export", "{tmp}/x.xlsx", "--unit", "LDLD-HN"], {"DATABASE_URL": "sqlite+aiosqlite:///{tmp}/new.db"},
     NOT_MIGRATED, REFUSED),
    (["members", "list"], {"DATABASE_URL": "postgresql+asyncpg://sangkien:pa55word@127.0.0.1:9/sangkien"},
     "cannot reach the database postgresql+asyncpg://sangkien:***@127.0.0.1:9/sangkien", REFUSED),
    (["roles", "list"], {"DATABASE_URL": "postgres ql://sangkien:pa55word@host/db"}, "DATABASE_URL: must be", REFUSED),
    (["demo-data"], {"DATABASE_URL": "postgresql://sangkien:pa55word@127.0.0.1:9/db"}, "postgresql+asyncpg://", REFUSED),
    (["report", "LDLD-HN"], {"DEFAULT_LOCALE": "fr"}, "DEFAULT_LOCALE must be 'vi' or 'en'", REFUSED),
]  # fmt: skip


@pytest.mark.parametrize(("args", "env", "told", "code"), CASES, ids=lambda v: None)
def test_every_operator_error_is_one_line_and_a_non_zero_exit(sangkien, tmp_path, args, env, told, code):
    """Defect 6: one clear line on stderr, named after the command, and a non-zero exit."""
    result = sangkien(*args, **env)
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)  # not an exception escaping the command
    [line] = result.stderr.splitlines()
    assert line.startswith(f"sangkien {args[0]}") and told.format(tmp=tmp_path) in line
    assert "pa55word" not in result.output


def test_a_missing_folder_is_refused_before_the_work(sangkien, tmp_path):
    """Defect 6: `report --chart` into a missing folder says so before the report, not after it."""
    result = sangkien("report", "LDLD-HN", "--chart", "{tmp}/missing/c.png")
    assert result.exit_code == REFUSED and result.stdout == ""


def test_a_day_is_read_as_the_bot_writes_it(sangkien, tmp_path):
    """Defect 6: the date the refusal asks for (23/11/2026) is one the command takes."""
    added = sangkien("phases", "add", "GD9", "Giai đoạn 9", "01/01/2031", "31/12/2031")
    assert added.exit_code == 0, added.output
    assert "GD9\tGiai đoạn 9\t2031-01-01 – 2031-12-31" in sangkien("phases", "list").stdout


@pytest.mark.parametrize(
    ("args", "database", "told"),
    [
        (["report", "LDLD-HN"], "new.db", NOT_MIGRATED),
        (["phases", "add", "GD9", "Giai đoạn 9", "32/13/2026", "31/12/2026"], "new.db", DATE),
        (["campaign", "list"], "", "is a folder, not a file"),
        (["phases", "list"], "no/such/folder.db", "no folder"),
    ],
)  # aiosqlite failing to open a file leaves its thread behind, to print a traceback as the process ends
def test_the_real_process_prints_one_line_and_no_traceback(tmp_path, args, database, told):
    """Defect 6, as a person sees it in the terminal."""
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / database}"}
    done = forked.run(args, env)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"sangkien {args[0]}") and told in line
