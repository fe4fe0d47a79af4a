"""Offers and claims on unlicensed use, without a framework: what a use is (the key the owner picks),
what the evidence says, and which step each side may take from which status.

    offer:  open --(user) accept--> accepted          claim:  open --(a licence bought)--> settled
              \\--(owner) withdraw--> withdrawn                  |  \\--(owner) withdraw--> withdrawn
                                                               \\--(user) dispute--> disputed
    A disputed claim may still be settled or withdrawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from clearinghouse.core.errors import Conflict


class ActionKind(StrEnum):
    OFFER = "offer"
    CLAIM = "claim"


class ActionStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # an offer the user bought
    SETTLED = "settled"  # a claim whose use a bought licence now covers
    WITHDRAWN = "withdrawn"
    DISPUTED = "disputed"


class Step(StrEnum):
    ACCEPT = "accept"
    SETTLE = "settle"
    WITHDRAW = "withdraw"
    DISPUTE = "dispute"


_MOVES: dict[tuple[ActionKind, Step], tuple[frozenset[ActionStatus], ActionStatus]] = {
    (ActionKind.OFFER, Step.ACCEPT): (frozenset({ActionStatus.OPEN}), ActionStatus.ACCEPTED),
    (ActionKind.OFFER, Step.WITHDRAW): (frozenset({ActionStatus.OPEN}), ActionStatus.WITHDRAWN),
    (ActionKind.CLAIM, Step.SETTLE): (frozenset({ActionStatus.OPEN, ActionStatus.DISPUTED}),
                                      ActionStatus.SETTLED),
    (ActionKind.CLAIM, Step.WITHDRAW): (frozenset({ActionStatus.OPEN, ActionStatus.DISPUTED}),
                                        ActionStatus.WITHDRAWN),
    (ActionKind.CLAIM, Step.DISPUTE): (frozenset({ActionStatus.OPEN}), ActionStatus.DISPUTED),
}


def next_status(kind: ActionKind, status: ActionStatus, step: Step) -> ActionStatus:
    """The status after `step`, or a Conflict naming the statuses it is allowed from."""
    move = _MOVES.get((kind, step))
    if move is None:
        raise Conflict(f"a {kind.value} cannot be {step.value}ed", field="status")
    allowed, after = move
    if status not in allowed:
        raise Conflict(f"a {kind.value} that is {status.value} cannot be {step.value}ed",
                       field="status", details={"status": status.value,
                                                "allowed_from": sorted(s.value for s in allowed)})
    return after


@dataclass(frozen=True)
class UseKey:
    """One unlicensed use as the owner picks it: a work used by one party on one channel in one
    territory in one period."""

    period: str
    work_id: str
    user_id: str  # the reporter: the licensee or platform that used the work
    channel: str | None
    territory: str


@dataclass(frozen=True)
class Evidence:
    """What the period's unlicensed lines of one use add up to."""

    lines: int
    plays: int
    copies: int
    revenue: dict[str, int]  # currency -> minor units reported
    first_day: date
    last_day: date  # inclusive
    reasons: tuple[str, ...]
    nearest_license_ids: tuple[str, ...]
    report_ids: tuple[str, ...]

    @property
    def term_days(self) -> int:
        """Days from the first to the last day of use, both counted."""
        return (self.last_day - self.first_day).days + 1

    def to_json(self) -> dict[str, object]:
        return {"lines": self.lines, "plays": self.plays, "copies": self.copies,
                "revenue": dict(sorted(self.revenue.items())),
                "first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat(),
                "reasons": list(self.reasons), "nearest_license_ids": list(self.nearest_license_ids),
                "report_ids": list(self.report_ids)}


def days_of(usage_dates: Sequence[date | None], period_start: date, period_end: date
            ) -> tuple[date, date]:
    """First and last day of use; a line without a day stands for the whole period."""
    firsts = [d or period_start for d in usage_dates]
    lasts = [d or period_end - timedelta(days=1) for d in usage_dates]
    return min(firsts), max(lasts)
