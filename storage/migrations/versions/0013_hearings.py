"""voice notes become text: what the transcriber heard in an attachment, and the voice notes waiting for it

Revision ID: 0013_hearings
Revises: 0012_attachment_ref_text
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0013_hearings"
down_revision = "0012_attachment_ref_text"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("attachments", sa.Column("transcript", sa.Text(), nullable=True))
    op.create_table(
        "hearings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("file_ref", sa.Text(), nullable=False),
        sa.Column("stored_key", sa.String(length=80), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("channel", "chat_id", "file_ref"),
    )
    op.create_index("ix_hearings_done_at", "hearings", ["done_at"])


def downgrade() -> None:
    op.drop_index("ix_hearings_done_at", table_name="hearings")
    op.drop_table("hearings")
    with op.batch_alter_table("attachments") as batch:  # SQLite rebuilds the table to drop a column
        batch.drop_column("transcript")
