"""disability may be unknown: the SSDA903 does not carry it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 06:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A return whose format does not carry disability (`return.carries`) stores NULL, never a
    # false N; figures by disability are then not available for it.
    for table in ('child', 'special_guardianship'):
        with op.batch_alter_table(table) as batch:
            batch.alter_column('disability', existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    for table in ('child', 'special_guardianship'):
        with op.batch_alter_table(table) as batch:
            batch.alter_column('disability', existing_type=sa.Boolean(), nullable=False)
