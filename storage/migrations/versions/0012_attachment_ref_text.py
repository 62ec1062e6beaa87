"""an attachment's file reference holds a Zalo CDN link of any length, not 500 characters: TEXT on PostgreSQL;
SQLite never enforced the length and keeps its declaration

Revision ID: 0012_attachment_ref_text
Revises: 0011_unit_path_text
Create Date: 2026-12-12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0012_attachment_ref_text"
down_revision = "0011_unit_path_text"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":  # binary-compatible: no table rewrite, the unique constraint stays
        op.alter_column("attachments", "file_ref", type_=sa.Text(), existing_type=sa.String(length=500),
                        existing_nullable=False)


def downgrade() -> None:
    # Fails, changing nothing, while a reference is longer than 500 characters: remove those attachments first.
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("attachments", "file_ref", type_=sa.String(length=500), existing_type=sa.Text(),
                        existing_nullable=False)
