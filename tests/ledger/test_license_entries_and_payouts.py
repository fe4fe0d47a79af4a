"""The ledger by licence, and holders paid in the currency they chose (issue 11, defect 7).

Real quotes from the engine, bought and paid over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.money import round_half_even
from clearinghouse.ledger import service as ledger_service
from tests.licensing.catalogue_world import World, ad_use, build_world, price_everything
from tests.support.factories import Actor

RATE_SOURCE = "PBOC central parity (test)"


@pytest.fixture
def world(client, sessions) -> World:  # noqa: ANN001
    w = build_world(sessions)
    price_everything(client, w)
    return w


def _bought_and_paid(client, w: World, work_ids: list[str]) -> dict[str, Any]:  # noqa: ANN001
    quote = client.post("/api/v1/quotes", headers=w.brand.headers, json=ad_use(work_ids))
    assert quote.status_code == 201, quote.text
    lic = client.post(f"/api/v1/quotes/{quote.json()['id']}/purchase", headers=w.brand.headers
                      | {"Idempotency-Key": quote.json()["id"]})
    assert lic.status_code == 201, lic.text
    paid = client.post(f"/api/v1/payments/{lic.json()['payment']['id']}/mark-paid",
                       json={"reference": "BANK-7"}, headers=w.operator.headers)
    assert paid.status_code == 200, paid.text
    return lic.json()


def _entries(client, actor: Actor, **params: str) -> Any:  # noqa: ANN001
    return client.get("/api/v1/ledger/entries", headers=actor.headers, params=params)


def _choose_payout(client, actor: Actor, currency: str | None) -> Any:  # noqa: ANN001
    url = f"/api/v1/parties/{actor.party_id}"
    version = client.get(url, headers=actor.headers).json()["version"]
    return client.patch(url, headers=actor.headers | {"If-Match": f'"{version}"'},
                        json={"payout_currency": currency})


def test_the_payment_received_entry_is_found_by_licence_id(client, world):
    """Defect 7: nothing tied `payment.received` to its licence."""
    first = _bought_and_paid(client, world, [world.master])
    second = _bought_and_paid(client, world, [world.song])
    for reader in (world.brand, world.pub_a, world.label, world.operator):
        r = _entries(client, reader, license_id=first["id"])
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert [e["kind"] for e in items] == ["license.charge", "payment.received"], reader
        assert {e["license_id"] for e in items} == {first["id"]}
        assert items[1]["subject_id"] == first["payment"]["id"]
    # Second licence: the label was not paid on it, nor anyone else's business but its parties'.
    for outsider in (world.bystander, world.label):
        r = _entries(client, outsider, license_id=second["id"])
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert _entries(client, world.bystander, license_id="lic_nonexistent").status_code == 403
    assert _entries(client, world.operator, license_id="lic_nonexistent").json()["total"] == 0


def test_a_party_sets_its_payout_currency_and_only_it_and_the_operator_see_it(client, world):
    assert _choose_payout(client, world.pub_a, "usd").json()["payout_currency"] == "USD"
    own = client.get(f"/api/v1/parties/{world.pub_a.party_id}", headers=world.pub_a.headers)
    assert own.json()["payout_currency"] == "USD"
    seen_by_operator = client.get(f"/api/v1/parties/{world.pub_a.party_id}",
                                  headers=world.operator.headers)
    assert seen_by_operator.json()["payout_currency"] == "USD"
    assert client.get(f"/api/v1/parties/{world.pub_a.party_id}").json()["payout_currency"] is None
    for bad in ("XAU", "ABC", "US"):
        r = _choose_payout(client, world.pub_a, bad)
        assert r.status_code == 422, (bad, r.text)
    url = f"/api/v1/parties/{world.pub_a.party_id}"
    version = own.json()["version"]
    other = client.patch(url, headers=world.brand.headers | {"If-Match": f'"{version}"'},
                         json={"payout_currency": "EUR"})
    assert other.status_code == 403
    assert _choose_payout(client, world.pub_a, None).json()["payout_currency"] is None


def test_a_holder_paid_in_usd_on_a_cny_licence_gets_the_converted_amount_at_the_recorded_rate(
    client, world, sessions  # noqa: ANN001
):
    """Licence in CNY, holder A chose USD: at payment its net is converted at the day's rate,
    the rate is on the entry, each currency still balances, and its statement shows both."""
    assert _choose_payout(client, world.pub_a, "USD").status_code == 200
    rate = {"base": "USD", "quote": "CNY", "rate": "7.25", "effective": utcnow().date().isoformat(),
            "source": RATE_SOURCE}
    assert client.post("/api/v1/exchange-rates", headers=world.operator.headers,
                       json=rate).status_code == 201
    lic = _bought_and_paid(client, world, [world.master])
    assert lic["total"]["currency"] == "CNY"
    net_cny = sum(x["holder_net"]["minor"] for x in lic["lines"]
                  if x["holder_id"] == world.pub_a.party_id)
    expected_usd = round_half_even(Decimal(net_cny) / Decimal("7.25"))  # both have 2 decimals

    entries = _entries(client, world.pub_a, license_id=lic["id"]).json()["items"]
    assert [e["kind"] for e in entries] == ["license.charge", "payment.received", "fx.conversion"]
    fx = entries[2]
    assert fx["fx"] == {"base": "USD", "quote": "CNY", "rate": "7.25",
                        "effective": rate["effective"], "source": RATE_SOURCE}
    earnings = f"holder:{world.pub_a.party_id}:earnings"
    assert sorted((p["account"], p["amount"]["currency"], p["amount"]["minor"])
                  for p in fx["postings"]) == sorted([
        (earnings, "CNY", net_cny), ("clearing:fx", "CNY", -net_cny),
        ("clearing:fx", "USD", expected_usd), (earnings, "USD", -expected_usd)])

    balances = client.get("/api/v1/ledger/balances", headers=world.pub_a.headers).json()
    statement = {(b["account"], b["balance"]["currency"]): b["balance"]["minor"] for b in balances}
    assert statement == {(earnings, "CNY"): 0, (earnings, "USD"): expected_usd}
    # Holder B chose nothing and is paid in the licence currency as before.
    b_balances = client.get("/api/v1/ledger/balances", headers=world.pub_b.headers).json()
    assert [b["balance"]["currency"] for b in b_balances] == ["CNY"]
    with unit_of_work(sessions) as s:
        assert ledger_service.trial_balance(s) == {"CNY": 0, "USD": 0}


def test_without_a_rate_for_the_pair_the_holder_keeps_the_licence_currency(client, world):
    assert _choose_payout(client, world.pub_a, "JPY").status_code == 200
    lic = _bought_and_paid(client, world, [world.master])
    entries = _entries(client, world.pub_a, license_id=lic["id"]).json()["items"]
    assert [e["kind"] for e in entries] == ["license.charge", "payment.received"]
    balances = client.get("/api/v1/ledger/balances", headers=world.pub_a.headers).json()
    assert [b["balance"]["currency"] for b in balances] == ["CNY"]


def test_a_reversed_conversion_stays_with_its_licence(client, world):
    assert _choose_payout(client, world.pub_a, "USD").status_code == 200
    lic = _bought_and_paid(client, world, [world.master])
    fx = _entries(client, world.operator, license_id=lic["id"]).json()["items"][-1]
    r = client.post(f"/api/v1/ledger/entries/{fx['id']}/reverse", headers=world.operator.headers,
                    json={"memo": "wrong rate"})
    assert r.status_code == 201 and r.json()["license_id"] == lic["id"]
    kinds = [e["kind"] for e in _entries(client, world.pub_a, license_id=lic["id"]).json()["items"]]
    assert kinds == ["license.charge", "payment.received", "fx.conversion", "reversal"]
