"""licensing catalogue

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:28:08

License templates, offers (rate cards), exchange rates, fee schedules, quotes and referrals.
Seeds the default templates, the 2017 report's 6.6 CNY per USD rate and a 5% / 10% fee schedule
(the frozen rows in migrations/seeds/0003_catalogue.json: this revision never reads application
code, so it seeds the same rows whatever today's defaults are).
"""

import json
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

import clearinghouse.core.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC_DT = clearinghouse.core.db.UTCDateTime(timezone=True)


def _versioned() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
    ]


def _fk(table: str, column: str, target: str, **kw) -> sa.ForeignKeyConstraint:
    target_table = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target],
                                   name=op.f(f"fk_{table}_{column}_{target_table}"), **kw)


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("quote", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_rates")),
        sa.UniqueConstraint("base", "quote", "effective", name="uq_exchange_rates_pair_effective"),
    )
    op.create_table(
        "fee_schedules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("licensee_pct", sa.String(length=20), nullable=False),
        sa.Column("owner_pct", sa.String(length=20), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_schedules")),
        sa.UniqueConstraint("effective", name=op.f("uq_fee_schedules_effective")),
    )
    op.create_table(
        "license_templates",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("description_zh", sa.Text(), nullable=True),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("portion_unit", sa.String(length=10), nullable=False),
        sa.Column("portion_value", sa.Integer(), nullable=True),
        sa.Column("modification", sa.String(length=30), nullable=False),
        sa.Column("territories", sa.JSON(), nullable=False),
        sa.Column("territories_excluded", sa.JSON(), nullable=False),
        sa.Column("term_days", sa.Integer(), nullable=True),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_license_templates")),
        sa.UniqueConstraint("code", name=op.f("uq_license_templates_code")),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("holder_id", sa.String(length=40), nullable=False),
        sa.Column("template_id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("work_ids", sa.JSON(), nullable=False),
        sa.Column("rights", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("fixed_fee_minor", sa.BigInteger(), nullable=True),
        sa.Column("per_1000_plays_minor", sa.BigInteger(), nullable=True),
        sa.Column("per_copy_minor", sa.BigInteger(), nullable=True),
        sa.Column("revenue_share_pct", sa.String(length=20), nullable=True),
        sa.Column("advance_minor", sa.BigInteger(), nullable=True),
        sa.Column("minimum_guarantee_minor", sa.BigInteger(), nullable=True),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=False),
        *_versioned(),
        _fk("offers", "created_by", "parties.id"),
        _fk("offers", "holder_id", "parties.id"),
        _fk("offers", "template_id", "license_templates.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    _indexes("offers", "holder_id", "template_id")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index("ix_offers_holder_status", ["holder_id", "status"], unique=False)
    op.create_table(
        "quotes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("licensee_id", sa.String(length=40), nullable=False),
        sa.Column("use", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("unclearable", sa.JSON(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("referral_id", sa.String(length=40), nullable=True),
        sa.Column("expires_at", UTC_DT, nullable=False),
        *_versioned(),
        _fk("quotes", "licensee_id", "parties.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
    )
    _indexes("quotes", "licensee_id", "referral_id")
    op.create_table(
        "referrals",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("licensee_id", sa.String(length=40), nullable=False),
        sa.Column("holder_id", sa.String(length=40), nullable=False),
        sa.Column("administrator_id", sa.String(length=40), nullable=True),
        sa.Column("work_id", sa.String(length=40), nullable=False),
        sa.Column("right", sa.String(length=40), nullable=False),
        sa.Column("share_ppm", sa.Integer(), nullable=False),
        sa.Column("use", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("from_quote_id", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("price", sa.JSON(), nullable=True),
        sa.Column("quote_id", sa.String(length=40), nullable=True),
        *_versioned(),
        _fk("referrals", "administrator_id", "parties.id"),
        _fk("referrals", "holder_id", "parties.id"),
        _fk("referrals", "licensee_id", "parties.id"),
        _fk("referrals", "work_id", "works.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    _indexes("referrals", "administrator_id", "holder_id", "licensee_id", "work_id")
    op.create_table(
        "referral_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("referral_id", sa.String(length=40), nullable=False),
        sa.Column("author_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("price", sa.JSON(), nullable=True),
        sa.Column("at", UTC_DT, nullable=False),
        _fk("referral_messages", "author_id", "parties.id"),
        _fk("referral_messages", "referral_id", "referrals.id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_messages")),
    )
    _indexes("referral_messages", "referral_id")
    _seed()


def _new_id(prefix: str) -> str:
    # The same shape as clearinghouse.core.ids.new_id, kept here so the migration stays frozen.
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

    def b32(value: int, length: int) -> str:
        return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(length)))

    millis = int(time.time() * 1000) & ((1 << 48) - 1)
    return f"{prefix}_{b32(millis, 10)}{b32(int.from_bytes(os.urandom(10), 'big'), 16)}"


def _seed() -> None:
    seed = json.loads((Path(__file__).parent.parent / "seeds" / "0003_catalogue.json").read_text("utf-8"))
    now = datetime.now(UTC)
    templates = sa.table(
        "license_templates", *(sa.column(c) for c in (
            "id", "code", "name_en", "name_zh", "description_en", "description_zh", "purpose",
            "max_uses", "portion_unit", "portion_value", "modification", "term_days",
            "exclusive", "active", "version")),
        sa.column("channels", sa.JSON), sa.column("territories", sa.JSON),
        sa.column("territories_excluded", sa.JSON), sa.column("created_at", UTC_DT),
        sa.column("updated_at", UTC_DT),
    )
    op.bulk_insert(templates, [
        {**t, "id": _new_id("tpl"), "territories_excluded": t.get("territories_excluded", []),
         "active": True, "version": 1, "created_at": now, "updated_at": now}
        for t in seed["license_templates"]
    ])
    rates = sa.table("exchange_rates", sa.column("base"), sa.column("quote"), sa.column("rate"),
                     sa.column("effective", sa.Date), sa.column("source"),
                     sa.column("created_at", UTC_DT))
    op.bulk_insert(rates, [{**r, "effective": date.fromisoformat(r["effective"]),
                            "created_at": now} for r in seed["exchange_rates"]])
    fees = sa.table("fee_schedules", sa.column("licensee_pct"), sa.column("owner_pct"),
                    sa.column("effective", sa.Date), sa.column("created_at", UTC_DT))
    op.bulk_insert(fees, [{**f, "effective": date.fromisoformat(f["effective"]),
                           "created_at": now} for f in seed["fee_schedules"]])


def downgrade() -> None:
    for table in ("referral_messages", "referrals", "quotes", "offers", "license_templates",
                  "fee_schedules", "exchange_rates"):
        op.drop_table(table)
