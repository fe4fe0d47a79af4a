"""The facts a quote is computed from, and the use as plain JSON. Pure: dataclasses only.

The quote service reads these from the database; tests and the benchmark build them by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.territories import UnknownTerritory, expand
from clearinghouse.licensing.domain import (  # noqa: F401  (use_*_json: re-exported)
    QuoteLine,
    QuoteTotals,
    Unclearable,
    use_from_json,
    use_to_json,
)
from clearinghouse.licensing.quotes.pricing import FeeFacts, Price, RateFacts
from clearinghouse.licensing.terms import (
    Channel,
    Modification,
    Portion,
    PortionUnit,
    Purpose,
    expand_channels,
)


@dataclass(frozen=True)
class WorkFacts:
    id: str
    title: str
    category: str
    length: int | None
    length_unit: str
    moral_rights: str = "not_stated"
    embodies: tuple[str, ...] = ()


@dataclass(frozen=True)
class HoldingFacts:
    id: str
    work_id: str
    holder_id: str
    rights: frozenset[str]
    share_ppm: int
    countries: frozenset[str]
    valid_from: date
    valid_to: date | None = None
    administrator_id: str | None = None
    collective: bool = False


@dataclass(frozen=True)
class ConflictFacts:
    id: str
    work_id: str
    right: str
    party_ids: frozenset[str]
    countries: frozenset[str]
    period_start: date
    period_end: date | None


@dataclass(frozen=True)
class PartyFacts:
    """A party and the contact the licensee may see (the service leaves private contacts out)."""

    id: str
    name: str
    email: str | None = None
    phone: str | None = None

    def contact(self) -> dict[str, Any]:
        return {"party_id": self.id, "name": self.name, "email": self.email, "phone": self.phone}


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


@dataclass
class Market:
    """Everything the engine may look at for one quote."""

    works: Mapping[str, WorkFacts]
    holdings: Sequence[HoldingFacts]
    offers: Sequence[OfferFacts]
    templates: Mapping[str, TemplateFacts]
    parties: Mapping[str, PartyFacts]
    rates: Sequence[RateFacts] = ()
    fees: FeeFacts = field(default_factory=lambda: FeeFacts(Decimal(0), Decimal(0)))
    conflicts: Sequence[ConflictFacts] = ()


@dataclass(frozen=True)
class QuoteResult:
    """What the engine worked out; the service keeps it as a Quote."""

    lines: tuple[QuoteLine, ...]
    unclearable: tuple[Unclearable, ...]
    totals: QuoteTotals


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
