"""The facts a quote is computed from, and the use as plain JSON. Pure: dataclasses only.

The quote service reads these from the database; tests and the benchmark build them by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from clearinghouse.licensing.catalogue.domain import FeeFacts, OfferFacts, RateFacts, TemplateFacts
from clearinghouse.licensing.domain import (  # noqa: F401  (use_*_json: re-exported)
    QuoteLine,
    QuoteTotals,
    Unclearable,
    use_from_json,
    use_to_json,
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


