"""Share arithmetic and ownership-conflict detection, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from clearinghouse.core.shares import FULL_SHARE_PPM, ShareError, format_share, parse_share
from clearinghouse.registry.domain import ConflictKind, HoldingSlice, claim_conflicts, find_conflicts, widens

CN = frozenset({"CN"})
ASIA = frozenset({"CN", "JP", "HK"})


def slice_(hid: str, holder: str, share: str, countries=CN, start=date(2020, 1, 1), end=None,
           rights=("synchronisation",)) -> HoldingSlice:
    return HoldingSlice(hid, holder, frozenset(rights), parse_share(share), countries, start, end)


@pytest.mark.parametrize(("text", "ppm"), [("100", 1_000_000), ("50", 500_000), ("33.3333", 333_333),
                                            ("0.0001", 1), (25, 250_000)])
def test_parse_share_to_parts_per_million(text, ppm):
    assert parse_share(text) == ppm
    assert parse_share(format_share(ppm)) == ppm


@pytest.mark.parametrize("bad", ["0", "-5", "100.0001", "101", "abc", "33.33333", "NaN", "Infinity"])
def test_parse_share_rejects_out_of_range_and_garbage(bad):
    with pytest.raises(ShareError):
        parse_share(bad)


def test_format_share_drops_trailing_zeros():
    assert format_share(FULL_SHARE_PPM) == "100"
    assert format_share(333_333) == "33.3333"
    assert format_share(125_000) == "12.5"


def test_co_owned_shares_that_sum_to_100_are_not_a_conflict():
    slices = [slice_("h1", "a", "50"), slice_("h2", "b", "33.3333"), slice_("h3", "c", "16.6667")]
    assert find_conflicts(slices) == []


def test_over_claim_in_the_same_territory_and_period_is_one_conflict():
    slices = [slice_("h1", "a", "60"), slice_("h2", "b", "50")]
    [conflict] = find_conflicts(slices)
    assert conflict.right == "synchronisation"
    assert conflict.holding_ids == ("h1", "h2")
    assert conflict.party_ids == ("a", "b")
    assert conflict.countries == ("CN",)
    assert conflict.total_share_ppm == 1_100_000


def test_disjoint_territories_do_not_conflict():
    slices = [slice_("h1", "a", "100", countries=frozenset({"CN"})),
              slice_("h2", "b", "100", countries=frozenset({"US"}))]
    assert find_conflicts(slices) == []


def test_consecutive_periods_do_not_conflict_but_overlapping_ones_do():
    a = slice_("h1", "a", "100", start=date(2020, 1, 1), end=date(2023, 1, 1))
    b = slice_("h2", "b", "100", start=date(2023, 1, 1))
    assert find_conflicts([a, b]) == []
    c = slice_("h3", "c", "100", start=date(2022, 6, 1), end=date(2022, 7, 1))
    [conflict] = find_conflicts([a, b, c])
    assert conflict.holding_ids == ("h1", "h3")
    assert conflict.period_start == date(2022, 6, 1)
    assert conflict.period_end == date(2022, 7, 1)


def test_conflict_reports_only_the_overlapping_countries():
    slices = [slice_("h1", "a", "100", countries=ASIA), slice_("h2", "b", "30", countries=frozenset({"JP", "US"}))]
    [conflict] = find_conflicts(slices)
    assert conflict.countries == ("JP",)


def test_different_rights_are_counted_separately():
    slices = [slice_("h1", "a", "100", rights=("synchronisation",)),
              slice_("h2", "b", "100", rights=("master_use",))]
    assert find_conflicts(slices) == []


def test_conflict_fingerprint_is_stable_for_the_same_holdings():
    first = find_conflicts([slice_("h1", "a", "70"), slice_("h2", "b", "70")])[0]
    again = find_conflicts([slice_("h2", "b", "70"), slice_("h1", "a", "70")])[0]
    assert first.fingerprint == again.fingerprint


def test_a_claim_is_one_conflict_per_claimed_right_and_a_new_one_when_it_changes():
    claim = slice_("h9", "b", "0.0001", countries=frozenset({"AQ"}), rights=("reproduce", "modify"))
    first = claim_conflicts(claim, revision=1)
    assert [(c.right, c.kind, c.party_ids, c.countries) for c in first] == [
        ("modify", ConflictKind.CLAIM, ("b",), ("AQ",)), ("reproduce", ConflictKind.CLAIM, ("b",), ("AQ",))]
    changed = claim_conflicts(claim, revision=2)
    assert {c.fingerprint for c in first}.isdisjoint(c.fingerprint for c in changed)
    # An over-claim on the same holding and right is a different conflict.
    over = find_conflicts([slice_("h9", "b", "100"), slice_("h1", "a", "100")])[0]
    assert over.kind == ConflictKind.OVER_CLAIM and over.fingerprint != first[1].fingerprint


@pytest.mark.parametrize(("change", "wider"), [
    ({"share": "5"}, False), ({"share": "20"}, True),
    ({"countries": frozenset({"CN"})}, False), ({"countries": ASIA | {"US"}}, True),
    ({"rights": ("synchronisation",)}, False), ({"rights": ("synchronisation", "modify", "mechanical")}, True),
    ({"start": date(2021, 1, 1)}, False), ({"start": date(2019, 1, 1)}, True),
    ({"end": date(2025, 1, 1)}, False), ({"end": date(2031, 1, 1)}, True), ({"end": None}, True),
])
def test_widening_is_any_more_right_share_country_or_day(change, wider):
    base = {"hid": "h1", "holder": "b", "share": "10", "countries": ASIA, "start": date(2020, 1, 1),
            "end": date(2030, 1, 1), "rights": ("synchronisation", "modify")}
    before, after = slice_(**base), slice_(**(base | change))
    assert widens(before, after) is wider
    assert not widens(before, before)
