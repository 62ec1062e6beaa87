"""Peak campaigns (chiến dịch cao điểm) and each child unit's share of the target."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.campaign_rules import KINDS as CAMPAIGN_KINDS
from storage.models import Campaign, CampaignTarget, Unit, utcnow


def split_target(total: int, children: list[Unit], given: dict[int, int] | None = None) -> dict[int, int]:
    """Each child's share of `total`: as given, else by member share (largest remainders, so it adds up)."""
    given = dict(given or {})
    rest = [c for c in children if c.id not in given]
    left = max(total - sum(given.values()), 0)
    members = sum(c.member_count for c in rest)
    if not rest:
        return given
    weights = [c.member_count / members if members else 1 / len(rest) for c in rest]
    exact = [left * w for w in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(rest)), key=lambda i: (shares[i] - exact[i], rest[i].code))
    for i in by_remainder[: left - sum(shares)]:
        shares[i] += 1
    return {**given, **{c.id: s for c, s in zip(rest, shares)}}


class CampaignRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self, *, name: str, kind: str, unit: Unit, starts_on: date, ends_on: date, target: int,
        slogan: str | None = None, created_by_id: int | None = None, per_unit: dict[int, int] | None = None,
    ) -> Campaign:
        self._check(kind, starts_on, ends_on, target)
        campaign = Campaign(name=name[:200], kind=kind, unit_id=unit.id, starts_on=starts_on, ends_on=ends_on,
                            target=target, slogan=(slogan or None) and slogan[:300], created_by_id=created_by_id)
        self.session.add(campaign)
        await self.session.flush()
        await self._set_targets(campaign, per_unit)
        return campaign

    async def get(self, campaign_id: int) -> Campaign | None:
        return await self.session.get(Campaign, campaign_id)

    async def edit(self, campaign: Campaign, per_unit: dict[int, int] | None = None, **changes) -> Campaign:
        """Change a campaign that has not started; the shares are split again from the (new) target.

        Checked before anything changes, so a refused edit leaves the campaign as it was."""
        merged = {name: getattr(campaign, name) for name in ("kind", "starts_on", "ends_on", "target")} | changes
        self._check(merged["kind"], merged["starts_on"], merged["ends_on"], merged["target"])
        for name, value in changes.items():
            setattr(campaign, name, value)
        await self._set_targets(campaign, per_unit)
        return campaign

    async def cancel(self, campaign: Campaign, now: datetime | None = None) -> bool:
        if campaign.cancelled_at is not None:
            return False
        campaign.cancelled_at = now or utcnow()
        await self.session.flush()
        return True

    async def listing(self, roots: list[str] | None = None, *, since: date | None = None) -> list[tuple[Campaign, Unit]]:
        """Campaigns of units under any of `roots` (all for None), those still running on `since` or later."""
        query = select(Campaign, Unit).join(Unit, Unit.id == Campaign.unit_id)
        if since is not None:
            query = query.where(Campaign.ends_on >= since)
        result = await self.session.execute(query.order_by(Campaign.starts_on, Campaign.id))
        rows = [(c, u) for c, u in result.all()]
        if roots is None:
            return rows
        return [(c, u) for c, u in rows if any(u.path.startswith(root) for root in roots)]

    async def around(self, day: date) -> list[tuple[Campaign, Unit]]:
        """Campaigns not cancelled with something to send on `day`: running, or ended the day before."""
        result = await self.session.execute(
            select(Campaign, Unit).join(Unit, Unit.id == Campaign.unit_id)
            .where(Campaign.cancelled_at.is_(None), Campaign.starts_on <= day, Campaign.ends_on >= day - timedelta(days=1))
            .order_by(Campaign.id)
        )
        return [(c, u) for c, u in result.all()]

    async def shares_given(self, unit_id: int, starts_on: date, ends_on: date) -> list[tuple[Campaign, Unit, int]]:
        """The shares of `unit_id` in its parent units' campaigns (not cancelled) that overlap these dates:
        (campaign, the campaign's unit, the share)."""
        result = await self.session.execute(
            select(Campaign, Unit, CampaignTarget.target)
            .join(CampaignTarget, CampaignTarget.campaign_id == Campaign.id).join(Unit, Unit.id == Campaign.unit_id)
            .where(CampaignTarget.unit_id == unit_id, Campaign.cancelled_at.is_(None),
                   Campaign.starts_on <= ends_on, Campaign.ends_on >= starts_on)
            .order_by(Campaign.starts_on, Campaign.id)
        )
        return [(c, u, share) for c, u, share in result.all()]

    async def targets(self, campaign_id: int) -> dict[int, int]:
        result = await self.session.execute(select(CampaignTarget).where(CampaignTarget.campaign_id == campaign_id))
        return {t.unit_id: t.target for t in result.scalars()}

    async def _set_targets(self, campaign: Campaign, per_unit: dict[int, int] | None) -> None:
        children = list((await self.session.execute(select(Unit).where(Unit.parent_id == campaign.unit_id))).scalars())
        known = {c.id for c in children}
        if per_unit and not set(per_unit) <= known:
            raise ValueError("per-unit targets are for the campaign unit's own child units")
        if per_unit and sum(per_unit.values()) > campaign.target:
            raise ValueError("the per-unit targets add up to more than the campaign's target")
        await self.session.execute(delete(CampaignTarget).where(CampaignTarget.campaign_id == campaign.id))
        for unit_id, share in split_target(campaign.target, children, per_unit).items():
            self.session.add(CampaignTarget(campaign_id=campaign.id, unit_id=unit_id, target=share))
        await self.session.flush()

    @staticmethod
    def _check(kind: str, starts_on: date, ends_on: date, target: int) -> None:
        if kind not in CAMPAIGN_KINDS:
            raise ValueError(f"unknown campaign kind {kind!r}")
        if ends_on < starts_on:
            raise ValueError("a campaign ends after it starts")
        if target < 1:
            raise ValueError("a campaign's target is at least 1")
