"""The parts of Settings the handlers need: the forms' fields, the staff screens' limits, when pushes go out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from handlers.timetable import Timetable
from messaging.quiet import QuietHours


@dataclass(frozen=True)
class StaffOptions:
    duplicate_threshold: int = 80
    invite_lifetime: timedelta = timedelta(days=7)
    public_base_url: str | None = None  # links to the files people sent, in exports and forms


@dataclass(frozen=True)
class Options:
    """The parts of Settings the conversations need."""

    fields: tuple[str, ...]
    target_groups: tuple[str, ...]
    timezone: str = "Asia/Ho_Chi_Minh"
    default_locale: str = "vi"
    resume_after: timedelta = timedelta(hours=1)
    staff: StaffOptions = StaffOptions()
    timetable: Timetable = Timetable(time(8), QuietHours.parse("21:00-07:00"), ZoneInfo("Asia/Ho_Chi_Minh"))
    hears: bool = False  # VOICE_ENGINE is on: a voice note's words are offered to confirm (bot/hearing)
    served: tuple[tuple[str, str], ...] = ()  # (channel, unit code): one of several bots serves that subtree only
