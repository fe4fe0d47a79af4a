"""The plain facts a warning notice states. Pure: no database, no web, no language."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Policy = Literal["block", "track", "warn", "offer"]
DisputeReason = Literal["licensed", "own_work", "fair_use", "public_domain", "not_a_match"]
# Every reason an uploader may give (the disputes of docs/enforcement.md), in the order shown.
DISPUTE_REASONS: tuple[DisputeReason, ...] = (
    "licensed", "own_work", "fair_use", "public_domain", "not_a_match")
POLICIES: tuple[Policy, ...] = ("block", "track", "warn", "offer")


@dataclass(frozen=True)
class MatchedRange:
    """Where the work was found: seconds in the upload (query) and in the reference."""

    query_start_s: float
    query_end_s: float
    reference_start_s: float
    reference_end_s: float


@dataclass(frozen=True)
class NoticeFacts:
    """What a notice says. `price_minor` is integer minor units of `currency` (never a float);
    links are absolute URLs or None when the uploader has no such option."""

    work_title: str
    owner_name: str
    upload_ref: str
    platform_name: str
    ranges: tuple[MatchedRange, ...]
    score: float
    false_match_rate: float
    policy: Policy
    issued_at: datetime
    work_id: str | None = None
    notice_id: str | None = None
    quote_id: str | None = None
    buy_url: str | None = None
    price_minor: int | None = None
    currency: str | None = None
    dispute_url: str | None = None
    dispute_reasons: tuple[DisputeReason, ...] = DISPUTE_REASONS
    deadline: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.policy not in POLICIES:
            raise ValueError(f"unknown policy {self.policy!r}")
        if not 0.0 <= self.score <= 1.0 or not 0.0 <= self.false_match_rate <= 1.0:
            raise ValueError("score and false_match_rate are in [0, 1]")
        if self.price_minor is not None and (isinstance(self.price_minor, bool)
                                             or not isinstance(self.price_minor, int)):
            raise ValueError("price_minor is integer minor units")
        unknown = set(self.dispute_reasons) - set(DISPUTE_REASONS)
        if unknown:
            raise ValueError(f"unknown dispute reasons {sorted(unknown)}")

    def as_json(self) -> dict[str, Any]:
        """JSON-ready facts (dates as ISO text), as stored and sent in the webhook payload."""
        out = asdict(self)
        out["ranges"] = [asdict(r) for r in self.ranges]
        out["dispute_reasons"] = list(self.dispute_reasons)
        out["issued_at"] = self.issued_at.isoformat()
        out["deadline"] = self.deadline.isoformat() if self.deadline else None
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NoticeFacts:
        values = dict(data)
        values["ranges"] = tuple(MatchedRange(**r) for r in values.get("ranges", ()))
        values["dispute_reasons"] = tuple(values.get("dispute_reasons", DISPUTE_REASONS))
        values["issued_at"] = datetime.fromisoformat(values["issued_at"])
        values["deadline"] = date.fromisoformat(values["deadline"]) if values.get("deadline") else None
        return cls(**values)


def clock(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss past an hour), rounded down to the second."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def span(start: float, end: float) -> str:
    return f"{clock(start)}–{clock(end)}"
