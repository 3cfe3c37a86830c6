"""respondent session nonce on the submission

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 05:30:00

A respondent's cookie is live only while its nonce matches the submission's; pause, the
end, an idle pause and deactivation clear it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_nonce', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('session_nonce')
