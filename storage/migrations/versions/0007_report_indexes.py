"""reports and the duplicate check: a covering index of the counted columns, and bytewise paths on PostgreSQL

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COUNTED_COLUMNS = ["unit_id", "status", "submitted_at", "author_id", "estimated_value"]


def upgrade() -> None:
    # Reports read only these columns: a scan of the index instead of the table (and its texts).
    op.create_index("ix_initiatives_unit_counted", "initiatives", COUNTED_COLUMNS)
    if op.get_bind().dialect.name == "postgresql":
        # Subtree ranges compare paths with COLLATE "C": the database's collation may order '/' apart from digits.
        op.create_index("ix_units_path_bytes", "units", [sa.text('path COLLATE "C"')])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_units_path_bytes", table_name="units")
    op.drop_index("ix_initiatives_unit_counted", table_name="initiatives")
