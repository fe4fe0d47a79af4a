"""Rating one licence line per period, checked against figures worked by hand (in the comments).

The example is docs/royalties.md's: a label's recording licensed to a platform in CNY at 0.50 CNY
per 1,000 plays, with a 1,000.00 CNY advance and a 3,000.00 CNY minimum guarantee over a term
ending in March; fees 5% (licensee) and 10% (owner).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clearinghouse.ledger.domain import FxRate
from clearinghouse.royalties.domain import (
    Carried,
    FeeRates,
    LineRating,
    LineTerms,
    PeriodRates,
    PeriodUsage,
    RatingError,
    Revenue,
    guarantee_end_period,
    rate_line,
)

FEES = FeeRates(licensee_pct=Decimal(5), owner_pct=Decimal(10))
NO_RATES = PeriodRates()
USD_CNY = FxRate("USD", "CNY", Decimal("7.1234"), date(2026, 1, 31), "PBOC")


def label_line(**changes: object) -> LineTerms:
    terms: dict[str, object] = {
        "license_id": "lic_1", "line_id": "lln_1", "work_id": "wrk_song", "right": "master_use",
        "holder_id": "pty_label", "licensee_id": "pty_douyin", "currency": "CNY",
        "license_currency": "CNY", "per_1000_plays_minor": 50, "advance_minor": 100_000,
        "minimum_guarantee_minor": 300_000, "guarantee_end": "2026-03",
    }
    terms.update(changes)
    return LineTerms(**terms)  # type: ignore[arg-type]


def three_periods() -> list[LineRating]:
    terms = label_line()
    carried = Carried.start(terms)
    out = []
    for period, plays in (("2026-01", 1_200_000), ("2026-02", 2_000_500), ("2026-03", 1_000_001)):
        rating = rate_line(terms, period, PeriodUsage(plays=plays), carried, NO_RATES, FEES)
        out.append(rating)
        carried = rating.carried
    return out


def test_first_period_is_recouped_from_the_advance_and_nothing_is_payable() -> None:
    jan = three_periods()[0]
    # 1,200,000 plays × 50 fen / 1,000 = 60,000 fen = 600.00 CNY earned, exact.
    assert jan.earned_minor == 60_000
    # All of it against the 1,000.00 advance: 400.00 left to recoup, nothing new to pay.
    assert jan.recouped_minor == 60_000
    assert jan.carried.advance_unrecouped_minor == 40_000
    assert (jan.due_minor, jan.licensee_owes_minor, jan.holder_net_minor) == (0, 0, 0)
    assert (jan.licensee_fee_minor, jan.owner_fee_minor) == (0, 0)


def test_second_period_recoups_the_rest_then_pays_with_both_fees() -> None:
    feb = three_periods()[1]
    # 2,000,500 × 50 / 1,000 = 100,025 fen = 1,000.25 CNY earned.
    assert feb.earned_minor == 100_025
    # 400.00 finishes the advance; 1,000.25 − 400.00 = 600.25 is payable.
    assert (feb.recouped_minor, feb.payable_royalty_minor) == (40_000, 60_025)
    assert feb.carried.advance_unrecouped_minor == 0
    # Licensee fee 5% of 60,025 = 3,001.25 → 3,001 (half-even); owner fee 10% = 6,002.5 → 6,002
    # (half-even keeps the even 6,002); the holder nets 60,025 − 6,002 = 54,023 = 540.23 CNY;
    # the licensee owes 60,025 + 3,001 = 63,026 = 630.26 CNY.
    assert (feb.licensee_fee_minor, feb.owner_fee_minor) == (3_001, 6_002)
    assert (feb.holder_net_minor, feb.licensee_owes_minor) == (54_023, 63_026)


def test_last_period_rounds_once_and_trues_up_the_minimum_guarantee() -> None:
    mar = three_periods()[2]
    # 1,000,001 × 50 / 1,000 = 50,000.05 fen, rounded once, half-even: 50,000 (0.05 fen dropped).
    assert mar.rounding.exact == Decimal("50000.05")
    assert mar.earned_minor == 50_000
    assert mar.rounding.difference == Decimal("-0.05")
    # Earned over the term: 60,000 + 100,025 + 50,000 = 210,025 (2,100.25 CNY), more than the
    # 1,000.00 advance; the guarantee is 3,000.00, so the licensee owes 300,000 − 210,025 = 89,975.
    assert mar.guarantee_true_up_minor == 89_975
    # Due: 50,000 royalties + 89,975 true-up = 139,975. Licensee fee 5% = 6,998.75 → 6,999;
    # owner fee 10% = 13,997.5 → 13,998 (half-even to even); net 139,975 − 13,998 = 125,977.
    assert mar.due_minor == 139_975
    assert (mar.licensee_fee_minor, mar.owner_fee_minor) == (6_999, 13_998)
    assert (mar.holder_net_minor, mar.licensee_owes_minor) == (125_977, 146_974)
    assert mar.carried.guarantee_settled


def test_over_the_term_the_holder_is_credited_exactly_the_guarantee_before_fees() -> None:
    ratings = three_periods()
    # advance 1,000.00 + payable 600.25 + 500.00 + true-up 899.75 = 3,000.00 CNY.
    credited = 100_000 + sum(r.payable_royalty_minor + r.guarantee_true_up_minor for r in ratings)
    assert credited == 300_000


def test_a_rerun_after_the_guarantee_is_settled_owes_no_second_true_up() -> None:
    mar = three_periods()[2]
    apr = rate_line(label_line(), "2026-04", PeriodUsage(plays=0), mar.carried, NO_RATES, FEES)
    assert apr.guarantee_true_up_minor == 0


def test_a_guarantee_already_met_owes_nothing() -> None:
    terms = label_line(per_1000_plays_minor=1_000)
    # 3,000,000 plays × 1,000 / 1,000 = 3,000,000 fen: far over the 300,000 guarantee.
    rating = rate_line(terms, "2026-03", PeriodUsage(plays=3_000_000), Carried.start(terms),
                       NO_RATES, FEES)
    assert rating.guarantee_true_up_minor == 0


def test_revenue_in_usd_rated_in_cny_and_paid_out_in_usd() -> None:
    terms = label_line(holder_id="pty_pub", per_1000_plays_minor=None, advance_minor=0,
                       minimum_guarantee_minor=0, guarantee_end=None,
                       revenue_share_pct=Decimal(10))
    usage = PeriodUsage(revenue=(Revenue(123_456, "USD"),))
    rating = rate_line(terms, "2026-01", usage, Carried.start(terms), PeriodRates([USD_CNY]), FEES,
                       payout_currency="USD")
    # 1,234.56 USD × 7.1234 = 8,794.264704 CNY = 879,426.4704 fen, exact (not rounded here);
    # 10% of it = 87,942.64704 fen, rounded once, half-even: 87,943 fen = 879.43 CNY.
    assert rating.rounding.exact == Decimal("87942.64704")
    assert rating.earned_minor == 87_943
    # Licensee fee 5% = 4,397.15 → 4,397; owner fee 10% = 8,794.3 → 8,794; net 79,149 = 791.49.
    assert (rating.licensee_fee_minor, rating.owner_fee_minor) == (4_397, 8_794)
    assert (rating.holder_net_minor, rating.licensee_owes_minor) == (79_149, 92_340)
    # Paid in USD: 791.49 ÷ 7.1234 = 111.11127… USD → 111.11 (the recorded rate used inversely).
    assert rating.payout_currency == "USD"
    assert rating.holder_payout_minor == 11_111
    assert rating.payout_conversion is not None and rating.payout_conversion.inverse
    # The trail shows the rate, both conversions and the rounding for the statement line.
    shown = " | ".join(f"{i.name}: {i.value} = {i.note}" for i in rating.trail)
    assert "USD/CNY 7.1234" in shown
    assert "87942.64704 rounded half-even = 87943 CNY minor" in shown
    assert "11111.126709… → 11111 USD minor" in shown


def test_terms_in_another_currency_than_the_licence_are_charged_converted() -> None:
    # A USD rate card on a CNY licence: 2,000 plays × 100 cents / 1,000 = 200 cents = 2.00 USD,
    # charged in CNY at 7.1234: 14.2468 CNY → 1,424.68 fen, exact → 1,425 fen after rounding.
    terms = label_line(currency="USD", per_1000_plays_minor=100, advance_minor=0,
                       minimum_guarantee_minor=0, guarantee_end=None)
    rating = rate_line(terms, "2026-01", PeriodUsage(plays=2_000), Carried.start(terms),
                       PeriodRates([USD_CNY]), FeeRates())
    assert rating.earned_minor == 200
    assert rating.due_minor == 1_425
    assert rating.due_conversion is not None and rating.due_conversion.rate == USD_CNY


def test_the_rate_is_the_holders_own_for_its_share_and_is_not_scaled_again() -> None:
    # A 40% co-publisher prices its 40% (docs/licensing.md): its 50 fen per 1,000 plays apply
    # to every play; rating does not multiply by the share a second time.
    terms = label_line(advance_minor=0, minimum_guarantee_minor=0, guarantee_end=None)
    rating = rate_line(terms, "2026-01", PeriodUsage(plays=10_000), Carried.start(terms),
                       NO_RATES, FeeRates())
    assert rating.earned_minor == 500


def test_a_missing_rate_is_named() -> None:
    terms = label_line(revenue_share_pct=Decimal(10))
    usage = PeriodUsage(revenue=(Revenue(100, "EUR"),))
    with pytest.raises(RatingError, match="no EUR/CNY exchange rate"):
        rate_line(terms, "2026-01", usage, Carried.start(terms), NO_RATES, FEES)


@pytest.mark.parametrize("usage", [
    {"plays": -1}, {"copies": -5}, {"revenue": (Revenue(-100, "CNY"),)},
])
def test_negative_usage_is_refused(usage: dict[str, object]) -> None:
    with pytest.raises(RatingError, match="never negative"):
        PeriodUsage(**usage)  # type: ignore[arg-type]


def test_a_guarantee_without_an_end_period_is_refused() -> None:
    with pytest.raises(RatingError, match="no period to true it up at"):
        label_line(guarantee_end=None)


def test_a_malformed_period_is_refused() -> None:
    terms = label_line()
    with pytest.raises(RatingError, match="YYYY-MM"):
        rate_line(terms, "2026-13", PeriodUsage(), Carried.start(terms), NO_RATES, FEES)


def test_the_guarantee_is_trued_up_in_the_period_of_the_licences_last_day() -> None:
    # valid_to is exclusive: a licence to 2027-01-01 ends on 2026-12-31.
    assert guarantee_end_period(date(2026, 1, 1), date(2027, 1, 1)) == "2026-12"
    # A perpetual licence's guarantee covers its first year.
    assert guarantee_end_period(date(2026, 3, 15), None) == "2027-03"
    assert guarantee_end_period(date(2024, 2, 29), None) == "2025-02"
    # A period the line states wins.
    assert guarantee_end_period(date(2026, 1, 1), None, "2026-06") == "2026-06"


def test_a_net_under_one_minor_unit_of_the_payout_currency_stays_in_the_licence_currency() -> None:
    # 20 plays × 50 / 1,000 = 1 fen; 1 fen ÷ 7.1234 = 0.14 US cent → 0: converting would lose it,
    # so the holder keeps the fen in CNY until a payout converts its balance.
    terms = label_line(advance_minor=0, minimum_guarantee_minor=0, guarantee_end=None)
    rating = rate_line(terms, "2026-01", PeriodUsage(plays=20), Carried.start(terms),
                       PeriodRates([USD_CNY]), FeeRates(), payout_currency="USD")
    assert (rating.holder_net_minor, rating.payout_currency, rating.holder_payout_minor) == (1, "CNY", 1)
    assert rating.payout_conversion is None
