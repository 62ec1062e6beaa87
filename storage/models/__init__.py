"""SQLAlchemy models: the only description of the schema (migrations follow it).

One module per part of the programme; every table shares `Base.metadata`, so importing this package
registers them all (alembic and the repositories import it from here)."""

from __future__ import annotations

from storage.models.base import Base, JSONType, UTCDateTime, utcnow
from storage.models.units import CODE, CODE_CHARACTERS, Phase, PhaseTarget, UNIT_KINDS, Unit
from storage.models.people import ChannelIdentity, Invite, Member, Role
from storage.models.initiatives import Attachment, CodeCounter, HelpRequest, Initiative, StatusChange
from storage.models.chats import ChatLease, ConversationState, GeneratedImage, Hearing, Outbox, ProcessedUpdate
from storage.models.campaigns import BoundChat, Campaign, CampaignTarget

__all__ = [
    "Base", "JSONType", "UTCDateTime", "utcnow", "CODE", "CODE_CHARACTERS", "Phase", "PhaseTarget", "UNIT_KINDS",
    "Unit", "ChannelIdentity", "Invite", "Member", "Role", "Attachment", "CodeCounter", "HelpRequest", "Initiative",
    "StatusChange", "ChatLease", "Hearing", "ConversationState", "GeneratedImage", "Outbox", "ProcessedUpdate", "BoundChat",
    "Campaign", "CampaignTarget"
]
