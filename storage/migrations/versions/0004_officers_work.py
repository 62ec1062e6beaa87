"""officers' work: invites, help requests routed up the tree, member search, generated documents

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from conversations.text import fold

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["members.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["used_by_id"], ["members.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("generated_images", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filename", sa.String(length=200), nullable=True))
        batch_op.alter_column(
            "content_type", existing_type=sa.VARCHAR(length=50), type_=sa.String(length=100), existing_nullable=False
        )
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("routed_unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("routed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("taken_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key("fk_help_requests_routed_unit", "units", ["routed_unit_id"], ["id"])
        batch_op.create_foreign_key("fk_help_requests_taken_by", "members", ["taken_by_id"], ["id"])

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_folded", sa.String(length=300), nullable=False, server_default=""))
        batch_op.create_index("ix_members_name_folded", ["name_folded"], unique=False)
    members = sa.table("members", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("name_folded"))
    connection = op.get_bind()
    for member_id, name in connection.execute(sa.select(members.c.id, members.c.name)).all():
        connection.execute(members.update().where(members.c.id == member_id).values(name_folded=fold(name)))
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.alter_column("name_folded", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_name_folded")
        batch_op.drop_column("name_folded")
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.drop_constraint("fk_help_requests_taken_by", type_="foreignkey")
        batch_op.drop_constraint("fk_help_requests_routed_unit", type_="foreignkey")
        for column in ("closed_at", "taken_at", "taken_by_id", "routed_at", "routed_unit_id"):
            batch_op.drop_column(column)
    with op.batch_alter_table("generated_images", schema=None) as batch_op:
        batch_op.alter_column(
            "content_type", existing_type=sa.String(length=100), type_=sa.VARCHAR(length=50), existing_nullable=False
        )
        batch_op.drop_column("filename")
    op.drop_table("invites")
