"""Quotes kept before the typed contract: their rows load, show as they were, and can be bought."""

from __future__ import annotations

from datetime import timedelta

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.tables import Quote as QuoteRow
from tests.licensing.purchase_support import buy, make_market, use_of


def _legacy_line(m, holder, name: str, share: str, upfront: int) -> dict:  # noqa: ANN001
    # The line shape written before lines stated their countries.
    return {
        "work_id": m.work_id, "work_title": "月光 Moonlight", "right": "synchronisation",
        "holder_id": holder.party_id, "holder_name": name, "share": share, "offer_id": None,
        "offer_version": None, "template_id": None, "template_code": "sv-commercial-1y",
        "currency": "CNY", "fixed_fee_minor": upfront, "advance_minor": None,
        "minimum_guarantee_minor": None, "per_1000_plays_minor": None, "per_copy_minor": None,
        "revenue_share_pct": None, "upfront_minor": upfront, "upfront_converted_minor": upfront,
        "owner_fee_minor": upfront // 10, "holder_net_minor": upfront - upfront // 10,
    }


def test_a_quote_row_from_before_loads_shows_unchanged_and_buys(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lines = [_legacy_line(m, m.publisher, "Starlight", "60", 60_000),
             _legacy_line(m, m.writer, "Li Lei", "40", 40_000)]
    totals = {"currency": "CNY", "subtotal_minor": 100_000, "licensee_fee_minor": 5_000,
              "owner_fee_minor": 10_000, "total_minor": 105_000, "rates": [],
              "fees": {"licensee_pct": "5", "owner_pct": "10"}}
    unclearable = [{"work_id": m.work_id, "right": "master_use", "reason": "no_offer"}]
    now = utcnow()
    with unit_of_work(sessions) as s:
        s.add(QuoteRow(id="quo_legacy", licensee_id=m.licensee.party_id, use=use_of(m.work_id),
                       currency="CNY", lines=lines, unclearable=unclearable, totals=totals,
                       status="open", source="quote", created_at=now, updated_at=now,
                       expires_at=now + timedelta(days=7)))
    shown = client.get("/api/v1/quotes/quo_legacy", headers=m.licensee.headers)
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["use"] == use_of(m.work_id) and body["total"]["minor"] == 105_000
    assert [(ln["holder_id"], ln["share"], ln["countries"]) for ln in body["lines"]] == [
        (m.publisher.party_id, "60", []), (m.writer.party_id, "40", [])]
    assert body["unclearable"][0]["right"] == "master_use"

    r = buy(client, m.licensee, "quo_legacy", accept_partial=True)
    assert r.status_code == 201, r.text
    lic = r.json()
    assert lic["total"]["minor"] == 105_000
    # A line from before lines said where it clears covers the whole use.
    assert [ln["countries"] for ln in lic["lines"]] == [["CN"], ["CN"]]
    assert lic["unclearable"][0]["right"] == "master_use"


def test_a_quote_marked_bought_reads_back_bought_in_the_same_transaction(sessions) -> None:  # noqa: ANN001
    """The quote is marked bought with a plain UPDATE (not through the loaded row): a later read
    in the same transaction must see the new state, not the row the session loaded before."""
    from clearinghouse.licensing.quotes import repository as quotes_repository

    m = make_market(sessions)
    totals = {"currency": "CNY", "subtotal_minor": 100_000, "licensee_fee_minor": 5_000,
              "owner_fee_minor": 10_000, "total_minor": 105_000, "rates": [],
              "fees": {"licensee_pct": "5", "owner_pct": "10"}}
    now = utcnow()
    with unit_of_work(sessions) as s:
        s.add(QuoteRow(id="quo_same_tx", licensee_id=m.licensee.party_id, use=use_of(m.work_id),
                       currency="CNY", lines=[], unclearable=[], totals=totals, status="open",
                       source="quote", created_at=now, updated_at=now,
                       expires_at=now + timedelta(days=7)))
    with unit_of_work(sessions) as s:
        read = quotes_repository.get(s, "quo_same_tx")
        assert read is not None and read.status == "open"
        bought = quotes_repository.set_status(s, read, "purchased")
        again = quotes_repository.get(s, "quo_same_tx")
        assert again is not None and again.status == "purchased"
        assert again.version == bought.version == read.version + 1
