"""a unit's path holds any depth the import allows (300 levels and more), not 1,000 characters: TEXT on PostgreSQL;
SQLite never enforced the length and keeps its declaration

Revision ID: 0011_unit_path_text
Revises: 0010_replies_in_response
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0011_unit_path_text"
down_revision = "0010_replies_in_response"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":  # binary-compatible: no table rewrite, the indexes stay
        op.alter_column("units", "path", type_=sa.Text(), existing_type=sa.String(length=1000), existing_nullable=False)


def downgrade() -> None:
    # Fails, changing nothing, while a path is longer than 1,000 characters: move or remove the deepest units first.
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("units", "path", type_=sa.String(length=1000), existing_type=sa.Text(), existing_nullable=False)
