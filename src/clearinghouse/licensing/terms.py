"""The vocabulary of a use and of a license's terms, shared by templates, quotes, licenses and ODRL.

Pure: dataclasses and enums, plus the platform list this process holds (`core.platforms`).
A template fixes these factors; a licensee states a `Use`;
a license carries the `Use` it was bought for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from clearinghouse.core import platforms
from clearinghouse.core.errors import ValidationFailed


class Purpose(StrEnum):
    INTERNAL = "internal"  # inside one organisation
    NON_COMMERCIAL = "non_commercial"  # public, not for profit
    COMMERCIAL = "commercial"  # public, for profit (creator content, brand channels)
    ADVERTISING = "advertising"  # paid promotion of a product, brand or film

    @property
    def rank(self) -> int:
        """A template for a wider purpose also covers narrower ones."""
        return list(Purpose).index(self)


class Channel(str):
    """Where a work is used: a platform code (the platform list, `core.platforms`) or one of the
    channels below that are not platforms. A plain string underneath, so stored codes read back
    as they are; `resolve_channel` is what checks a name someone typed."""

    ANY_SHORT_VIDEO: ClassVar[Channel]  # every platform marked short-video
    WEB: ClassVar[Channel]
    BROADCAST: ClassVar[Channel]
    PHYSICAL: ClassVar[Channel]  # physical copies (DVD, USB, print)
    INTERNAL_NETWORK: ClassVar[Channel]

    __slots__ = ()

    @property
    def value(self) -> str:
        return str.__str__(self)


Channel.ANY_SHORT_VIDEO = Channel("any_short_video")
Channel.WEB = Channel("web")
Channel.BROADCAST = Channel("broadcast")
Channel.PHYSICAL = Channel("physical")
Channel.INTERNAL_NETWORK = Channel("internal_network")

# Channels that are not platforms; no platform may take their names.
GENERAL_CHANNELS: tuple[Channel, ...] = (
    Channel.ANY_SHORT_VIDEO, Channel.WEB, Channel.BROADCAST, Channel.PHYSICAL,
    Channel.INTERNAL_NETWORK,
)
_GENERAL_BY_KEY = {platforms.fold(c): c for c in GENERAL_CHANNELS}
platforms.reserve(GENERAL_CHANNELS)


def resolve_channel(name: str) -> Channel:
    """The channel `name` means: a general channel or a platform named by code or alias, in
    either language. Raises `UnknownPlatform` (a ValueError) listing close matches."""
    general = _GENERAL_BY_KEY.get(platforms.fold(name))
    if general is not None:
        return general
    directory = platforms.current()
    found = directory.find(name)
    if found is None:
        raise platforms.UnknownPlatform(name, directory.close_matches(name), what="channel")
    return Channel(found.code)


def channels_named(names: Iterable[str], field: str = "channels") -> list[Channel]:
    """Channel codes for names in either language, in order, without repeats; every unknown name
    is reported (422) with the codes it resembles."""
    out: list[Channel] = []
    problems: list[dict[str, Any]] = []
    for i, name in enumerate(names):
        try:
            out.append(resolve_channel(name))
        except platforms.UnknownPlatform as err:
            problems.append({"field": f"{field}[{i}]", "message": str(err),
                             "close_matches": err.close_matches})
    if problems:
        raise ValidationFailed(problems[0]["message"], field=field, details=problems)
    return list(dict.fromkeys(out))


def short_video_platforms() -> frozenset[Channel]:
    return frozenset(Channel(c) for c in platforms.current().short_video_codes())


def expand_channels(channels: Iterable[str]) -> frozenset[Channel]:
    """`any_short_video` becomes every short-video platform of the current platform list."""
    out: set[Channel] = set()
    for c in channels:
        out |= short_video_platforms() if c == Channel.ANY_SHORT_VIDEO else {Channel(c)}
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
    # Running licences may bound what they cover: reported plays or copies beyond these, within
    # the term, are unlicensed (royalty matching: over_licensed_uses). None: unbounded.
    max_plays: int | None = None
    max_copies: int | None = None

    @property
    def end(self) -> date | None:
        """Exclusive end date of the license period."""
        return None if self.term_days is None else self.start + timedelta(days=self.term_days)


# The one exception: a quote a holder prepares for use already reported and found unlicensed
# (royalties/unlicensed) settles that use, so it starts on the use's first day.
PAST_USE_SOURCE = "unlicensed_use"


def back_dated(start: date, today: date) -> bool:
    """No license covers days before it is quoted or bought (`today`, UTC): a license is
    permission given in advance, never absolution for past use, which is settled with the
    holders directly."""
    return start < today
