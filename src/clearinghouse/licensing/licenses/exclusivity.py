"""Exclusive licenses never overlap: the rule, and the check a purchase runs under a lock.

Two grants overlap when they share a work and a right, a country, a day and a channel. An exclusive
grant may overlap nothing; a non-exclusive one may overlap other non-exclusive ones only.

A quote grants on every work on its lines, not only the works it names: a recording's quote also
clears the composition it embodies. So the check reads every license whose lines touch any of those
works, whichever work that license was bought through, and the lock covers the same works.

Concurrent purchases touching a work are serialised before the check: on PostgreSQL by locking the
works' rows (`SELECT … FOR UPDATE`, in id order so two buyers never deadlock); on SQLite the write
transaction already holds the database lock (`BEGIN IMMEDIATE`, see core/db.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.core.clock import ranges_overlap
from clearinghouse.core.db import is_postgres
from clearinghouse.core.errors import Conflict
from clearinghouse.core.territories import expand
from clearinghouse.licensing.domain import Quote
from clearinghouse.licensing.licenses import grants_repository
from clearinghouse.licensing.terms import Channel, expand_channels
from clearinghouse.registry import repository as registry_repository

# A suspended license may be reinstated, so it keeps its place; revoked and expired ones do not.
BLOCKING_STATUSES = ("pending_payment", "active", "suspended")


@dataclass(frozen=True)
class GrantScope:
    work_id: str
    right: str
    countries: frozenset[str]
    channels: frozenset[Channel]  # expanded: no ANY_SHORT_VIDEO
    start: date
    end: date | None  # exclusive; None: perpetual
    exclusive: bool
    license_id: str | None = None


def overlaps(a: GrantScope, b: GrantScope) -> bool:
    return (
        a.work_id == b.work_id
        and a.right == b.right
        and bool(a.countries & b.countries)
        and bool(a.channels & b.channels)
        and ranges_overlap(a.start, a.end, b.start, b.end)
    )


def clashes(
    wanted: Iterable[GrantScope], existing: Iterable[GrantScope]
) -> list[tuple[GrantScope, GrantScope]]:
    """Every (wanted, existing) pair that overlaps where at least one of the two is exclusive."""
    held = list(existing)
    return [(w, e) for w in wanted for e in held if (w.exclusive or e.exclusive) and overlaps(w, e)]


def scopes_for(
    work_rights: Iterable[tuple[str, str]],
    *,
    territories: Sequence[str],
    territories_excluded: Sequence[str],
    channels: Iterable[Channel | str],
    start: date,
    end: date | None,
    exclusive: bool,
    license_id: str | None = None,
) -> list[GrantScope]:
    countries = frozenset(expand(list(territories), list(territories_excluded)))
    chans = expand_channels([Channel(c) for c in channels])
    return [
        GrantScope(work_id, right, countries, chans, start, end, exclusive, license_id)
        for work_id, right in sorted(set(work_rights))
    ]


def works_touched(quote: Quote) -> list[str]:
    """The works a quote would grant on (every line's work) and the works it names, in id order."""
    return sorted({line.work_id for line in quote.lines} | set(quote.use.work_ids))


def lock_works(session: Session, work_ids: Iterable[str]) -> bool:
    """Serialise purchases touching these works until the transaction ends. True when this may
    have waited for another buyer, so that what was read before must be read again."""
    ids = sorted(set(work_ids))
    if not ids or not is_postgres(session):
        return False  # SQLite: BEGIN IMMEDIATE already made this transaction the only writer
    registry_repository.lock_works(session, ids)
    return True


def existing_scopes(session: Session, work_ids: Sequence[str], *, on: date) -> list[GrantScope]:
    """Grants of every license that still holds its place on these works (not past its end),
    read from license_grants so that each line's own countries count."""
    found: dict[tuple[str, str, str], tuple[set[str], set[Channel], date, date | None, bool]] = {}
    for row in grants_repository.blocking_rows(session, work_ids, BLOCKING_STATUSES, on=on):
        key = (row.license_id, row.work_id, row.right)
        countries, channels, *_ = found.setdefault(
            key, (set(), set(), row.valid_from, row.valid_to, bool(row.exclusive))
        )
        countries.add(row.country)
        channels.add(Channel(row.channel))
    return [
        GrantScope(work_id, right, frozenset(countries), frozenset(channels), start, end,
                   exclusive, license_id)
        for (license_id, work_id, right), (countries, channels, start, end, exclusive)
        in sorted(found.items())
    ]


def describe(clash: tuple[GrantScope, GrantScope]) -> dict[str, object]:
    wanted, held = clash
    return {
        "work_id": wanted.work_id,
        "right": wanted.right,
        "license_id": held.license_id,
        "held_exclusive": held.exclusive,
        "wanted_exclusive": wanted.exclusive,
        "countries": sorted(wanted.countries & held.countries)[:20],
        "channels": sorted(c.value for c in wanted.channels & held.channels),
    }


def check_quote(session: Session, quote: Quote, start: date, end: date | None, *, on: date) -> None:
    """Refuse (409) a purchase of `quote` that would overlap an exclusive license, or claim
    exclusivity over another license, on any work on its lines. Run it under `lock_works`."""
    use = quote.use
    wanted: list[GrantScope] = []
    for line in quote.lines:
        # A line clears its right only where it says (a partial quote may clear fewer countries
        # than the use names); quotes made before lines said so cover the whole use.
        stated = list(line.countries)
        wanted += scopes_for(
            [(line.work_id, line.right)],
            territories=stated or use.territories,
            territories_excluded=[] if stated else use.territories_excluded,
            channels=use.channels,
            start=start,
            end=end,
            exclusive=use.exclusive,
        )
    wanted = list(dict.fromkeys(wanted))  # co-holders' lines of one right want one scope
    found = clashes(wanted, existing_scopes(session, works_touched(quote), on=on))
    if found:
        what = (
            "an exclusive license already covers this work, right, territory, period and channel"
            if found[0][1].exclusive
            else "you asked for exclusivity, but another license already covers part of this use"
        )
        raise Conflict(what, field="quote_id", details=[describe(c) for c in found[:20]])
