"""scale-out: chat leases, so a chat's messages leave from one process at a time

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chat_leases',
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('chat_id', sa.String(length=100), nullable=False),
    sa.Column('holder', sa.String(length=40), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'chat_id')
    )


def downgrade() -> None:
    op.drop_table('chat_leases')
