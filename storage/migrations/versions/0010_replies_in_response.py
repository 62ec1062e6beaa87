"""a reply given in a webhook response is marked so: it counts as sent only once the response is written,
and a redelivery of its update (the platform never took that response) serves it again

Revision ID: 0010_replies_in_response
Revises: 0009_kept_files
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0010_replies_in_response"
down_revision = "0009_kept_files"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("in_response", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("in_response")
