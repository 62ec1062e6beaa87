"""Repositories: what handlers and jobs need from the database, and nothing outside storage/ writes SQL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories.bound_chats import BoundChatRepository
from storage.repositories.campaigns import CampaignRepository
from storage.repositories.conversations import ConversationRepository, UpdateRepository
from storage.repositories.images import ImageRepository
from storage.repositories.initiatives import InitiativeRepository
from storage.repositories.hearings import HearingRepository
from storage.repositories.help_requests import HelpRequestRepository
from storage.repositories.invites import InviteRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.phases import PhaseRepository
from storage.repositories.roles import RoleRepository
from storage.repositories.units import UnitRepository


class Transaction:
    """One unit of work: every repository shares the session, so they commit together."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.updates = UpdateRepository(session)
        self.conversations = ConversationRepository(session)
        self.members = MemberRepository(session)
        self.units = UnitRepository(session)
        self.initiatives = InitiativeRepository(session)
        self.outbox = OutboxRepository(session)
        self.help_requests = HelpRequestRepository(session)
        self.images = ImageRepository(session)
        self.phases = PhaseRepository(session)
        self.roles = RoleRepository(session)
        self.invites = InviteRepository(session)
        self.bound_chats = BoundChatRepository(session)
        self.campaigns = CampaignRepository(session)
        self.hearings = HearingRepository(session)

    async def flush(self) -> None:
        await self.session.flush()
