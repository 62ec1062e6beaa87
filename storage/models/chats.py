"""What the bot keeps per chat: conversation state, the outbox, chat leases, images, processed updates, voice notes
waiting to be heard."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JSONType, UTCDateTime, utcnow


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


class Hearing(Base):
    """A voice note waiting for the transcriber (bot/hearing): written with the answer it came as, heard by one
    process at a time (`claimed_until`), and its words given back to the chat's conversation."""

    __tablename__ = "hearings"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "file_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(100))
    file_ref: Mapped[str] = mapped_column(Text)  # the answer's attachment it fills in (one hearing each)
    stored_key: Mapped[str] = mapped_column(String(80))  # the bot's copy, which the transcriber reads
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
