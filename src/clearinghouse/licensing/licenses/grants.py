"""What a license grants, as rows: the shape of one grant and of one coverage question. Pure.

A license grants each of its lines' rights in the line's countries, on every channel of the use
(a group such as `any_short_video` stands for its platforms), for the license's period. One row
per (line, country, channel) lets "is this use licensed?" be one index probe, and lets a million
questions be answered by one join (see grants_repository.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from clearinghouse.licensing.terms import Channel, expand_channels


@dataclass(frozen=True)
class CoverageQuestion:
    """Is `work_id` licensed to `licensee_id` on `channel` in `country` on `on` (for `right`)?"""

    work_id: str
    licensee_id: str
    channel: str
    country: str
    on: date
    right: str | None = None  # None: any right the license grants in the work


@dataclass(frozen=True)
class LineScope:
    """One license line's grant: the facts its rows repeat."""

    line_id: str
    work_id: str
    right: str
    countries: Sequence[str]


def channels_of(channels: Iterable[str]) -> list[str]:
    """The platforms a use's channels name, sorted: groups expanded, repeats dropped."""
    return sorted(c.value for c in expand_channels([Channel(c) for c in channels]))


def grant_rows(
    *,
    license_id: str,
    licensee_id: str,
    lines: Iterable[LineScope],
    channels: Iterable[str],
    valid_from: date,
    valid_to: date | None,
    status: str,
    exclusive: bool,
) -> list[dict[str, Any]]:
    """The license_grants rows of one license."""
    platforms = channels_of(channels)
    return [
        {
            "license_id": license_id,
            "line_id": line.line_id,
            "work_id": line.work_id,
            "right": line.right,
            "licensee_id": licensee_id,
            "country": country,
            "channel": channel,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "status": status,
            "exclusive": exclusive,
        }
        for line in lines
        for country in sorted(set(line.countries))
        for channel in platforms
    ]
