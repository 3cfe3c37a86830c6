"""reference period and whole period of the setup

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 11:00:00

reference_period: the period "{period}" in a child's questions stands for (a code of
survey.instruments.periods.PERIODS; the adult chooses it for ages 6-9). whole_period: whether
the child lived here for the whole period (yes, no, dont_know), the denominator of counts.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Written out, not imported: a migration keeps meaning what it meant when it was written.
PERIOD_CODES = ('weeks4', 'autumn', 'christmas', 'winter', 'easter', 'summer')
WHOLE_PERIOD = ('yes', 'no', 'dont_know')


def upgrade():
    codes = ', '.join(f"'{code}'" for code in PERIOD_CODES)
    answers = ', '.join(f"'{answer}'" for answer in WHOLE_PERIOD)
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference_period', sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column(
                'whole_period',
                sa.Enum(*WHOLE_PERIOD, name='whole_period', native_enum=False, create_constraint=False),
                nullable=True,
            )
        )
        batch_op.create_check_constraint(
            op.f('ck_submissions_reference_period'),
            f'reference_period IS NULL OR reference_period IN ({codes})',
        )
        batch_op.create_check_constraint(
            op.f('ck_submissions_whole_period'), f'whole_period IN ({answers})'
        )


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_submissions_whole_period'), type_='check')
        batch_op.drop_constraint(op.f('ck_submissions_reference_period'), type_='check')
        batch_op.drop_column('whole_period')
        batch_op.drop_column('reference_period')
