"""phases and phase targets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('phase_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['phase_id'], ['phases.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'phase_id')
    )
    with op.batch_alter_table('phase_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_targets_phase_id'), ['phase_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_phase_targets_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('phase_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_targets_unit_id'))
        batch_op.drop_index(batch_op.f('ix_phase_targets_phase_id'))

    op.drop_table('phase_targets')
    op.drop_table('phases')
