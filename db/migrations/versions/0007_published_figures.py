"""published statistics (Explore Education Statistics) kept as comparators

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 06:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'published_figure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('measure', sa.String(length=60), nullable=False),
        sa.Column('scope', sa.String(length=80), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('quarter', sa.String(length=10), nullable=False),
        sa.Column('breakdown', sa.String(length=30), nullable=False),
        sa.Column('category', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column('shown', sa.String(length=20), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('loaded_by', sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_published_figure')),
        sa.UniqueConstraint('measure', 'scope', 'quarter', 'breakdown', 'category',
                            name='published_figure_key'),
    )
    op.create_index(op.f('ix_published_figure_measure'), 'published_figure', ['measure'])


def downgrade() -> None:
    op.drop_index(op.f('ix_published_figure_measure'), table_name='published_figure')
    op.drop_table('published_figure')
