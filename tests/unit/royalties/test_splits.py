"""Splitting one amount among co-holders: parts sum exactly, the odd cent goes where the rule says."""

from __future__ import annotations

import pytest

from clearinghouse.royalties.splits import Holding, RatingError, split, split_society_amount


def amounts(result: object) -> dict[str, int]:
    return {p.party_id: p.amount_minor for p in result.parts}  # type: ignore[attr-defined]


def test_three_way_split_of_100_gives_the_odd_cent_to_the_largest_share() -> None:
    # Thirds as the registry stores them, summing to 100%: 33.3334% / 33.3333% / 33.3333%.
    # 10,000 cents × 333,334 / 1,000,000 = 3,333.334 → 3,333 (.334 left over);
    # the other two 3,333.333 → 3,333 (.333 each). 3 × 3,333 = 9,999: one cent short, and it goes
    # to the largest remainder, .334 — pty_a, whose share is the largest.
    result = split(10_000, [("pty_b", 333_333), ("pty_a", 333_334), ("pty_c", 333_333)])
    assert amounts(result) == {"pty_a": 3_334, "pty_b": 3_333, "pty_c": 3_333}
    assert sum(amounts(result).values()) == 10_000
    assert result.unheld_minor == 0


def test_equal_remainders_give_the_odd_cent_to_the_first_holder_by_id() -> None:
    # Three equal 33.3333% shares (99.9999% held): each 3,333.33 → 3,333 (.33 left over), the
    # unheld 0.0001% is 0.01 → 0 (.01). One cent short: the three .33 tie and the first holder in
    # party-id order (pty_a) gets it, so a rerun pays the same cent to the same holder.
    result = split(10_000, [("pty_c", 333_333), ("pty_a", 333_333), ("pty_b", 333_333)])
    assert amounts(result) == {"pty_a": 3_334, "pty_b": 3_333, "pty_c": 3_333}
    assert result.unheld_minor == 0


def test_a_share_nobody_holds_stays_in_suspense() -> None:
    # 60% and 30% held, 10% unclaimed: 99.99 × 60% = 59.994 → 59.99 (.4 fen left over), × 30% =
    # 29.997 → 29.99 (.7), unheld × 10% = 9.999 → 9.99 (.9). Two fen short: they go to the largest
    # remainders, .9 (unheld → 10.00) and .7 (pty_b → 30.00).
    result = split(9_999, [("pty_a", 600_000), ("pty_b", 300_000)])
    assert amounts(result) == {"pty_a": 5_999, "pty_b": 3_000}
    assert result.unheld_minor == 1_000


def test_negative_amounts_split_the_same_way() -> None:
    # A society's correction: the parts are the negatives of the split of the positive amount.
    result = split(-10_000, [("pty_a", 333_334), ("pty_b", 333_333), ("pty_c", 333_333)])
    assert amounts(result) == {"pty_a": -3_334, "pty_b": -3_333, "pty_c": -3_333}


def test_shares_over_100_percent_are_a_conflict_to_settle_first() -> None:
    with pytest.raises(RatingError, match="over 100%"):
        split(100, [("pty_a", 600_000), ("pty_b", 600_000)])


def test_society_amount_goes_to_the_holders_of_that_right_in_that_territory() -> None:
    holdings = [
        Holding("pty_pub_a", "performance", 500_000),  # worldwide
        Holding("pty_pub_b", "performance", 250_000, frozenset({"CN"})),
        Holding("pty_pub_b", "performance", 250_000, frozenset({"HK"})),
        Holding("pty_pub_c", "performance", 500_000, frozenset({"TW"})),
        Holding("pty_label", "mechanical", 1_000_000),
    ]
    # In CN: pty_pub_a 50%, pty_pub_b 25%, 25% unheld. 1,000.01 CNY = 100,001 fen:
    # a 50,000.5 → 50,000 (.5), b 25,000.25 → 25,000 (.25), unheld 25,000.25 → 25,000 (.25);
    # one fen short → the largest remainder, pty_pub_a.
    result = split_society_amount(100_001, "performance", "CN", holdings)
    assert amounts(result) == {"pty_pub_a": 50_001, "pty_pub_b": 25_000}
    assert result.unheld_minor == 25_000


def test_a_holders_slices_of_one_territory_count_as_one_share() -> None:
    holdings = [Holding("pty_a", "performance", 300_000, frozenset({"CN"})),
                Holding("pty_a", "performance", 200_000), Holding("pty_b", "performance", 500_000)]
    result = split_society_amount(1_000, "performance", "CN", holdings)
    assert amounts(result) == {"pty_a": 500, "pty_b": 500}


def test_nobody_holding_the_right_there_is_unmatched_not_guessed() -> None:
    with pytest.raises(RatingError, match="nobody holds performance in JP"):
        split_society_amount(100, "performance", "JP", [Holding("pty_a", "performance", 1, frozenset({"CN"}))])
