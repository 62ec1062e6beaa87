"""Initiatives (sáng kiến), their files, status changes, help requests and the code counter."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, JSONType, UTCDateTime, utcnow


class Initiative(Base):
    """A sáng kiến, from its first answer (status 'draft') to its review."""

    __tablename__ = "initiatives"
    __table_args__ = (Index("ix_initiatives_author_status", "author_id", "status"),
                      Index("ix_initiatives_unit_counted", "unit_id", "status", "submitted_at", "author_id", "estimated_value"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    field: Mapped[str | None] = mapped_column(String(200))
    problem: Mapped[str | None] = mapped_column(Text)
    solution: Mapped[str | None] = mapped_column(Text)
    benefit: Mapped[str | None] = mapped_column(Text)
    estimated_value: Mapped[int | None] = mapped_column(BigInteger)
    first_applied_on: Mapped[date | None] = mapped_column(Date)
    first_applied_precision: Mapped[str | None] = mapped_column(String(10))
    coauthors: Mapped[list] = mapped_column(JSONType, default=list)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    current_step: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nudges_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # draft reminders
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attachments: Mapped[list[Attachment]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class Attachment(Base):
    """A photo, voice note, audio or document given at one step: the platform's reference and the bot's own copy."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("initiative_id", "field", "file_ref"),
                      UniqueConstraint("token", name="uq_attachments_token"))

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    # A Telegram file id, or a Zalo CDN link of any length (its unique index takes about 2,700 bytes: messaging/messages.py)
    file_ref: Mapped[str] = mapped_column(Text().with_variant(String(500), "sqlite"))
    caption: Mapped[str | None] = mapped_column(Text)
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)
    stored_key: Mapped[str | None] = mapped_column(String(80))  # the bot's copy in the file store
    playable_key: Mapped[str | None] = mapped_column(String(80))  # a voice note as AAC, which every phone plays
    filename: Mapped[str | None] = mapped_column(String(255))
    token: Mapped[str | None] = mapped_column(String(64))  # the unguessable part of its link
    transcript: Mapped[str | None] = mapped_column(Text)  # a voice note's words as the transcriber heard them
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatusChange(Base):
    """One step in an initiative's life: who moved it from which status to which, and why."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HelpRequest(Base):
    """'Cần hỗ trợ': a worker asks the support team (Tổ hỗ trợ sáng kiến) of their unit for help."""

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)  # none yet while registering
    name: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    step: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | taken | closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    routed_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # whose support team has it now
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)




class CodeCounter(Base):
    """Last number given per year for codes like SK-2026-000123."""

    __tablename__ = "code_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)
