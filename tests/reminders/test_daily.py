"""The daily figures pushed to a bound group: what was sent in, split into the four statuses that add up to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from reminders.daily import push_daily
from storage.models import Outbox
from tests.conftest import TZ
from tests.reminders.test_scheduler import bind
from tests.storage.test_reports_partition import every_status

MORNING = datetime(2026, 11, 23, 8, 0, tzinfo=TZ)


async def test_the_daily_push_splits_what_was_sent_in_by_status(demo_db):
    await every_status(demo_db)
    await bind(demo_db, "-1", "CDN-GD-HN")
    assert await push_daily(demo_db, MORNING) == 1
    async with demo_db.session() as session:
        [payload] = (await session.execute(select(Outbox.payload).where(Outbox.chat_id == "-1"))).scalars()
    async with demo_db.transaction() as tx:
        chart = await tx.images.get(payload["image"])
    text = payload["text"]
    assert text.startswith("☀️") and "sáng 23/11/2026" in text
    assert "Đã gửi 10/18 sáng kiến" in text
    assert "Hợp lệ 2 · Đang xem xét 1 · Cần bổ sung 3 · Không hợp lệ 4" in text
    assert "Kim Hỷ: 5/4 (125%)" in text and "   Hợp lệ 2 · Đang xem xét 1 · Cần bổ sung 1 · Không hợp lệ 1" in text
    assert "   Cần bổ sung 2 · Không hợp lệ 3" in text
    assert chart.data.startswith(b"\x89PNG")  # the chart of the child units goes with it
