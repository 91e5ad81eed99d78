"""notes pinned to an area and quarter for its board

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 14:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'board_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=80), nullable=False),
        sa.Column('quarter', sa.String(length=10), nullable=False),
        sa.Column('text', sa.String(length=140), nullable=False),
        sa.Column('created_by', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_board_note')),
    )
    op.create_index(op.f('ix_board_note_scope'), 'board_note', ['scope'])


def downgrade() -> None:
    op.drop_index(op.f('ix_board_note_scope'), table_name='board_note')
    op.drop_table('board_note')
