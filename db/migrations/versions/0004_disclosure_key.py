"""the cell key method's secret, made once with the schema

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 02:30:00
"""

import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'disclosure_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_key')),
    )
    # Every database gets its own secret here, so no deployment shares another's noise.
    op.bulk_insert(table, [{'id': 1, 'secret': secrets.token_hex(32),
                            'created_at': datetime.now(timezone.utc)}])


def downgrade() -> None:
    op.drop_table('disclosure_key')
