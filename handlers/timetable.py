"""When each push goes out (lịch nhắc), in local time: the daily figures, and each campaign's days.

A campaign is announced on its first day, counted down every day after that to its last day,
and summed up on the day after it ends, each at the daily push time. The jobs and `/lichnhac`
read the same rules from here, so what people are told is what the scheduler does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from conversations.model import Reply
from messaging.keys import push_key
from messaging.quiet import QuietHours, parse_time
from storage.models import BoundChat, Campaign, Unit
from storage.repositories import Transaction

SUMMARY_CATCH_UP = timedelta(days=7)  # a summary missed while no process ran is still sent this long after


@dataclass(frozen=True)
class Timetable:
    daily: time
    quiet: QuietHours
    tz: ZoneInfo
    nudge_after: timedelta = timedelta(hours=24)
    nudge_again_after: timedelta = timedelta(days=3)

    @classmethod
    def from_settings(cls, settings) -> "Timetable":
        return cls(parse_time(settings.daily_push_time), QuietHours.parse(settings.quiet_hours), settings.tz,
                   timedelta(hours=settings.nudge_after_hours), timedelta(days=settings.nudge_again_after_days))

    @property
    def daily_time(self) -> str:
        return f"{self.daily:%H:%M}"

    def at(self, day: date) -> datetime:
        return datetime.combine(day, self.daily, tzinfo=self.tz)

    def past_push_time(self, day: date, now: datetime) -> bool:
        """`day` is today and today's push time has passed: what starts today is announced at once, not tomorrow."""
        return day == now.astimezone(self.tz).date() and now >= self.at(day)

    @staticmethod
    def campaign_due(campaign: Campaign, day: date) -> list[str]:
        """What a campaign sends on `day`: its announcement (again, harmlessly, if one was missed), a countdown, a summary."""
        if campaign.cancelled_at is not None or day < campaign.starts_on:
            return []
        if day <= campaign.ends_on:
            return ["start"] if day == campaign.starts_on else ["start", "countdown"]
        return ["summary"] if day - campaign.ends_on <= SUMMARY_CATCH_UP else []

    @staticmethod
    def days_left(campaign: Campaign, day: date) -> int:
        """Days still to go, today included ("còn 5 ngày")."""
        return max((campaign.ends_on - day).days + 1, 0)

    async def describe(self, tx: Transaction, chat: BoundChat, unit: Unit, now: datetime, locale: str) -> Reply:
        """What this chat will get and when: the schedule shown by /lichnhac."""
        campaigns = []
        for campaign, owner in await tx.campaigns.listing(since=now.date()):
            if campaign.cancelled_at is None and unit.path.startswith(owner.path):
                campaigns.append({
                    "name": campaign.name, "unit": owner.name, "ends_on": campaign.ends_on.strftime("%d/%m/%Y"),
                    "summary_on": (campaign.ends_on + timedelta(days=1)).strftime("%d/%m/%Y"),
                    **await self._announcement(tx, campaign, chat, now),
                })
        return Reply("group.schedule", {
            "unit": unit.name, "time": self.daily_time, "quiet": str(self.quiet).replace("-", "–"),
            "paused": chat.paused_at is not None, "campaigns": campaigns, "private": chat.kind == "private",
        })

    async def _announcement(self, tx: Transaction, campaign: Campaign, chat: BoundChat, now: datetime) -> dict:
        """When this chat hears the campaign announced: `announce_on` (a day, at the push time), or
        `announced` today already (at the push time, or at once when it was saved after it), or neither."""
        today = now.astimezone(self.tz).date()
        if campaign.starts_on > today or (campaign.starts_on == today and not self.past_push_time(today, now)):
            return {"announced": False, "announce_on": campaign.starts_on.strftime("%d/%m/%Y")}
        if campaign.starts_on < today or chat.kind != "group":
            return {"announced": False, "announce_on": ""}  # under way: its countdown says the rest
        if await tx.outbox.has(push_key(f"campaign:{campaign.id}:start", "", chat.channel, chat.chat_id)):
            return {"announced": True, "announce_on": ""}
        tomorrow = today + timedelta(days=1)  # bound since: the next morning's round catches up
        return {"announced": False, "announce_on": tomorrow.strftime("%d/%m/%Y")}
