"""`sangkien campaign`: create (with per-unit shares), list, edit before the start, cancel once; clear refusals.

The education sector union (CDN-GD-HN) has three schools: Kim Hỷ 38, Nghĩa Tân 64, Dịch Vọng 71 members.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from storage.db import Database
from storage.models import Campaign, Outbox
from tests import db_templates

TODAY = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
MONDAY = TODAY + timedelta(days=7 - TODAY.weekday())


@pytest.fixture
def url(tmp_path, monkeypatch):
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TIMEZONE", "Asia/Ho_Chi_Minh")
    get_settings.cache_clear()

    db_templates.sqlite.copy(tmp_path / "c.db", demo=True)  # migrated, the demo units loaded

    async def prepare():
        async with database(url) as db:
            async with db.transaction() as tx:
                for chat_id, code in (("nhom-kimhy", "CDCS-MN-KIMHY"), ("nhom-yte", "CDN-YT-HN")):
                    unit = await tx.units.by_code(code)
                    await tx.bound_chats.bind("console", chat_id, kind="group", unit_id=unit.id, member_id=None)

    asyncio.run(prepare())
    yield url
    get_settings.cache_clear()


class database:
    def __init__(self, url):
        self.db = Database.from_url(url)

    async def __aenter__(self):
        return self.db

    async def __aexit__(self, *_):
        await self.db.close()


def counted(url, model, **where) -> int:
    async def count():
        async with database(url) as db, db.session() as session:
            query = select(func.count()).select_from(model)
            for column, value in where.items():
                query = query.where(getattr(model, column) == value)
            return (await session.execute(query)).scalar_one()

    return asyncio.run(count())


def sangkien(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def create(*extra, start=MONDAY, kind="peak_week", target=18):
    return sangkien("campaign", "create", "--unit", "CDN-GD-HN", "--name", "Tuần cao điểm sáng kiến", "--kind", kind,
                    "--start", start, "--target", target, *extra)


def test_create_with_a_share_given_then_list_edit_and_cancel_once(url):
    made = create("--per-unit", "CDCS-MN-KIMHY=10", "--slogan", "Tự hào trí tuệ lao động Việt Nam")
    assert made.exit_code == 0, made.output
    assert "campaign 1 created" in made.output and f"{MONDAY} – {MONDAY + timedelta(days=6)}" in made.output
    assert "CDCS-MN-KIMHY\t10" in made.output and "CDCS-TH-NGHIATAN\t4" in made.output and "CDCS-TH-DICHVONG\t4" in made.output
    listed = sangkien("campaign", "list")
    assert f"1\tupcoming\tCDN-GD-HN\t{MONDAY} – {MONDAY + timedelta(days=6)}\t18\tTuần cao điểm sáng kiến" in listed.output
    assert "Tuần cao điểm" not in sangkien("campaign", "list", "--unit", "CDN-YT-HN").output
    assert "Tuần cao điểm" in sangkien("campaign", "list", "--unit", "ldld-hn").output

    renamed = sangkien("campaign", "edit", 1, "--name", "Tuần cao điểm tháng sau", "--start", MONDAY + timedelta(days=1))
    assert renamed.exit_code == 0, renamed.output
    assert f"{MONDAY + timedelta(days=1)} – {MONDAY + timedelta(days=7)}" in renamed.output
    assert "CDCS-MN-KIMHY\t10" in renamed.output  # the same target keeps the shares given
    retargeted = sangkien("campaign", "edit", 1, "--target", 30)
    assert retargeted.exit_code == 0 and "\t30\t" in retargeted.output
    assert sum(int(line.split("\t")[1]) for line in retargeted.output.splitlines() if line.startswith("  ")) == 30

    cancelled = sangkien("campaign", "cancel", 1)
    assert cancelled.exit_code == 0, cancelled.output
    assert "the notice goes to 1 chat(s)" in cancelled.output
    again = sangkien("campaign", "cancel", 1)
    assert again.exit_code == 1 and "already cancelled" in again.output
    assert counted(url, Outbox, chat_id="nhom-kimhy") == 1 and counted(url, Outbox, chat_id="nhom-yte") == 0
    assert "cancelled" in sangkien("campaign", "list").output
    late = sangkien("campaign", "edit", 1, "--name", "Muộn rồi")
    assert late.exit_code == 1 and "can no longer be edited" in late.output


def test_a_custom_campaign_needs_its_end(url):
    assert "needs --end" in create(kind="custom").output
    made = create("--end", MONDAY + timedelta(days=13), kind="custom")
    assert made.exit_code == 0 and f"{MONDAY} – {MONDAY + timedelta(days=13)}" in made.output
    wrong = sangkien("campaign", "edit", 1, "--end", MONDAY - timedelta(days=1))
    assert wrong.exit_code == 1 and "before --start" in wrong.output


@pytest.mark.parametrize(
    ("extra", "told"),
    [
        (["--per-unit", "CDCS-BV-DONGANH=5"], "not a child unit of CDN-GD-HN"),
        (["--per-unit", "NO-SUCH=5"], "no unit 'NO-SUCH'"),
        (["--per-unit", "CDCS-MN-KIMHY=many"], "CODE=N"),
        (["--per-unit", "CDCS-MN-KIMHY=10", "--per-unit", "CDCS-TH-NGHIATAN=10"], "more than the campaign's target"),
        (["--end", "2099-01-01"], "lasts 7 days"),
        (["--name", "x"], "2 to 200 characters"),
        (["--slogan", "y" * 301], "at most 300 characters"),
    ],
)  # fmt: skip
def test_refusals_write_nothing(url, extra, told):
    result = create(*extra)
    assert result.exit_code != 0 and told in result.output
    assert counted(url, Campaign) == 0


@pytest.mark.parametrize(
    ("args", "told"),
    [
        (["--kind", "peak_year"], "peak_week, peak_month, forty_days, custom"),
        (["--start", TODAY - timedelta(days=1)], "in the past"),
        (["--start", "32/13/2026"], "not a date"),
        (["--target", "0"], "--target"),
        (["--unit", "NO-SUCH"], "no unit 'NO-SUCH'"),
    ],
)
def test_bad_options_are_refused(url, args, told):
    options = {"--unit": "CDN-GD-HN", "--name": "Tuần cao điểm", "--kind": "peak_week", "--start": MONDAY, "--target": 18}
    options.update(dict(zip(args[::2], args[1::2])))
    result = sangkien("campaign", "create", *[part for pair in options.items() for part in pair])
    assert result.exit_code != 0 and told in result.output
    assert counted(url, Campaign) == 0


def test_a_started_campaign_cannot_be_edited(url):
    assert create(start=TODAY).exit_code == 0
    refused = sangkien("campaign", "edit", 1, "--target", 40)
    assert refused.exit_code == 1 and f"started on {TODAY}" in refused.output
    assert sangkien("campaign", "edit", 1).exit_code != 0  # nothing to change
    for command in (["edit", 9, "--name", "Không có"], ["cancel", 9]):
        missing = sangkien("campaign", *command)
        assert missing.exit_code == 1 and "no campaign 9" in missing.output


@pytest.mark.parametrize(
    ("extra", "told"),
    [
        (["--start", "2099-01-05"], "more than 5 years ahead"),
        (["--name", "🔥🔥 2026"], "letters"),
        (["--kind", "custom", "--end", "2099-01-01"], "more than 5 years ahead"),
    ],
)
def test_the_chats_rules_hold_here_too(url, extra, told):
    """conversations/campaign_rules.py: a day within five years, a name in words, as the wizard says."""
    options = {"--unit": "CDN-GD-HN", "--name": "Tuần cao điểm", "--kind": "peak_week", "--start": MONDAY, "--target": 18}
    options.update(dict(zip(extra[::2], extra[1::2])))
    result = sangkien("campaign", "create", *[part for pair in options.items() for part in pair])
    assert result.exit_code != 0 and told in result.output, result.output
    assert counted(url, Campaign) == 0
    assert create().exit_code == 0
    moved = sangkien("campaign", "edit", 1, "--start", "2099-01-05")
    assert moved.exit_code == 1 and "more than 5 years ahead" in moved.output
