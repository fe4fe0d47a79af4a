"""Pure rules of the registry: rights, roles, shares and ownership conflicts. No I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from clearinghouse.core.shares import FULL_SHARE_PPM


class Right(StrEnum):
    REPRODUCE = "reproduce"
    DISTRIBUTE = "distribute"
    PERFORM_PUBLIC = "perform_public"
    DISPLAY_PUBLIC = "display_public"
    MODIFY = "modify"
    SYNCHRONISATION = "synchronisation"
    MECHANICAL = "mechanical"
    MASTER_USE = "master_use"
    NAME_LIKENESS = "name_likeness"


class MoralRights(StrEnum):
    CONSENTS_TO_MODIFICATION = "consents_to_modification"
    APPROVAL_REQUIRED = "approval_required"
    NOT_STATED = "not_stated"


class RelationKind(StrEnum):
    EMBODIES = "embodies"  # a recording embodies a composition
    CONTAINS = "contains"  # a short video contains a recording or a clip
    DERIVED_FROM = "derived_from"


class PartyKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


ALL_RIGHTS = frozenset(r.value for r in Right)


class HoldingStatus(StrEnum):
    ACTIVE = "active"  # accepted: quotes, offers and search use it
    PENDING = "pending"  # a claim on a work the claimant does not manage, awaiting its managers
    REJECTED = "rejected"  # a claim the work's managers or the operator refused
    WITHDRAWN = "withdrawn"


class ConflictKind(StrEnum):
    OVER_CLAIM = "over_claim"  # accepted shares add up to more than 100%
    CLAIM = "claim"  # a pending claim on someone else's work


@dataclass(frozen=True)
class HoldingSlice:
    """What conflict detection needs to know of one holding."""

    holding_id: str
    holder_id: str
    rights: frozenset[str]
    share_ppm: int
    countries: frozenset[str]
    valid_from: date
    valid_to: date | None  # exclusive; None is open-ended


@dataclass(frozen=True)
class Conflict:
    right: str
    holding_ids: tuple[str, ...]
    party_ids: tuple[str, ...]
    countries: tuple[str, ...]
    period_start: date
    period_end: date | None
    total_share_ppm: int
    kind: ConflictKind = ConflictKind.OVER_CLAIM
    revision: int = 0  # a claim's version: changing a pending claim opens a fresh conflict

    @property
    def fingerprint(self) -> str:
        """Stable identity of a conflict so re-detection does not duplicate it."""
        key = f"{self.right}|{','.join(self.holding_ids)}"
        if self.kind == ConflictKind.CLAIM:
            key = f"claim|{key}|{self.revision}"
        return hashlib.sha256(key.encode()).hexdigest()


def _segments(slices: Sequence[HoldingSlice]) -> list[tuple[date, date | None]]:
    points: set[date] = set()
    for s in slices:
        points.add(s.valid_from)
        if s.valid_to is not None:
            points.add(s.valid_to)
    ordered = sorted(points)
    segs: list[tuple[date, date | None]] = list(zip(ordered, ordered[1:], strict=False))
    segs.append((ordered[-1], None))
    return segs


def _active(s: HoldingSlice, start: date) -> bool:
    return s.valid_from <= start and (s.valid_to is None or start < s.valid_to)


@dataclass
class _Acc:
    parties: tuple[str, ...]
    countries: set[str]
    start: date
    end: date | None
    total: int


def find_conflicts(slices: Iterable[HoldingSlice]) -> list[Conflict]:
    """Every place (right x country x period) where shares add up to more than 100%.

    Results are merged per (right, set of holdings), so one over-claim is one conflict.
    """
    items = list(slices)
    found: dict[tuple[str, tuple[str, ...]], _Acc] = {}
    for right in sorted({r for s in items for r in s.rights}):
        holders = [s for s in items if right in s.rights]
        if len(holders) < 2:
            continue
        for start, end in _segments(holders):
            active = [s for s in holders if _active(s, start)]
            if sum(s.share_ppm for s in active) <= FULL_SHARE_PPM:
                continue
            for country in set().union(*(s.countries for s in active)):
                here = [s for s in active if country in s.countries]
                total = sum(s.share_ppm for s in here)
                if total <= FULL_SHARE_PPM:
                    continue
                ids = tuple(sorted(s.holding_id for s in here))
                acc = found.get((right, ids))
                if acc is None:
                    parties = tuple(sorted({s.holder_id for s in here}))
                    found[(right, ids)] = _Acc(parties, {country}, start, end, total)
                    continue
                acc.countries.add(country)
                acc.total = max(acc.total, total)
                acc.start = min(acc.start, start)
                acc.end = None if acc.end is None or end is None else max(acc.end, end)
    return [
        Conflict(right, ids, a.parties, tuple(sorted(a.countries)), a.start, a.end, a.total)
        for (right, ids), a in sorted(found.items())
    ]


def claim_conflicts(claim: HoldingSlice, revision: int) -> list[Conflict]:
    """A pending claim is a conflict in each right it claims, until the work's managers decide."""
    return [
        Conflict(right, (claim.holding_id,), (claim.holder_id,), tuple(sorted(claim.countries)),
                 claim.valid_from, claim.valid_to, claim.share_ppm, ConflictKind.CLAIM, revision)
        for right in sorted(claim.rights)
    ]


def widens(before: HoldingSlice, after: HoldingSlice) -> bool:
    """True when `after` holds anything `before` did not: a right, share, country or day."""
    if not after.rights <= before.rights or after.share_ppm > before.share_ppm:
        return True
    if not after.countries <= before.countries or after.valid_from < before.valid_from:
        return True
    if before.valid_to is None:
        return False
    return after.valid_to is None or after.valid_to > before.valid_to
