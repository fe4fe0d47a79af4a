"""licenses, payments, downloads and the ledger

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 14:00:00

Ledger entries and postings are append-only: triggers refuse UPDATE and DELETE, as for the audit
trail, so a correction can only be a reversing entry.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import clearinghouse.core.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC = clearinghouse.core.db.UTCDateTime(timezone=True)
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSONB = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
APPEND_ONLY = ("ledger_entries", "ledger_postings")
MESSAGE = "the ledger is append-only: post a reversing entry instead"


def _versioned() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("party_id", sa.String(length=40), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("normal_side", sa.String(length=6), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_ledger_accounts_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_accounts_code")),
    )
    op.create_index(
        op.f("ix_ledger_accounts_party_id"), "ledger_accounts", ["party_id"], unique=False
    )

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=True),
        sa.Column("subject_id", sa.String(length=40), nullable=True),
        sa.Column("reverses_id", sa.String(length=40), nullable=True),
        sa.Column("actor_party_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_entries_reverses_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_ledger_entries_reverses_id")),
    )
    op.create_index(
        "ix_ledger_entries_subject", "ledger_entries", ["subject_type", "subject_id"], unique=False
    )

    op.create_table(
        "ledger_postings",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_postings_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_postings_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_postings")),
    )
    op.create_index(
        op.f("ix_ledger_postings_account_id"), "ledger_postings", ["account_id"], unique=False
    )
    op.create_index(
        op.f("ix_ledger_postings_entry_id"), "ledger_postings", ["entry_id"], unique=False
    )

    op.create_table(
        "licenses",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("quote_id", sa.String(length=40), nullable=False),
        sa.Column("licensee_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("use", sa.JSON(), nullable=False),
        sa.Column("work_ids", sa.JSON(), nullable=False),
        sa.Column("rights", sa.JSON(), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subtotal_minor", sa.BigInteger(), nullable=False),
        sa.Column("licensee_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("owner_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("unclearable", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("certificate", JSONB, nullable=True),
        sa.Column("activated_at", UTC, nullable=True),
        *_versioned(),
        sa.ForeignKeyConstraint(
            ["licensee_id"], ["parties.id"], name=op.f("fk_licenses_licensee_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quotes.id"], name=op.f("fk_licenses_quote_id_quotes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licenses")),
        sa.UniqueConstraint(
            "licensee_id", "idempotency_key", name="uq_licenses_licensee_idempotency"
        ),
        sa.UniqueConstraint("quote_id", name=op.f("uq_licenses_quote_id")),
    )
    op.create_index(op.f("ix_licenses_licensee_id"), "licenses", ["licensee_id"], unique=False)
    op.create_index("ix_licenses_status", "licenses", ["status"], unique=False)

    op.create_table(
        "license_lines",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("license_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.String(length=40), nullable=False),
        sa.Column("work_title", sa.String(length=500), nullable=False),
        sa.Column("right", sa.String(length=40), nullable=False),
        sa.Column("holder_id", sa.String(length=40), nullable=False),
        sa.Column("holder_name", sa.String(length=300), nullable=False),
        sa.Column("share_ppm", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.String(length=40), nullable=True),
        sa.Column("offer_version", sa.Integer(), nullable=True),
        sa.Column("template_id", sa.String(length=40), nullable=True),
        sa.Column("template_code", sa.String(length=60), nullable=True),
        sa.Column("offer_currency", sa.String(length=3), nullable=False),
        sa.Column("fixed_fee_minor", sa.BigInteger(), nullable=True),
        sa.Column("advance_minor", sa.BigInteger(), nullable=True),
        sa.Column("minimum_guarantee_minor", sa.BigInteger(), nullable=True),
        sa.Column("per_1000_plays_minor", sa.BigInteger(), nullable=True),
        sa.Column("per_copy_minor", sa.BigInteger(), nullable=True),
        sa.Column("revenue_share_pct", sa.String(length=20), nullable=True),
        sa.Column("upfront_minor", sa.BigInteger(), nullable=False),
        sa.Column("upfront_converted_minor", sa.BigInteger(), nullable=False),
        sa.Column("owner_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("holder_net_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["parties.id"], name=op.f("fk_license_lines_holder_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["license_id"],
            ["licenses.id"],
            ondelete="CASCADE",
            name=op.f("fk_license_lines_license_id_licenses"),
        ),
        sa.ForeignKeyConstraint(
            ["work_id"], ["works.id"], name=op.f("fk_license_lines_work_id_works")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_license_lines")),
    )
    op.create_index(
        op.f("ix_license_lines_holder_id"), "license_lines", ["holder_id"], unique=False
    )
    op.create_index(
        op.f("ix_license_lines_license_id"), "license_lines", ["license_id"], unique=False
    )
    op.create_index(op.f("ix_license_lines_work_id"), "license_lines", ["work_id"], unique=False)

    op.create_table(
        "license_events",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("license_id", sa.String(length=40), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor_party_id", sa.String(length=40), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["license_id"],
            ["licenses.id"],
            ondelete="CASCADE",
            name=op.f("fk_license_events_license_id_licenses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_license_events")),
    )
    op.create_index(
        op.f("ix_license_events_license_id"), "license_events", ["license_id"], unique=False
    )

    op.create_table(
        "payments",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("license_id", sa.String(length=40), nullable=False),
        sa.Column("payer_id", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("instructions", sa.JSON(), nullable=False),
        sa.Column("provider_reference", sa.String(length=200), nullable=True),
        sa.Column("paid_at", UTC, nullable=True),
        sa.Column("cancelled_at", UTC, nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        *_versioned(),
        sa.ForeignKeyConstraint(
            ["license_id"],
            ["licenses.id"],
            ondelete="CASCADE",
            name=op.f("fk_payments_license_id_licenses"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["parties.id"], name=op.f("fk_payments_payer_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("reference", name=op.f("uq_payments_reference")),
    )
    op.create_index(op.f("ix_payments_license_id"), "payments", ["license_id"], unique=False)
    op.create_index(op.f("ix_payments_payer_id"), "payments", ["payer_id"], unique=False)

    op.create_table(
        "downloads",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("license_id", sa.String(length=40), nullable=False),
        sa.Column("work_id", sa.String(length=40), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("bytes", sa.BigInteger(), nullable=True),
        sa.Column("link_expires_at", UTC, nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["license_id"],
            ["licenses.id"],
            ondelete="CASCADE",
            name=op.f("fk_downloads_license_id_licenses"),
        ),
        sa.ForeignKeyConstraint(["work_id"], ["works.id"], name=op.f("fk_downloads_work_id_works")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_downloads")),
    )
    op.create_index(op.f("ix_downloads_license_id"), "downloads", ["license_id"], unique=False)

    _append_only()


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ledger_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{MESSAGE}'; END; "
            "$$ LANGUAGE plpgsql"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ledger_append_only()")
    else:
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    for table in (
        "downloads",
        "payments",
        "license_events",
        "license_lines",
        "licenses",
        "ledger_postings",
        "ledger_entries",
        "ledger_accounts",
    ):
        op.drop_table(table)
