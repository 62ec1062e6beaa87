"""The command line: the QR poster for a unit, and refusing a webhook without its secret."""

import os

from PIL import Image

from tests import forked


def run(args, env, **kwargs):
    """`python -m bot ARGS` in a process of its own (tests/forked.py)."""
    return forked.run(args, env, **kwargs)


def test_qr_poster_for_a_unit(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'q.db'}"}
    for args in (["db", "upgrade"], ["demo-data"]):
        assert run(args, env).returncode == 0
    out = tmp_path / "kimhy.png"
    result = run(["qr", "CDCS-MN-KIMHY", "--username", "sangkien_bot", "--out", str(out)], env)
    assert result.returncode == 0, result.stderr
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width >= 800
    missing = run(["qr", "NO-SUCH-UNIT", "--username", "sangkien_bot"], env)
    assert missing.returncode == 1 and "no unit" in missing.stderr


def test_webhook_without_a_secret_is_refused(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
    }
    env.pop("TELEGRAM_WEBHOOK_SECRET", None)
    result = run(["run"], env)
    assert result.returncode != 0 and "TELEGRAM_WEBHOOK_SECRET" in result.stderr
    assert "123:abc" not in result.stderr


def test_a_failing_start_never_prints_the_token(tmp_path):
    token = "123456789:AAH-very-secret-token"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'r.db'}",
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": "http://127.0.0.1:9",  # nothing listens: the start fails
        "TELEGRAM_WEBHOOK_URL": "",
    }
    result = run(["run"], env)
    assert result.returncode != 0
    assert token not in result.stderr + result.stdout


def test_a_refused_setting_does_not_echo_other_values(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'r.db'}",
        "TELEGRAM_BOT_TOKEN": "123456789:AAH-very-secret-token",
        "ZALO_BOT_TOKEN": "zalo-secret-token-value",
        "TELEGRAM_API_URL": "api.telegram.org",
    }
    result = run(["run"], env)
    assert result.returncode != 0 and "TELEGRAM_API_URL" in result.stderr.upper()
    assert "secret-token" not in result.stderr + result.stdout


def test_units_import_and_export_round_trip(tmp_path):
    from openpyxl import Workbook, load_workbook

    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'u.db'}"}
    assert run(["db", "upgrade"], env).returncode == 0
    assert run(["phases", "add", "GD1", "Giai đoạn 2026", "2026-01-01", "2026-12-31"], env).returncode == 0
    book = Workbook()
    book.active.append(["code", "name", "parent_code", "kind", "member_count", "target", "target:GD1"])
    book.active.append(["LDLD-QN", "LĐLĐ tỉnh Quảng Ninh", None, "province_federation", 900, None, None])
    book.active.append(["CDCS-MO", "=HYPERLINK(\"http://x\")", "LDLD-QN", "grassroots", 300, None, 45])
    book.active.cell(row=3, column=2).data_type = "s"  # a name someone typed that looks like a formula
    source = tmp_path / "units.xlsx"
    book.save(source)
    first = run(["units", "import", str(source)], env)
    assert first.returncode == 0 and "2 units added" in first.stdout, first.stderr
    assert "0 units added, 0 updated" in run(["units", "import", str(source)], env).stdout
    out = tmp_path / "back.xlsx"
    assert run(["units", "export", str(out)], env).returncode == 0
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "target:GD1" and rows[2][-1] == 45
    formula_cell = sheet.cell(row=3, column=2)
    assert formula_cell.data_type == "s" and formula_cell.value.startswith("=HYPERLINK")  # text, never run
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,parent_code,kind,member_count\nA,Đơn vị A,MISSING,grassroots,10\n", encoding="utf-8")
    refused = run(["units", "import", str(bad), "--locale", "en"], env)  # problems are told in Vietnamese by default
    assert refused.returncode == 1 and "line 2" in refused.stderr and "nothing was written" in refused.stderr


def test_roles_are_granted_listed_and_revoked(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"}
    for args in (["db", "upgrade"], ["demo-data"]):
        assert run(args, env).returncode == 0
    chat = run(["chat", "--user", "9"], env, input="hi\n1\nLê Thị Lan\nkim hy\n4\n")
    assert chat.returncode == 0
    [line] = run(["members", "list", "--unit", "CDN-GD-HN"], env).stdout.splitlines()
    member_id = line.split("\t")[0]
    assert line.endswith("console:9") and "CDCS-MN-KIMHY" in line
    granted = run(["roles", "grant", "officer", "--member", member_id, "--unit", "CDN-GD-HN"], env)
    assert granted.returncode == 0 and "is now officer of CDN-GD-HN" in granted.stdout
    assert "officer\tCDN-GD-HN" in run(["roles", "list"], env).stdout
    assert run(["roles", "grant", "officer", "--member", member_id], env).returncode != 0  # needs a unit
    assert run(["roles", "grant", "officer", "--member", "999", "--unit", "CDN-GD-HN"], env).returncode == 1
    revoked = run(["roles", "revoke", "officer", "--member", member_id, "--unit", "CDN-GD-HN"], env)
    assert "no longer officer" in revoked.stdout and run(["roles", "list"], env).stdout.strip() == ""
