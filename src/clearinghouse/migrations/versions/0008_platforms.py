"""platforms as data; ledger entries by licence and with exchange rates; payout currency

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:00:00

The platform list moves from code into the `platforms` table, seeded with the rows below (the
same as core/data/platforms.json on the day this migration was written: later changes to that
file do not change this migration). Ledger entries gain the licence they belong to (indexed) and
the exchange rate a conversion used; parties gain a payout currency. Entries posted before this
revision stay as they were (the ledger is append-only): a charge is still found by its subject.
"""

import re
import unicodedata
from datetime import UTC as TZ_UTC
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
# code, name_zh, name_en, type, short_video, aliases
PLATFORMS = (
    ('douyin', '抖音', 'Douyin', 'general', True, ('抖音短视频', 'Douyin Short Video')),
    ('kuaishou', '快手', 'Kuaishou', 'general', True, ('快手短视频', 'Kuaishou Video')),
    ('meipai', '美拍', 'Meipai', 'general', True, ()),
    ('miaopai', '秒拍', 'Miaopai', 'general', True, ()),
    ('huoshan', '火山小视频', 'Huoshan', 'general', True, ('火山', '抖音火山版', 'Huoshan Video')),
    ('xigua', '西瓜视频', 'Xigua Video', 'aggregator', True, ('西瓜', 'Xigua', 'ixigua')),
    ('weishi', '微视', 'Weishi', None, True, ('腾讯微视', 'Tencent Weishi')),
    ('bilibili', '哔哩哔哩', 'bilibili', None, True, ('B站', '哔哩哔哩弹幕网', 'Bili Bili')),
    ('weibo', '微博', 'Weibo', None, True, ('新浪微博', 'Sina Weibo')),
    ('wechat_channels', '微信视频号', 'WeChat Channels', None, True, ('视频号', 'WeChat Video Channels')),
    ('xiaohongshu', '小红书', 'Xiaohongshu', None, True, ('RED', 'Little Red Book', 'XHS')),
    ('youtube', 'YouTube', 'YouTube', None, True, ('油管', 'YouTube Shorts')),
    ('tiktok', 'TikTok', 'TikTok', None, True, ('抖音国际版', 'TikTok International')),
)
LEDGER_COLUMNS = (
    ("license_id", sa.String(length=40)), ("fx_base", sa.String(length=3)),
    ("fx_quote", sa.String(length=3)), ("fx_rate", sa.String(length=40)),
    ("fx_effective", sa.Date()), ("fx_source", sa.String(length=200)),
)


def _fold(name: str) -> str:
    # The same folding as core.platforms.fold, written out: a migration never imports the app.
    return re.sub(r"[\s\-_.·・]+", "", unicodedata.normalize("NFKC", name).casefold())


def upgrade() -> None:
    platforms = op.create_table(
        "platforms",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("platform_type", sa.String(length=20), nullable=True),
        sa.Column("short_video", sa.Boolean(), nullable=False),
        sa.Column("party_id", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_platforms_party_id", "platforms", ["party_id"])
    aliases = op.create_table(
        "platform_aliases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform_code", sa.String(length=32), nullable=False),
        sa.Column("alias", sa.String(length=100), nullable=False),
        sa.Column("alias_key", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["platform_code"], ["platforms.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alias_key"),
    )
    op.create_index("ix_platform_aliases_platform_code", "platform_aliases", ["platform_code"])
    now = datetime.now(TZ_UTC)
    op.bulk_insert(platforms, [
        {"code": code, "name_zh": zh, "name_en": en, "platform_type": kind,
         "short_video": short, "party_id": None, "version": 1, "created_at": now,
         "updated_at": now}
        for code, zh, en, kind, short, _ in PLATFORMS
    ])
    op.bulk_insert(aliases, [
        {"platform_code": code, "alias": alias, "alias_key": _fold(alias), "created_at": now}
        for code, _, _, _, _, names in PLATFORMS for alias in names
    ])

    for name, kind in LEDGER_COLUMNS:
        op.add_column("ledger_entries", sa.Column(name, kind, nullable=True))
    op.create_index("ix_ledger_entries_license_id", "ledger_entries", ["license_id"])
    op.add_column("parties", sa.Column("payout_currency", sa.String(length=3), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): rebuilding ledger_entries would drop its triggers.
    op.execute("ALTER TABLE parties DROP COLUMN payout_currency")
    op.drop_index("ix_ledger_entries_license_id", table_name="ledger_entries")
    for name, _ in reversed(LEDGER_COLUMNS):
        op.execute(f"ALTER TABLE ledger_entries DROP COLUMN {name}")
    op.drop_index("ix_platform_aliases_platform_code", table_name="platform_aliases")
    op.drop_table("platform_aliases")
    op.drop_index("ix_platforms_party_id", table_name="platforms")
    op.drop_table("platforms")
