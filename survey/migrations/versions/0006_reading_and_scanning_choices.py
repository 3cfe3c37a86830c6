"""reading-aloud and scanning choices of the setup

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 08:00:00

read_brief: read aloud only the question and its answers (not "Ved ikke" and "Vil ikke
svare"); scan_aloud: switch scanning says each control aloud as it lights up.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('read_brief', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column('scan_aloud', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('scan_aloud')
        batch_op.drop_column('read_brief')
