"""the bot keeps a copy of every file a person sent: its key in the file store, a playable copy of a voice
note, a document's name, a link token; sizes are 64-bit

Revision ID: 0009_kept_files
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0009_kept_files"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:  # SQLite changes a column's type by copying the table
        batch.alter_column("size", type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=True)
        batch.add_column(sa.Column("stored_key", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("playable_key", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("filename", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("token", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_attachments_token", ["token"])


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_constraint("uq_attachments_token", type_="unique")
        for column in ("token", "filename", "playable_key", "stored_key"):
            batch.drop_column(column)
        batch.alter_column("size", type_=sa.Integer(), existing_type=sa.BigInteger(), existing_nullable=True)
