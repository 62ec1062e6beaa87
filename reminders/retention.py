"""How long generated files are kept (lưu trữ tệp): charts, exports and forms older than the retention go.

Each file is served by its token for as long as it is kept; the messages that showed it were sent long
ago by then. A file a message still waiting to be sent refers to is kept until it has gone out.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from storage.db import Database

log = logging.getLogger(__name__)
CHUNK = 500  # files per transaction: SQLite's one writer is never held for long


async def forget_old_files(db: Database, now: datetime, keep_for: timedelta) -> int:
    """Delete the files made more than `keep_for` before `now`; how many were deleted."""
    made_before = now - keep_for
    deleted = 0
    while True:
        async with db.transaction() as tx:
            gone = await tx.images.forget(made_before, CHUNK)
        deleted += gone
        if gone < CHUNK:
            break
    log.info("generated files made before %s: %d deleted", made_before.isoformat(timespec="minutes"), deleted)
    return deleted
