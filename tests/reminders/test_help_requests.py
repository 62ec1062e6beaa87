"""The escalation loop: a help request nobody took moves one level up, once, on a controllable clock."""

import asyncio
from datetime import timedelta

from reminders import help_requests
from tests.handlers.office import notices_to, person


async def test_the_loop_escalates_and_stops_when_told(dispatcher, demo_db, clock):
    hoa = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    await person(demo_db, dispatcher, "xa", "Vũ Văn Xa", "LDLD-HN", "support")
    await hoa.say("Cần hỗ trợ")
    stop = asyncio.Event()
    moments = iter([clock.now + timedelta(hours=5)] * 100)
    loop = asyncio.create_task(help_requests.run(demo_db, stop, timedelta(hours=4), interval=0.01, clock=lambda: next(moments)))
    for _ in range(200):
        if await notices_to(demo_db, "xa"):
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(loop, timeout=5)
    assert len(await notices_to(demo_db, "xa")) == 1
