"""Which earnings are paid out this period, and in which currency. Pure.

Per party: every earnings balance it has (one per currency, from the ledger) is converted to the
currency the party chose at the rate recorded for the period, rounded half-even once per
balance, and summed. If the sum reaches the minimum payout threshold of that currency the whole
of it is paid; below it nothing moves and the balances carry forward to the next period as they
are, in their own currencies (no conversion is locked in for money that is not paid). A party
that chose no currency is paid each balance in its own currency, each against its threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clearinghouse.royalties.fx import Conversion, PeriodRates, RatingError


@dataclass(frozen=True)
class PayoutPolicy:
    """Minimum payout per currency, in minor units (e.g. {"CNY": 10000, "USD": 2500}); a currency
    not listed has `default_minor`."""

    thresholds: Mapping[str, int] = field(default_factory=dict)
    default_minor: int = 0

    def threshold(self, currency: str) -> int:
        return self.thresholds.get(currency, self.default_minor)


@dataclass(frozen=True)
class EarningsBalance:
    party_id: str
    currency: str
    minor: int  # what the party's earnings account holds (credit balance, shown positive)


@dataclass(frozen=True)
class Payout:
    """The decision for one party and payout currency."""

    party_id: str
    currency: str  # the currency it is paid in
    amount_minor: int  # the sum of the converted balances
    threshold_minor: int
    paid: bool  # False: below the threshold, everything carries forward
    balances: tuple[EarningsBalance, ...]  # what is paid from (or carried)
    conversions: tuple[Conversion, ...] = ()  # one per balance in another currency

    @property
    def carried_minor(self) -> int:
        return 0 if self.paid else self.amount_minor


def payouts(balances: Sequence[EarningsBalance], chosen: Mapping[str, str | None],
            rates: PeriodRates, policy: PayoutPolicy) -> list[Payout]:
    """One decision per party and payout currency, in party order. `chosen` maps a party id to its
    payout currency (missing or None: each balance in its own currency). Balances of zero or
    less are skipped: nothing is owed."""
    groups: dict[tuple[str, str], list[EarningsBalance]] = defaultdict(list)
    for b in balances:
        if b.minor <= 0:
            continue
        target = chosen.get(b.party_id) or b.currency
        groups[(b.party_id, target)].append(b)
    out: list[Payout] = []
    for (party_id, target), group in sorted(groups.items()):
        amount = 0
        conversions: list[Conversion] = []
        for b in sorted(group, key=lambda b: b.currency):
            if b.currency == target:
                amount += b.minor
                continue
            conv = rates.convert(b.minor, b.currency, target)
            if conv.rounded_minor is None:  # convert() always rounds; kept for the type checker
                raise RatingError("conversion not rounded")
            conversions.append(conv)
            amount += conv.rounded_minor
        threshold = policy.threshold(target)
        out.append(Payout(party_id, target, amount, threshold, amount > 0 and amount >= threshold,
                          tuple(sorted(group, key=lambda b: b.currency)), tuple(conversions)))
    return out
