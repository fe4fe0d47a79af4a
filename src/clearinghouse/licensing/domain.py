"""The quote -> purchase contract, typed: a quote, its lines, what it could not clear, and what a
license line grants. Pure: frozen dataclasses and the rules every reader shares.

The engine builds these, the quote repository stores them (as the JSON quotes always had, so rows
from before this module still load), purchase buys them, and certificates and ODRL read the
grants. The rules a quote and a purchase must agree on live here once: a quote's state, a
holder's share where it holds a right, and whether a holding covers a period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Protocol

from clearinghouse.core.errors import Conflict, Gone
from clearinghouse.core.shares import format_share, parse_share
from clearinghouse.licensing.terms import Channel, Portion, PortionUnit, Purpose, Use

QuoteState = Literal["open", "purchased", "expired"]
OPEN: QuoteState = "open"
PURCHASED: QuoteState = "purchased"
EXPIRED: QuoteState = "expired"


# -- the rules ------------------------------------------------------------------------------------


def quote_state(status: str, expires_at: datetime, now: datetime) -> QuoteState:
    """A quote is open until `expires_at` (expiry is a fact of the clock, never stored), unless
    it was bought."""
    if status == PURCHASED:
        return PURCHASED
    return OPEN if status == OPEN and expires_at > now else EXPIRED


def require_open(quote_id: str, status: str, expires_at: datetime, now: datetime) -> None:
    """Refuse to buy (or refer from) a quote that was bought (409) or has expired (410)."""
    state = quote_state(status, expires_at, now)
    if state == PURCHASED:
        raise Conflict(
            f"quote {quote_id} was already purchased; ask for a new quote to buy again",
            field="quote_id",
        )
    if state == EXPIRED:
        expired = expires_at.isoformat()
        raise Gone(
            f"quote {quote_id} expired at {expired}; prices and holdings may have changed, so "
            "ask for a new quote",
            field="quote_id",
            details={"expired_at": expired},
        )


class HeldShare(Protocol):
    """A share of a right held in some countries (a holding, as the engine or purchase sees it)."""

    @property
    def share_ppm(self) -> int: ...

    @property
    def countries(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class Share:
    share_ppm: int
    countries: frozenset[str]


def share_range(held: Sequence[HeldShare], countries: frozenset[str]) -> tuple[int, int]:
    """(lowest, highest) summed share over `countries`: the lowest shows a gap nobody holds."""
    if all(countries <= h.countries for h in held):  # the usual case, without a country loop
        total = sum(h.share_ppm for h in held)
        return total, total
    sums = [sum(h.share_ppm for h in held if c in h.countries) for c in countries]
    return (min(sums), max(sums)) if sums else (0, 0)


def held_countries(held: Iterable[HeldShare], countries: frozenset[str]) -> frozenset[str]:
    """The countries of `countries` where any of `held` applies."""
    return countries & frozenset().union(*(h.countries for h in held))


def holder_share(held: Sequence[HeldShare], countries: frozenset[str]) -> int:
    """A holder's share of a right where it holds it: the most its holdings add up to in one of
    `countries`. What a quote line states and what purchase checks again."""
    where = held_countries(held, countries)
    return share_range(held, where)[1] if where else 0


def covers_period(valid_from: date, valid_to: date | None, start: date, end: date | None) -> bool:
    """A holding counts for a use only if it runs the use's whole period (`end` exclusive; None
    is perpetual, which only an open-ended holding covers)."""
    return valid_from <= start and (valid_to is None or (end is not None and valid_to >= end))


# -- the use, as stored ---------------------------------------------------------------------------


def use_to_json(use: Use) -> dict[str, Any]:
    bounds = {key: value for key, value in (("max_plays", use.max_plays),
                                            ("max_copies", use.max_copies)) if value is not None}
    return bounds | {
        "work_ids": list(use.work_ids), "purpose": use.purpose.value,
        "channels": sorted(c.value for c in use.channels), "uses": use.uses,
        "portion": {"unit": use.portion.unit.value, "value": use.portion.value},
        "modified": use.modified, "territories": list(use.territories),
        "territories_excluded": list(use.territories_excluded), "start": use.start.isoformat(),
        "term_days": use.term_days, "exclusive": use.exclusive,
    }


def use_from_json(data: Mapping[str, Any]) -> Use:
    portion = data.get("portion") or {"unit": "whole", "value": None}
    return Use(
        work_ids=tuple(data["work_ids"]), purpose=Purpose(data["purpose"]),
        channels=frozenset(Channel(c) for c in data["channels"]), uses=int(data.get("uses") or 1),
        portion=Portion(PortionUnit(portion["unit"]), portion.get("value")),
        modified=bool(data.get("modified")), territories=tuple(data["territories"]),
        start=date.fromisoformat(data["start"]), term_days=data.get("term_days"),
        exclusive=bool(data.get("exclusive", False)),
        territories_excluded=tuple(data.get("territories_excluded") or ()),
        max_plays=data.get("max_plays"), max_copies=data.get("max_copies"),
    )


# -- the quote ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteLine:
    """One holder's share of one right in one work, priced from an offer (or a referral)."""

    work_id: str
    work_title: str
    right: str
    holder_id: str
    holder_name: str
    share_ppm: int
    currency: str  # the offer's
    upfront_minor: int
    upfront_converted_minor: int  # in the quote's currency
    owner_fee_minor: int
    holder_net_minor: int
    offer_id: str | None = None
    offer_version: int | None = None
    template_id: str | None = None
    template_code: str | None = None
    fixed_fee_minor: int | None = None
    advance_minor: int | None = None
    minimum_guarantee_minor: int | None = None
    per_1000_plays_minor: int | None = None
    per_copy_minor: int | None = None
    revenue_share_pct: str | None = None
    # Where this line clears its right; empty on quotes made before lines said so: the whole use.
    countries: tuple[str, ...] = ()

    @property
    def share(self) -> str:
        return format_share(self.share_ppm)

    def countries_or(self, use_countries: Iterable[str]) -> list[str]:
        return sorted(self.countries) if self.countries else sorted(use_countries)

    def to_json(self) -> dict[str, Any]:
        return {
            "work_id": self.work_id, "work_title": self.work_title, "right": self.right,
            "holder_id": self.holder_id, "holder_name": self.holder_name, "share": self.share,
            "offer_id": self.offer_id, "offer_version": self.offer_version,
            "template_id": self.template_id, "template_code": self.template_code,
            "currency": self.currency, "fixed_fee_minor": self.fixed_fee_minor,
            "advance_minor": self.advance_minor,
            "minimum_guarantee_minor": self.minimum_guarantee_minor,
            "per_1000_plays_minor": self.per_1000_plays_minor,
            "per_copy_minor": self.per_copy_minor, "revenue_share_pct": self.revenue_share_pct,
            "upfront_minor": self.upfront_minor,
            "upfront_converted_minor": self.upfront_converted_minor,
            "owner_fee_minor": self.owner_fee_minor, "holder_net_minor": self.holder_net_minor,
            "countries": list(self.countries),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuoteLine:
        pct = data.get("revenue_share_pct")
        return cls(
            work_id=data["work_id"], work_title=data["work_title"], right=data["right"],
            holder_id=data["holder_id"], holder_name=data["holder_name"],
            share_ppm=parse_share(data["share"]), currency=data["currency"],
            upfront_minor=int(data["upfront_minor"]),
            upfront_converted_minor=int(data["upfront_converted_minor"]),
            owner_fee_minor=int(data["owner_fee_minor"]),
            holder_net_minor=int(data["holder_net_minor"]),
            offer_id=data.get("offer_id"), offer_version=data.get("offer_version"),
            template_id=data.get("template_id"), template_code=data.get("template_code"),
            fixed_fee_minor=data.get("fixed_fee_minor"), advance_minor=data.get("advance_minor"),
            minimum_guarantee_minor=data.get("minimum_guarantee_minor"),
            per_1000_plays_minor=data.get("per_1000_plays_minor"),
            per_copy_minor=data.get("per_copy_minor"),
            revenue_share_pct=None if pct is None else str(pct),
            countries=tuple(data.get("countries") or ()),
        )


@dataclass(frozen=True)
class Unclearable:
    """A part of the use a quote cannot clear routinely, and why (`reason` is a stable code)."""

    work_id: str
    right: str
    reason: str
    holder_id: str | None = None
    message: str = ""
    contact: Mapping[str, Any] | None = None
    share: str | None = None  # percent, as text
    countries: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "work_id": self.work_id, "right": self.right, "holder_id": self.holder_id,
            "reason": self.reason, "message": self.message,
            "contact": None if self.contact is None else dict(self.contact),
            "share": self.share, "countries": list(self.countries),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Unclearable:
        return cls(
            work_id=data["work_id"], right=data["right"], reason=data["reason"],
            holder_id=data.get("holder_id"), message=data.get("message") or "",
            contact=data.get("contact"), share=data.get("share"),
            countries=tuple(data.get("countries") or ()),
        )

    def sort_key(self) -> tuple[str, str, str, str]:
        return self.work_id, self.right, self.holder_id or "", self.reason


@dataclass(frozen=True)
class QuoteTotals:
    """What the licensee pays, in the quote's currency; parts sum exactly (see pricing.py)."""

    currency: str
    subtotal_minor: int
    licensee_fee_minor: int
    owner_fee_minor: int
    total_minor: int
    by_currency: tuple[tuple[str, int], ...] = ()  # (offer currency, upfront in it)
    rates: tuple[Mapping[str, str], ...] = ()  # the exchange rates used, as recorded
    fees: Mapping[str, str] = field(default_factory=dict)  # the fee percentages used

    def to_json(self) -> dict[str, Any]:
        return {
            "by_currency": [{"currency": c, "upfront_minor": m} for c, m in self.by_currency],
            "currency": self.currency, "subtotal_minor": self.subtotal_minor,
            "licensee_fee_minor": self.licensee_fee_minor,
            "owner_fee_minor": self.owner_fee_minor, "total_minor": self.total_minor,
            "rates": [dict(r) for r in self.rates], "fees": dict(self.fees),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuoteTotals:
        return cls(
            currency=data["currency"], subtotal_minor=int(data["subtotal_minor"]),
            licensee_fee_minor=int(data["licensee_fee_minor"]),
            owner_fee_minor=int(data["owner_fee_minor"]), total_minor=int(data["total_minor"]),
            by_currency=tuple((b["currency"], int(b["upfront_minor"]))
                              for b in data.get("by_currency") or ()),
            rates=tuple(dict(r) for r in data.get("rates") or ()),
            fees=dict(data.get("fees") or {}),
        )


@dataclass(frozen=True)
class Quote:
    """A priced answer to one use, honoured until `expires_at`."""

    id: str
    licensee_id: str
    use: Use
    currency: str
    lines: tuple[QuoteLine, ...]
    unclearable: tuple[Unclearable, ...]
    totals: QuoteTotals
    status: str
    created_at: datetime
    expires_at: datetime
    source: str = "quote"
    referral_id: str | None = None
    version: int = 1

    def state(self, now: datetime) -> QuoteState:
        return quote_state(self.status, self.expires_at, now)

    def require_open(self, now: datetime) -> None:
        require_open(self.id, self.status, self.expires_at, now)

    @property
    def line_work_ids(self) -> list[str]:
        """The works the lines grant on, in line order, each once."""
        return list(dict.fromkeys(line.work_id for line in self.lines))


# -- what a license grants -------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """One right in one work, granted by one holder, in `countries` (empty: the whole use), for
    `amount_minor` of the license currency. A bought quote line becomes one."""

    work_id: str
    right: str
    holder_id: str
    holder_name: str | None = None
    share_ppm: int | None = None
    countries: tuple[str, ...] = ()
    amount_minor: int = 0

    @property
    def share(self) -> str | None:
        return None if self.share_ppm is None else format_share(self.share_ppm)

    @classmethod
    def of_line(cls, line: Any) -> Grant:
        """From a license line (or anything with its attributes; older ones lack the optional)."""
        return cls(
            work_id=line.work_id, right=line.right, holder_id=line.holder_id,
            holder_name=getattr(line, "holder_name", None),
            share_ppm=getattr(line, "share_ppm", None),
            countries=tuple(getattr(line, "countries", None) or ()),
            amount_minor=int(line.upfront_converted_minor),
        )
