"""What a license grants, as rows: the shape of one grant, of one coverage question, and the
in-memory index that answers many questions at once. Pure.

A license grants each of its lines' rights in the line's countries, on every channel of the use
(a group such as `any_short_video` stands for its platforms), for the license's period. One row
per (line, country, channel) lets "is this use licensed?" be one index probe (grants_repository.py);
a batch folds each line's rows back into sets in memory (`GrantIndex`, kept fresh by
grants_snapshot.py) and answers a question with one dict probe.
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


# One line's active grant as the batch holds it in memory, its rows folded back into sets:
# (license_id, right, countries, channels, valid_from, valid_to (exclusive; date.max: perpetual)).
# A plain tuple: a million are built per load and read per batch, and tuples are the cheapest.
LineGrant = tuple[str, str, frozenset[str], frozenset[str], date, date]
GrantKey = tuple[str, str]  # (work_id, licensee_id): what every question names exactly


class GrantIndex:
    """Active grants in memory, by (work, licensee): a question is one dict probe and a look at
    the few lines found. Built from license_grants rows; `replace` swaps the lines of some keys
    (what changed since the last look). Holds no connection: grants_snapshot.py keeps it fresh."""

    def __init__(self) -> None:
        self._lines: dict[GrantKey, tuple[LineGrant, ...]] = {}
        # Lines repeat a few sets of countries and channels: keep one copy of each.
        self._sets: dict[frozenset[str], frozenset[str]] = {}
        self._days: dict[object, date] = {None: date.max}

    def __len__(self) -> int:
        return len(self._lines)

    def replace(self, keys: Iterable[GrantKey], rows: Iterable[Sequence[Any]]) -> None:
        """Forget the lines of `keys`, then hold `rows` (active grant rows: license_id, line_id,
        work_id, right, licensee_id, country, channel, valid_from, valid_to; any order)."""
        for key in keys:
            self._lines.pop(key, None)
        folded: dict[str, list[Any]] = {}
        day = self._day
        for license_id, line_id, work_id, right, licensee_id, country, channel, start, end in rows:
            line = folded.get(line_id)
            if line is None:
                folded[line_id] = [(work_id, licensee_id), license_id, right, {country},
                                   {channel}, day(start), day(end)]
            else:
                line[3].add(country)
                line[4].add(channel)
        held, one = self._lines, self._one
        for key, license_id, right, countries, channels, start, end in folded.values():
            line_grant = (license_id, right, one(countries), one(channels), start, end)
            held[key] = (*held[key], line_grant) if key in held else (line_grant,)

    def covering(self, questions: Sequence[CoverageQuestion]) -> list[list[str]]:
        """For each question, in order, the ids of the licenses that cover it (sorted).

        The rule, as the single lookup's SQL states it: the question's work, licensee, country
        and channel are the grant's, its day falls in [valid_from, valid_to), and its right, when
        it names one, is the grant's. Written as one loop: this runs a million times a call."""
        lines_of = self._lines.get
        answers: list[list[str]] = []
        answer = answers.append
        for q in questions:
            lines = lines_of((q.work_id, q.licensee_id))
            if lines is None:
                answer([])
                continue
            on, right, country, channel = q.on, q.right, q.country, q.channel
            found = [
                license_id
                for license_id, line_right, countries, channels, start, end in lines
                if start <= on < end and (right is None or right == line_right)
                and country in countries and channel in channels
            ]
            if len(found) > 1:
                found = sorted(set(found))
            answer(found)
        return answers

    def _one(self, values: set[str]) -> frozenset[str]:
        key = frozenset(values)
        return self._sets.setdefault(key, key)

    def _day(self, value: object) -> date:
        """SQLite hands dates back as ISO text, PostgreSQL as dates; None is perpetual."""
        day = self._days.get(value)
        if day is None:
            day = self._days[value] = (
                value if isinstance(value, date) else date.fromisoformat(str(value)))
        return day
