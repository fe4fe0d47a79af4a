"""The vocabulary of a use and of a license's terms, shared by templates, quotes, licenses and ODRL.

Pure: dataclasses and enums only. A template fixes these factors; a licensee states a `Use`;
a license carries the `Use` it was bought for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum


class Purpose(StrEnum):
    INTERNAL = "internal"  # inside one organisation
    NON_COMMERCIAL = "non_commercial"  # public, not for profit
    COMMERCIAL = "commercial"  # public, for profit (creator content, brand channels)
    ADVERTISING = "advertising"  # paid promotion of a product, brand or film

    @property
    def rank(self) -> int:
        """A template for a wider purpose also covers narrower ones."""
        return list(Purpose).index(self)


class Channel(StrEnum):
    ANY_SHORT_VIDEO = "any_short_video"  # every platform below
    DOUYIN = "douyin"
    KUAISHOU = "kuaishou"
    MEIPAI = "meipai"
    MIAOPAI = "miaopai"
    XIGUA = "xigua"
    BILIBILI = "bilibili"
    WEIBO = "weibo"
    WECHAT_CHANNELS = "wechat_channels"
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    WEB = "web"
    BROADCAST = "broadcast"
    PHYSICAL = "physical"  # physical copies (DVD, USB, print)
    INTERNAL_NETWORK = "internal_network"


SHORT_VIDEO_PLATFORMS = frozenset({
    Channel.DOUYIN, Channel.KUAISHOU, Channel.MEIPAI, Channel.MIAOPAI, Channel.XIGUA,
    Channel.BILIBILI, Channel.WEIBO, Channel.WECHAT_CHANNELS, Channel.YOUTUBE, Channel.TIKTOK,
})


def expand_channels(channels: frozenset[Channel] | set[Channel] | list[Channel]) -> frozenset[Channel]:
    out: set[Channel] = set()
    for c in channels:
        out |= SHORT_VIDEO_PLATFORMS if c == Channel.ANY_SHORT_VIDEO else {c}
    return frozenset(out)


class PortionUnit(StrEnum):
    WHOLE = "whole"
    SECONDS = "seconds"
    PERCENT = "percent"
    WORDS = "words"


class Modification(StrEnum):
    ORIGINAL_ONLY = "original_only"
    EDITS_ALLOWED = "edits_allowed"
    EDITS_WITH_APPROVAL = "edits_with_approval"  # the author approves each modification


@dataclass(frozen=True)
class Portion:
    unit: PortionUnit
    value: int | None = None  # None for WHOLE

    def fits_within(self, limit: Portion, work_length: int | None) -> bool:
        """Does using `self` stay inside a template's `limit` for a work of `work_length` units?"""
        if limit.unit == PortionUnit.WHOLE:
            return True
        if self.unit == PortionUnit.WHOLE:
            return False
        if self.unit == limit.unit:
            return (self.value or 0) <= (limit.value or 0)
        if work_length is None or work_length <= 0:
            return False
        # Convert between seconds/words and percent through the work's length.
        if limit.unit == PortionUnit.PERCENT:
            return (self.value or 0) * 100 <= (limit.value or 0) * work_length
        if self.unit == PortionUnit.PERCENT:
            return (self.value or 0) * work_length <= (limit.value or 0) * 100
        return False


@dataclass(frozen=True)
class Use:
    """What a licensee intends to do, stated once for a quote."""

    work_ids: tuple[str, ...]
    purpose: Purpose
    channels: frozenset[Channel]
    uses: int  # placements in one production
    portion: Portion
    modified: bool
    territories: tuple[str, ...]  # ISO 3166 alpha-2 codes or named regions
    start: date
    term_days: int | None  # None: perpetual
    exclusive: bool = False
    territories_excluded: tuple[str, ...] = field(default=())

    @property
    def end(self) -> date | None:
        """Exclusive end date of the license period."""
        return None if self.term_days is None else self.start + timedelta(days=self.term_days)


def back_dated(start: date, today: date) -> bool:
    """No license covers days before it is quoted or bought (`today`, UTC): a license is
    permission given in advance, never absolution for past use, which is settled with the
    holders directly."""
    return start < today
