"""Splitting one amount among co-holders by share, so the parts sum exactly. Pure.

Used where an amount is stated for a whole work and right rather than per licence line: a
society's statement amount, a revenue share stated per work. Largest remainder
(`core.money.allocate`): each holder gets its share rounded down, and the minor units left over
go one each to the largest fractional remainders, ties to the holder listed first (holders are
listed in party-id order, so a rerun gives the same cents to the same holders).

A share of the right that nobody holds (shares summing under 100%) is not handed to the others:
it is returned as `unheld_minor` for the operator to keep in suspense until someone proves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clearinghouse.core.money import allocate
from clearinghouse.core.shares import FULL_SHARE_PPM
from clearinghouse.royalties.fx import RatingError

# A society statement's right (usage/formats/society_columns.RIGHTS) → the registry right a
# holding must have to be paid it.
HELD_RIGHT = {"performance": "perform_public", "mechanical": "mechanical", "sync": "synchronisation"}


def held_right(statement_right: str) -> str:
    return HELD_RIGHT.get(statement_right, statement_right)


@dataclass(frozen=True)
class Holding:
    """Who holds what share of a right in a work, where (empty `territories`: worldwide)."""

    party_id: str
    right: str
    share_ppm: int
    territories: frozenset[str] = frozenset()

    def covers(self, right: str, territory: str) -> bool:
        return self.right == right and (not self.territories or territory in self.territories)


@dataclass(frozen=True)
class Part:
    party_id: str
    share_ppm: int
    amount_minor: int


@dataclass(frozen=True)
class Split:
    total_minor: int
    parts: tuple[Part, ...]
    unheld_minor: int = 0  # the share nobody holds, kept in suspense

    def __post_init__(self) -> None:
        if sum(p.amount_minor for p in self.parts) + self.unheld_minor != self.total_minor:
            raise RatingError("a split's parts do not add up to its total")


def split(total_minor: int, shares: Sequence[tuple[str, int]]) -> Split:
    """`total_minor` among (party_id, share_ppm) pairs by share, largest remainder.

    Shares summing to under 100% leave the rest unheld; over 100% is a conflict to settle first.
    """
    if not shares:
        raise RatingError("nobody to split among")
    if any(ppm <= 0 for _, ppm in shares):
        raise RatingError("every share is more than zero")
    ordered = sorted(shares)
    held = sum(ppm for _, ppm in ordered)
    if held > FULL_SHARE_PPM:
        raise RatingError(f"shares add up to {held} ppm, over 100%: settle the conflict first")
    weights = [ppm for _, ppm in ordered] + [FULL_SHARE_PPM - held]
    amounts = allocate(total_minor, weights)
    parts = tuple(Part(pid, ppm, amt) for (pid, ppm), amt in zip(ordered, amounts, strict=False))
    return Split(total_minor, parts, amounts[-1])


def split_society_amount(total_minor: int, right: str, territory: str,
                         holdings: Sequence[Holding]) -> Split:
    """A society's amount for one work, right and territory among the holders of that right there.

    One holder with several holdings of the right there (say two territory slices) is one part
    of their summed share.
    """
    shares: dict[str, int] = {}
    for h in holdings:
        if h.covers(right, territory):
            shares[h.party_id] = shares.get(h.party_id, 0) + h.share_ppm
    if not shares:
        raise RatingError(f"nobody holds {right} in {territory}: the amount is unmatched (no_holder)")
    return split(total_minor, sorted(shares.items()))
