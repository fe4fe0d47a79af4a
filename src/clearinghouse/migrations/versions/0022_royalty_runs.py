"""royalty runs: periods, runs, statement lines and the state lines carry between periods

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 22:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import clearinghouse.core.db

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

UTC = clearinghouse.core.db.UTCDateTime(timezone=True)
JSONB = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "royalty_periods",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("closed_by_id", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_royalty_periods")),
    )
    op.create_table(
        "royalty_runs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("started_by_id", sa.String(length=40), nullable=True),
        sa.Column("superseded_by_id", sa.String(length=40), nullable=True),
        sa.Column("inputs", JSONB, nullable=False),
        sa.Column("counts", JSONB, nullable=False),
        sa.ForeignKeyConstraint(["period"], ["royalty_periods.period"],
                                name=op.f("fk_royalty_runs_period_royalty_periods")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_royalty_runs")),
    )
    op.create_index("ix_royalty_runs_period_status", "royalty_runs", ["period", "status"])
    op.create_table(
        "statement_lines",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("run_id", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("holder_id", sa.String(length=40), nullable=False),
        sa.Column("licensee_id", sa.String(length=40), nullable=True),
        sa.Column("license_id", sa.String(length=40), nullable=True),
        sa.Column("license_line_id", sa.String(length=40), nullable=True),
        sa.Column("work_id", sa.String(length=40), nullable=False),
        sa.Column("right", sa.String(length=40), nullable=True),
        sa.Column("channels", JSONB, nullable=False),
        sa.Column("territories", JSONB, nullable=False),
        sa.Column("plays", sa.BigInteger(), nullable=False),
        sa.Column("copies", sa.BigInteger(), nullable=False),
        sa.Column("revenue", JSONB, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("license_currency", sa.String(length=3), nullable=False),
        sa.Column("earned_minor", sa.BigInteger(), nullable=False),
        sa.Column("recouped_minor", sa.BigInteger(), nullable=False),
        sa.Column("payable_minor", sa.BigInteger(), nullable=False),
        sa.Column("true_up_minor", sa.BigInteger(), nullable=False),
        sa.Column("due_minor", sa.BigInteger(), nullable=False),
        sa.Column("licensee_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("owner_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("holder_net_minor", sa.BigInteger(), nullable=False),
        sa.Column("payout_currency", sa.String(length=3), nullable=False),
        sa.Column("holder_payout_minor", sa.BigInteger(), nullable=False),
        sa.Column("trail", JSONB, nullable=False),
        sa.Column("entry_ids", JSONB, nullable=False),
        sa.ForeignKeyConstraint(["holder_id"], ["parties.id"],
                                name=op.f("fk_statement_lines_holder_id_parties")),
        sa.ForeignKeyConstraint(["run_id"], ["royalty_runs.id"],
                                name=op.f("fk_statement_lines_run_id_royalty_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_lines")),
    )
    op.create_index("ix_statement_lines_run", "statement_lines", ["run_id"])
    op.create_index("ix_statement_lines_holder_period", "statement_lines", ["holder_id", "period"])
    op.create_table(
        "royalty_carried_states",
        sa.Column("run_id", sa.String(length=40), nullable=False),
        sa.Column("license_line_id", sa.String(length=40), nullable=False),
        sa.Column("advance_unrecouped_minor", sa.BigInteger(), nullable=False),
        sa.Column("earned_to_date_minor", sa.BigInteger(), nullable=False),
        sa.Column("periods_rated", sa.Integer(), nullable=False),
        sa.Column("guarantee_settled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["royalty_runs.id"],
                                name=op.f("fk_royalty_carried_states_run_id_royalty_runs")),
        sa.PrimaryKeyConstraint("run_id", "license_line_id",
                                name=op.f("pk_royalty_carried_states")),
    )


def downgrade() -> None:
    op.drop_table("royalty_carried_states")
    op.drop_index("ix_statement_lines_holder_period", table_name="statement_lines")
    op.drop_index("ix_statement_lines_run", table_name="statement_lines")
    op.drop_table("statement_lines")
    op.drop_index("ix_royalty_runs_period_status", table_name="royalty_runs")
    op.drop_table("royalty_runs")
    op.drop_table("royalty_periods")
