"""The catalogue's facts as the quote engine reads them: prices, rates, fees, templates, offers;
and the names of their fields. Pure: no database, no framework.

They live here, below the quote engine, because the catalogue builds them from its rows and the
engine prices with them: quotes depend on the catalogue, never the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.territories import UnknownTerritory, expand
from clearinghouse.licensing.terms import Channel, Modification, Portion, PortionUnit, Purpose, expand_channels

# An offer's price, in the order of the quote engine's Price fields.
PRICE_FIELDS = ("currency", "fixed_fee_minor", "per_1000_plays_minor", "per_copy_minor",
                "revenue_share_pct", "advance_minor", "minimum_guarantee_minor")
AMOUNT_FIELDS = PRICE_FIELDS[1:]
# A template's terms: what a licence on it allows (frozen once an active offer prices it).
TERM_FIELDS = ("purpose", "channels", "max_uses", "portion_unit", "portion_value", "modification",
               "territories", "territories_excluded", "term_days", "exclusive")


@dataclass(frozen=True)
class Price:
    """What a holder charges for its share of one right; minor units of `currency`."""

    currency: str
    fixed_fee_minor: int | None = None
    advance_minor: int | None = None
    minimum_guarantee_minor: int | None = None
    per_1000_plays_minor: int | None = None
    per_copy_minor: int | None = None
    revenue_share_pct: str | None = None  # Decimal as text, e.g. "5.5"

    @property
    def upfront_minor(self) -> int:
        """Due on purchase: the fixed fee plus any advance against royalties."""
        return (self.fixed_fee_minor or 0) + (self.advance_minor or 0)

    def to_json(self) -> dict[str, Any]:
        return {"currency": self.currency, "fixed_fee_minor": self.fixed_fee_minor,
                "advance_minor": self.advance_minor,
                "minimum_guarantee_minor": self.minimum_guarantee_minor,
                "per_1000_plays_minor": self.per_1000_plays_minor,
                "per_copy_minor": self.per_copy_minor, "revenue_share_pct": self.revenue_share_pct}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Price:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


@dataclass(frozen=True)
class RateFacts:
    """`rate` units of `quote` per one unit of `base`, from `effective` on."""

    base: str
    quote: str
    rate: Decimal
    effective: date

    def to_json(self) -> dict[str, Any]:
        return {"base": self.base, "quote": self.quote, "rate": str(self.rate),
                "effective": self.effective.isoformat()}


@dataclass(frozen=True)
class FeeFacts:
    licensee_pct: Decimal
    owner_pct: Decimal


@dataclass(frozen=True)
class TemplateFacts:
    id: str
    code: str
    purpose: Purpose
    channels: frozenset[Channel]  # expanded: no ANY_SHORT_VIDEO
    max_uses: int
    portion: Portion
    modification: Modification
    countries: frozenset[str]
    term_days: int | None
    exclusive: bool = False


@dataclass(frozen=True)
class OfferFacts:
    id: str
    version: int
    holder_id: str
    template_id: str
    rights: frozenset[str]
    price: Price
    catalogue: bool = False
    work_ids: frozenset[str] = frozenset()
    declined: bool = False

    def covers_work(self, work_id: str) -> bool:
        return self.catalogue or work_id in self.work_ids


@lru_cache(maxsize=512)
def _countries(codes: tuple[str, ...], excluded: tuple[str, ...]) -> frozenset[str]:
    return expand(codes, excluded)


def countries_of(codes: Iterable[str], excluded: Iterable[str] = ()) -> frozenset[str]:
    """The countries of a territory; raises ValidationFailed naming the list with the bad code."""
    inc, exc = tuple(codes), tuple(excluded)
    try:
        return _countries(inc, exc)
    except UnknownTerritory as err:
        bad = err.code.strip().upper()
        where = "territories" if bad in {c.strip().upper() for c in inc} else "territories_excluded"
        raise ValidationFailed(str(err), field=where) from err


def template_facts(template_id: str, data: Mapping[str, Any]) -> TemplateFacts:
    """From a template's stored fields (a row as a mapping, or seed data)."""
    return TemplateFacts(
        id=template_id, code=data["code"], purpose=Purpose(data["purpose"]),
        channels=expand_channels([Channel(c) for c in data["channels"]]),
        max_uses=int(data["max_uses"]),
        portion=Portion(PortionUnit(data["portion_unit"]), data.get("portion_value")),
        modification=Modification(data["modification"]),
        countries=countries_of(data["territories"], data.get("territories_excluded") or ()),
        term_days=data.get("term_days"), exclusive=bool(data.get("exclusive", False)))
