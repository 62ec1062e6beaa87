"""campaign news carry the bot's link: where a bound group's members message the bot privately

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bound_chats", sa.Column("bot_link", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bound_chats") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("bot_link")
