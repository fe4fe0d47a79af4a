"""identification: reference media of works, and each upload identification asked for

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 03:00:00
"""

import sqlalchemy as sa
from alembic import op

import clearinghouse.core.db

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

UTC = clearinghouse.core.db.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "media_references",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("work_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("file_key", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("audio_prints", sa.Integer(), nullable=False),
        sa.Column("visual_prints", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["work_id"], ["works.id"],
                                name=op.f("fk_media_references_work_id_works")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_references")),
        sa.UniqueConstraint("work_id", "sha256", name="uq_media_references_work_sha"),
    )
    op.create_index(op.f("ix_media_references_work_id"), "media_references", ["work_id"])
    op.create_table(
        "upload_checks",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("requested_by_id", sa.String(length=40), nullable=False),
        sa.Column("platform_party_id", sa.String(length=40), nullable=True),
        sa.Column("uploader_party_id", sa.String(length=40), nullable=True),
        sa.Column("upload_ref", sa.String(length=200), nullable=False),
        sa.Column("uploaded_on", sa.Date(), nullable=False),
        sa.Column("territory", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("licence_id", sa.String(length=40), nullable=True),
        sa.Column("licence_verdict", sa.String(length=30), nullable=False),
        sa.Column("results", JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_checks")),
    )
    op.create_index("ix_upload_checks_requested_by", "upload_checks",
                    ["requested_by_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_upload_checks_requested_by", table_name="upload_checks")
    op.drop_table("upload_checks")
    op.drop_index(op.f("ix_media_references_work_id"), table_name="media_references")
    op.drop_table("media_references")
