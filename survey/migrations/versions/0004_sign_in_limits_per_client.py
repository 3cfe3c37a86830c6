"""sign-in limits per account and client, not per account

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 05:00:00

Wrong passwords now count per account and client in the rate-limit storage (survey.throttle),
so that nobody elsewhere can lock an administrator out; the account-wide counters go.
"""
from alembic import op
import sqlalchemy as sa
import survey.models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', survey.models.base.UTCDateTime(timezone=True), nullable=True))
