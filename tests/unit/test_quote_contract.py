"""The quote contract's rules, without a database: a quote's state, a holder's share, a period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from clearinghouse.core.errors import Conflict, Gone
from clearinghouse.licensing.domain import (
    QuoteLine,
    QuoteTotals,
    Share,
    Unclearable,
    covers_period,
    holder_share,
    quote_state,
    require_open,
    share_range,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CN, HK = frozenset({"CN"}), frozenset({"HK"})


@pytest.mark.parametrize(
    ("status", "expires_at", "state"),
    [
        ("open", NOW + timedelta(seconds=1), "open"),
        ("open", NOW, "expired"),  # the last moment is `expires_at` itself, exclusive
        ("open", NOW - timedelta(days=1), "expired"),
        ("purchased", NOW - timedelta(days=1), "purchased"),  # bought stays bought
        ("purchased", NOW + timedelta(days=1), "purchased"),
        ("expired", NOW + timedelta(days=1), "expired"),
    ],
)
def test_a_quotes_state_follows_its_status_and_the_clock(status, expires_at, state) -> None:  # noqa: ANN001
    assert quote_state(status, expires_at, NOW) == state


def test_only_an_open_quote_may_be_bought_and_the_refusal_says_why() -> None:
    require_open("quo_1", "open", NOW + timedelta(hours=1), NOW)
    with pytest.raises(Conflict, match="already purchased; ask for a new quote"):
        require_open("quo_1", "purchased", NOW + timedelta(hours=1), NOW)
    with pytest.raises(Gone, match="expired at 2026-03-01T11:00:00") as gone:
        require_open("quo_1", "open", NOW - timedelta(hours=1), NOW)
    assert gone.value.details == {"expired_at": "2026-03-01T11:00:00+00:00"}


def test_a_holders_share_is_the_most_it_holds_in_one_of_the_countries() -> None:
    # 60% in CN from one holding, 40% + 20% in HK from two: the share quoted is 60%.
    held = [Share(600_000, CN), Share(400_000, HK), Share(200_000, HK)]
    assert holder_share(held, CN | HK) == 600_000
    assert holder_share(held, CN) == 600_000
    assert holder_share(held, frozenset({"MO"})) == 0  # holds nothing there
    assert holder_share([], CN) == 0


def test_share_range_shows_the_gap_nobody_holds() -> None:
    both = [Share(600_000, CN | HK), Share(400_000, CN)]
    assert share_range(both, CN) == (1_000_000, 1_000_000)
    assert share_range(both, CN | HK) == (600_000, 1_000_000)  # 40% of HK is held by nobody


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "start", "end", "covers"),
    [
        (date(2020, 1, 1), None, date(2026, 1, 1), None, True),  # open-ended covers perpetual
        (date(2020, 1, 1), date(2027, 1, 1), date(2026, 1, 1), date(2027, 1, 1), True),
        (date(2020, 1, 1), date(2026, 12, 31), date(2026, 1, 1), date(2027, 1, 1), False),
        (date(2020, 1, 1), date(2030, 1, 1), date(2026, 1, 1), None, False),  # perpetual use
        (date(2026, 1, 2), None, date(2026, 1, 1), date(2027, 1, 1), False),  # starts late
    ],
)
def test_a_holding_counts_only_if_it_runs_the_whole_period(  # noqa: ANN001
    valid_from, valid_to, start, end, covers
) -> None:
    assert covers_period(valid_from, valid_to, start, end) is covers


def test_lines_parts_and_totals_stored_before_the_typed_contract_still_load() -> None:
    """Rows from before: lines without `countries`, a part with only its work, right and reason,
    totals without `by_currency`. They load, and a line then clears the whole use."""
    line = QuoteLine.from_json({
        "work_id": "wrk_1", "work_title": "月光", "right": "synchronisation",
        "holder_id": "pty_1", "holder_name": "Starlight", "share": "60", "offer_id": None,
        "offer_version": None, "template_id": None, "template_code": "sv-commercial-1y",
        "currency": "CNY", "fixed_fee_minor": 60_000, "advance_minor": None,
        "minimum_guarantee_minor": None, "per_1000_plays_minor": None, "per_copy_minor": None,
        "revenue_share_pct": None, "upfront_minor": 60_000, "upfront_converted_minor": 60_000,
        "owner_fee_minor": 6_000, "holder_net_minor": 54_000,
    })
    assert (line.share_ppm, line.share, line.countries) == (600_000, "60", ())
    assert line.countries_or({"HK", "CN"}) == ["CN", "HK"]
    part = Unclearable.from_json({"work_id": "wrk_1", "right": "master_use", "reason": "no_offer"})
    assert (part.holder_id, part.countries, part.share) == (None, (), None)
    totals = QuoteTotals.from_json({
        "currency": "CNY", "subtotal_minor": 100_000, "licensee_fee_minor": 5_000,
        "owner_fee_minor": 10_000, "total_minor": 105_000, "rates": [],
        "fees": {"licensee_pct": "5", "owner_pct": "10"},
    })
    assert totals.total_minor == 105_000 and totals.to_json()["by_currency"] == []


def test_a_line_round_trips_through_its_stored_json() -> None:
    line = QuoteLine(
        work_id="wrk_1", work_title="月光", right="synchronisation", holder_id="pty_1",
        holder_name="Starlight", share_ppm=333_333, currency="USD", upfront_minor=29_999,
        upfront_converted_minor=197_993, owner_fee_minor=19_799, holder_net_minor=178_194,
        offer_id="ofr_1", offer_version=2, revenue_share_pct="5.5", countries=("CN", "HK"))
    assert QuoteLine.from_json(line.to_json()) == line
