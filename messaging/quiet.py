"""Quiet hours (giờ yên tĩnh): when non-urgent pushes wait, so nobody's phone buzzes at night."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time


def parse_time(text: str) -> time:
    """A local clock time written HH:MM."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{text!r} is not a time of day written HH:MM")
    return time(int(match[1]), int(match[2]))


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> "QuietHours":
        """"21:00-07:00" (may cross midnight); an empty text or equal ends means none."""
        if not text.strip():
            return cls(time(0), time(0))
        parts = text.split("-")
        if len(parts) != 2:
            raise ValueError(f"{text!r} is not quiet hours written HH:MM-HH:MM")
        return cls(parse_time(parts[0]), parse_time(parts[1]))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def holds(self, moment: time | datetime) -> bool:
        """Whether a push at this local time must wait."""
        at = (moment.time() if isinstance(moment, datetime) else moment).replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end
