"""what each return's format carries, and the rows a partial load held back

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Returns stored before this carried the whole return format (NULL) and were never partial.
    with op.batch_alter_table('return') as batch:
        batch.add_column(sa.Column('carries', sa.Text(), nullable=True))
        batch.add_column(sa.Column('rows_held_back', sa.Integer(), server_default='0',
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('return') as batch:
        batch.drop_column('rows_held_back')
        batch.drop_column('carries')
