"""SQLAlchemy models: the only description of the schema (migrations follow it)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    LargeBinary,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from conversations.text import fold

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on both engines (SQLite would otherwise hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    pass


# The levels of the union hierarchy a unit can be (its `kind`): Tổng Liên đoàn, LĐLĐ tỉnh/thành phố, công đoàn ngành,
# công đoàn tổng công ty, công đoàn các khu công nghiệp, công đoàn cấp trên trực tiếp cơ sở, công đoàn cơ sở.
# A code people type and a deep link carries (Telegram's ?start=<code>: 1 to 64 of these): a unit's, a phase's.
CODE_CHARACTERS = "A-Z a-z 0-9 _ -"
CODE = re.compile(r"[A-Za-z0-9_-]+")

UNIT_KINDS = ("national", "province_federation", "sector_union", "corporation_union", "industrial_zone_union",
              "direct_superior", "grassroots")


class Unit(Base):
    """A union unit (đơn vị công đoàn) in a tree of any depth; `path` is '/1/5/23/' for subtree queries."""

    __tablename__ = "units"
    # Subtree ranges (storage.repositories.units.under) compare paths bytewise: on PostgreSQL an index of its own
    # ("ops" renders after the column: path COLLATE "C"); SQLite's ix_units_path serves them already.
    __table_args__ = (
        Index("ix_units_path_bytes", "path", postgresql_ops={"path": 'COLLATE "C"'}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_folded: Mapped[str] = mapped_column(String(400), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Any depth the import allows (storage.unit_import.MAX_LEVELS). SQLite keeps the VARCHAR(1000) it was made with:
    # it never enforces a length, and cannot retype a column other tables refer to inside a migration.
    path: Mapped[str] = mapped_column(Text().with_variant(String(1000), "sqlite"), default="/", index=True)
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    target: Mapped[int | None] = mapped_column(Integer)

    @property
    def effective_target(self) -> int:
        """Chỉ tiêu: the given target, else at least 10% of members."""
        if self.target is not None:
            return self.target
        return math.ceil(self.member_count / 10)


class Phase(Base):
    """A giai đoạn of the programme, with its own targets per unit."""

    __tablename__ = "phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class PhaseTarget(Base):
    """Chỉ tiêu of one unit in one phase."""

    __tablename__ = "phase_targets"
    __table_args__ = (UniqueConstraint("unit_id", "phase_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id", ondelete="CASCADE"), index=True)
    target: Mapped[int] = mapped_column(Integer)


class Member(Base):
    """A person in the programme (đoàn viên, người lao động)."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(300), default="", index=True)  # for accent-free search
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    target_group: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship(lazy="raise")

    @validates("name")
    def _fold_name(self, _key: str, name: str) -> str:
        self.name_folded = fold(name)
        return name


class Invite(Base):
    """A one-time link an officer gives someone to become officer or support team of a unit in their subtree."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # officer | support
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Role(Base):
    """A member's role: officer or support team (Tổ hỗ trợ sáng kiến) of a unit's subtree, or admin of all."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("member_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # officer | support | admin
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChannelIdentity(Base):
    """Who a platform account is: (channel, external user id) -> Member."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_user_id: Mapped[str] = mapped_column(String(100))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class ConversationState(Base):
    """Where one person stands in one chat; `version` guards against two writers at once."""

    __tablename__ = "conversation_states"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(100))
    flow: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    answers: Mapped[dict] = mapped_column(JSONType, default=dict)
    meta: Mapped[dict] = mapped_column(JSONType, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Outbox(Base):
    """A message that must reach a chat; written with the change that caused it, sent later."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_chat_unsent", "channel", "chat_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSONType)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    pieces_sent: Mapped[int] = mapped_column(Integer, default=0)  # of a long message split for the platform
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a flood wait asked for later
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # reply (sent by the update that wrote it), notice, push (daily figures, campaigns), nudge
    purpose: Mapped[str] = mapped_column(String(20), default="reply", server_default="reply")
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # given up, and reported to the admins
    # given in a webhook response: held until the response is written, served again if its update comes back
    in_response: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ChatLease(Base):
    """Which process is sending to a chat now: with several processes, a chat's messages leave from one
    at a time, so none goes twice or overtakes another. Expired leases are simply taken over."""

    __tablename__ = "chat_leases"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(40))
    until: Mapped[datetime] = mapped_column(UTCDateTime)


class GeneratedImage(Base):
    """A file the bot made (a chart, a poster, an export, a form), served under an unguessable token.

    Images carry no filename; documents (XLSX, CSV, DOCX) do.
    """

    __tablename__ = "generated_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100), default="image/png")
    filename: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProcessedUpdate(Base):
    """A platform update already handled: the same delivery a second time is a no-op."""

    __tablename__ = "processed_updates"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    update_id: Mapped[str] = mapped_column(String(100))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CodeCounter(Base):
    """Last number given per year for codes like SK-2026-000123."""

    __tablename__ = "code_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


from storage.models_campaigns import BoundChat, Campaign, CampaignTarget  # noqa: E402,F401  (same metadata)
