"""Readiness self-assessments and a strategy's targets, kept per economy and organisation.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('economy', sa.String(length=8), nullable=False),
    sa.Column('company', sa.String(length=120), nullable=False),
    sa.Column('sector', sa.String(length=16), nullable=False),
    sa.Column('size_class', sa.String(length=8), nullable=False),
    sa.Column('nuts2', sa.String(length=8), nullable=True),
    sa.Column('bands', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('org_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_economy'), ['economy'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_org_id'), ['org_id'], unique=False)

    op.create_table('targets',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('economy', sa.String(length=8), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('org_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_economy'), ['economy'], unique=False)
        batch_op.create_index(batch_op.f('ix_targets_org_id'), ['org_id'], unique=False)


def downgrade() -> None:
    op.drop_table('targets')
    op.drop_table('assessments')
