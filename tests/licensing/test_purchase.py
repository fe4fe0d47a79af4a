"""Buying a quote: the worked example to the cent, idempotency, bad input, payment and lifecycle."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.tables import AuditEvent
from tests.licensing.purchase_support import (
    add_unpriced_recording,
    buy,
    counts,
    make_market,
    make_quote,
    pay,
    use_of,
)


def _balances(client, actor, **params) -> dict[str, int]:  # noqa: ANN001
    r = client.get("/api/v1/ledger/balances", headers=actor.headers, params=params)
    assert r.status_code == 200, r.text
    return {b["account"]: b["balance"]["minor"] for b in r.json()}


def test_worked_example_totals_fees_payment_and_ledger(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    r = buy(client, m.licensee, quote_id)
    assert r.status_code == 201, r.text
    lic = r.json()
    assert lic["id"].startswith("lic_") and r.headers["Location"] == f"/api/v1/licenses/{lic['id']}"
    assert lic["status"] == "pending_payment"
    # 600.00 + 400.00 = 1,000.00 subtotal; +5% licensee fee = 1,050.00; owner fees 10% = 100.00.
    assert lic["subtotal"] == {"currency": "CNY", "minor": 100_000, "display": "CN¥1,000.00"}
    assert lic["licensee_fee"]["minor"] == 5_000
    assert lic["owner_fee"]["minor"] == 10_000
    assert lic["total"]["minor"] == 105_000
    assert [
        (x["holder_id"], x["share"], x["price"]["minor"], x["holder_net"]["minor"])
        for x in lic["lines"]
    ] == [(m.publisher.party_id, "60", 60_000, 54_000), (m.writer.party_id, "40", 40_000, 36_000)]
    assert lic["valid_to"] is not None and lic["rights"] == ["synchronisation"]
    payment = lic["payment"]
    assert payment["status"] == "pending" and payment["amount"]["minor"] == 105_000
    assert payment["instructions"]["reference"] == payment["reference"]
    assert payment["reference"] in payment["instructions"]["zh"]
    assert _balances(client, m.operator) == {}  # nothing is booked before the money arrives

    # Only the operator marks a payment paid.
    denied = client.post(
        f"/api/v1/payments/{payment['id']}/mark-paid",
        json={"reference": "x"},
        headers=m.licensee.headers,
    )
    assert denied.status_code == 403
    paid = pay(client, m.operator, lic)
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    again = pay(client, m.operator, lic)
    assert again.status_code == 409 and "already paid" in again.json()["error"]["message"]

    now = client.get(f"/api/v1/licenses/{lic['id']}", headers=m.licensee.headers).json()
    assert now["status"] == "active" and now["activated_at"]
    everything = _balances(client, m.operator)
    assert everything == {
        "clearing:cash": 105_000,
        f"holder:{m.publisher.party_id}:earnings": 54_000,
        f"holder:{m.writer.party_id}:earnings": 36_000,
        f"licensee:{m.licensee.party_id}:payable": 0,  # charged 1,050.00 and paid it
        "operator:fees": 15_000,  # 50.00 licensee fee + 100.00 owner fees
    }
    # Each party sees only its own accounts; asking for another's is refused.
    assert _balances(client, m.publisher) == {f"holder:{m.publisher.party_id}:earnings": 54_000}
    assert (
        client.get(
            "/api/v1/ledger/balances",
            headers=m.writer.headers,
            params={"party_id": m.publisher.party_id},
        ).status_code
        == 403
    )
    entries = client.get("/api/v1/ledger/entries", headers=m.operator.headers).json()
    assert [e["kind"] for e in entries["items"]] == ["license.charge", "payment.received"]
    for entry in entries["items"]:
        assert sum(p["amount"]["minor"] for p in entry["postings"]) == 0
    assert client.get("/api/v1/ledger/entries", headers=m.writer.headers).json()["total"] == 1

    events = client.get(f"/api/v1/licenses/{lic['id']}/events", headers=m.licensee.headers).json()
    assert [(e["action"], e["from_status"], e["to_status"]) for e in events] == [
        ("purchase", None, "pending_payment"),
        ("activate", "pending_payment", "active"),
    ]
    with sessions() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == lic["id"])
        ).all()
    assert actions == ["license.purchase", "license.activate"]


def test_holders_see_licenses_that_pay_them_strangers_do_not(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = buy(
        client,
        m.licensee,
        make_quote(sessions, m.licensee, use=use_of(m.work_id)),
    ).json()
    assert client.get(f"/api/v1/licenses/{lic['id']}", headers=m.writer.headers).status_code == 200
    assert client.get("/api/v1/licenses", headers=m.writer.headers).json()["total"] == 1
    from clearinghouse.access.domain import Role
    from tests.support.factories import make_actor

    stranger = make_actor(sessions, "Stranger", Role.LICENSEE)
    assert client.get(f"/api/v1/licenses/{lic['id']}", headers=stranger.headers).status_code == 403
    assert client.get("/api/v1/licenses", headers=stranger.headers).json()["total"] == 0
    assert client.get(f"/api/v1/licenses/{lic['id']}").status_code == 401


def test_same_key_returns_the_same_license_and_a_different_body_conflicts(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    first = buy(client, m.licensee, quote_id, key="order-42")
    second = buy(client, m.licensee, quote_id, key="order-42")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["payment"]["id"] == second.json()["payment"]["id"]
    # The other endpoint with the same key and the same request is the same purchase.
    third = client.post(
        "/api/v1/licenses",
        json={"quote_id": quote_id},
        headers=m.licensee.headers | {"Idempotency-Key": "order-42"},
    )
    assert third.status_code == 200 and third.json()["id"] == first.json()["id"]
    changed = buy(client, m.licensee, quote_id, key="order-42", expected_total_minor=1)
    assert changed.status_code == 409 and "Idempotency-Key" in changed.json()["error"]["message"]
    other_key = buy(client, m.licensee, quote_id, key="order-43")
    assert (
        other_key.status_code == 409 and "already purchased" in other_key.json()["error"]["message"]
    )
    assert counts(sessions)["licenses"] == 1 and counts(sessions)["payments"] == 1


def test_concurrent_submissions_with_one_key_make_one_license(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda _: buy(client, m.licensee, quote_id, key="dup"), range(6)))
    assert sorted(r.status_code for r in responses) == [200] * 5 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert counts(sessions)["licenses"] == 1


def _assert_nothing_written(sessions, before) -> None:  # noqa: ANN001
    assert counts(sessions) == before


def test_bad_purchases_are_refused_clearly_and_write_nothing(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    before = counts(sessions)

    no_key = client.post(
        f"/api/v1/quotes/{make_quote(sessions, m.licensee, use=use_of(m.work_id))}/purchase",
        headers=m.licensee.headers,
    )
    assert (
        no_key.status_code == 422
        and no_key.json()["error"]["details"][0]["field"] == "Idempotency-Key"
    )

    expired = make_quote(
        sessions, m.licensee, use=use_of(m.work_id), expires_in=timedelta(seconds=-1)
    )
    r = buy(client, m.licensee, expired)
    assert r.status_code == 410 and "expired" in r.json()["error"]["message"]
    assert "new quote" in r.json()["error"]["message"]

    from clearinghouse.access.domain import Role
    from tests.support.factories import make_actor

    other = make_actor(sessions, "快手达人 Other creator", Role.LICENSEE)
    r = buy(client, other, make_quote(sessions, m.licensee, use=use_of(m.work_id)))
    assert r.status_code in (403, 404)  # never someone else's quote
    assert r.status_code == 403 or "not found" in r.json()["error"]["message"]

    price = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    r = buy(client, m.licensee, price, expected_total_minor=100_000)
    assert r.status_code == 409 and "price changed" in r.json()["error"]["message"]
    assert r.json()["error"]["details"]["total_minor"] == 105_000

    # A recording of the song whose label offers nothing: its master use is unclearable.
    partial = make_quote(
        sessions, m.licensee, use=use_of(add_unpriced_recording(sessions, m))
    )
    r = buy(client, m.licensee, partial)
    assert r.status_code == 409 and "accept_partial" in r.json()["error"]["message"]
    _assert_nothing_written(sessions, before)

    ok = buy(client, m.licensee, partial, accept_partial=True, expected_total_minor=105_000)
    assert ok.status_code == 201 and ok.json()["unclearable"][0]["right"] == "master_use"


def test_a_quote_whose_start_has_passed_cannot_be_bought(client, sessions) -> None:  # noqa: ANN001
    """No back-dated licenses: a quote made for a day that has passed since buys nothing."""
    m = make_market(sessions)
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
    stale = make_quote(  # quoted yesterday, for yesterday
        sessions, m.licensee, use=use_of(m.work_id, start=yesterday),
        made_at=utcnow() - timedelta(days=1),
    )
    before = counts(sessions)
    r = buy(client, m.licensee, stale)
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert f"starts on {yesterday}, which has passed" in error["message"]
    assert "new quote" in error["message"] and error["details"]["start"] == yesterday
    _assert_nothing_written(sessions, before)
    today = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    assert buy(client, m.licensee, today).json()["valid_from"] == utcnow().date().isoformat()


def test_changed_holdings_mean_quote_again(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    before = counts(sessions)
    from clearinghouse.registry import repository

    with unit_of_work(sessions) as s:  # the writer withdraws its holding after the quote
        holding = [
            h for h in repository.holdings_of_work(s, m.work_id) if h.holder_id == m.writer.party_id
        ][0]
        version = holding.version
        holding_id = holding.id
    r = client.post(
        f"/api/v1/holdings/{holding_id}/withdraw",
        headers=m.writer.headers | {"If-Match": f'"{version}"'},
    )
    assert r.status_code == 200, r.text
    r = buy(client, m.licensee, quote_id)
    assert r.status_code == 409
    assert r.json()["error"]["message"] == "holdings changed since the quote; quote again"
    assert r.json()["error"]["details"][0]["holder_id"] == m.writer.party_id
    _assert_nothing_written(sessions, before)


def test_a_new_co_holder_after_the_quote_means_quote_again(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    from tests.support.factories import make_holding

    make_holding(
        sessions,
        m.writer,
        m.work_id,
        rights=["synchronisation", "reproduce"],
        share="10",
        territories=["HK"],
    )
    r = buy(client, m.licensee, quote_id)
    assert r.status_code == 409 and "quote again" in r.json()["error"]["message"]


def test_lifecycle_suspend_reinstate_revoke_with_reasons_and_versions(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = buy(
        client,
        m.licensee,
        make_quote(sessions, m.licensee, use=use_of(m.work_id)),
    ).json()
    pay(client, m.operator, lic)
    url = f"/api/v1/licenses/{lic['id']}"
    current = client.get(url, headers=m.operator.headers)
    version = current.json()["version"]
    assert (
        client.post(
            f"{url}/suspend",
            json={"reason_code": "rights_dispute", "version": version},
            headers=m.licensee.headers,
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{url}/suspend", json={"version": version}, headers=m.operator.headers
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"{url}/suspend", json={"reason_code": "rights_dispute"}, headers=m.operator.headers
        ).status_code
        == 428
    )
    assert (
        client.post(
            f"{url}/suspend",
            json={"reason_code": "rights_dispute", "version": version - 1},
            headers=m.operator.headers,
        ).status_code
        == 412
    )
    s = client.post(
        f"{url}/suspend",
        json={"reason_code": "rights_dispute", "note": "ownership dispute 权属争议"},
        headers=m.operator.headers | {"If-Match": f'"{version}"'},
    )
    assert s.status_code == 200 and s.json()["status"] == "suspended"
    assert s.json()["status_reason"] == "ownership dispute 权属争议"
    assert (s.json()["status_reason_code"], s.json()["status_reason_label"]) == (
        "rights_dispute",
        "rights dispute",
    )
    r = client.post(
        f"{url}/reinstate", json={"version": s.json()["version"]}, headers=m.operator.headers
    )
    assert r.status_code == 200 and r.json()["status"] == "active"
    again = client.post(
        f"{url}/reinstate", json={"version": r.json()["version"]}, headers=m.operator.headers
    )
    assert again.status_code == 409
    v = client.post(
        f"{url}/revoke",
        json={"reason_code": "fraud", "version": r.json()["version"]},
        headers=m.operator.headers,
    )
    assert v.status_code == 200 and v.json()["status"] == "revoked"
    after = client.post(
        f"{url}/reinstate", json={"version": v.json()["version"]}, headers=m.operator.headers
    )
    assert after.status_code == 409
    events = client.get(f"{url}/events", headers=m.operator.headers).json()
    assert [e["action"] for e in events] == [
        "purchase",
        "activate",
        "suspend",
        "reinstate",
        "revoke",
    ]


def test_cancelled_payment_revokes_the_license_for_non_payment(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = buy(
        client,
        m.licensee,
        make_quote(sessions, m.licensee, use=use_of(m.work_id)),
    ).json()
    r = client.post(
        f"/api/v1/payments/{lic['payment']['id']}/cancel",
        json={"reason": "no transfer in 30 days"},
        headers=m.operator.headers,
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    now = client.get(f"/api/v1/licenses/{lic['id']}", headers=m.licensee.headers).json()
    assert (
        now["status"] == "revoked" and now["status_reason"] == "non-payment: no transfer in 30 days"
    )
    assert now["status_reason_code"] == "non_payment"
    assert pay(client, m.operator, lic).status_code == 409
    assert _balances(client, m.operator) == {}


def test_ledger_corrections_are_reversals_and_entries_cannot_be_edited(
    client, sessions, db_url
) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = buy(
        client,
        m.licensee,
        make_quote(sessions, m.licensee, use=use_of(m.work_id)),
    ).json()
    pay(client, m.operator, lic)
    charge = client.get("/api/v1/ledger/entries", headers=m.operator.headers).json()["items"][0]
    url = f"/api/v1/ledger/entries/{charge['id']}/reverse"
    assert client.post(url, headers=m.publisher.headers).status_code == 403
    r = client.post(url, json={"memo": "booked twice"}, headers=m.operator.headers)
    assert r.status_code == 201 and r.json()["reverses_id"] == charge["id"]
    assert client.post(url, headers=m.operator.headers).status_code == 409
    balances = _balances(client, m.operator)
    assert balances[f"holder:{m.publisher.party_id}:earnings"] == 0
    assert (
        balances[f"licensee:{m.licensee.party_id}:payable"] == -105_000
    )  # paid, no longer charged
    with pytest.raises(DBAPIError, match="append-only"), unit_of_work(sessions) as s:
        s.execute(text("UPDATE ledger_postings SET amount_minor = 0"))
    with pytest.raises(DBAPIError, match="append-only"), unit_of_work(sessions) as s:
        s.execute(text("DELETE FROM ledger_entries"))


def test_license_odrl_endpoint_round_trips(client, sessions) -> None:  # noqa: ANN001
    from clearinghouse.core.territories import expand
    from clearinghouse.licensing.policies import odrl_reader

    m = make_market(sessions)
    lic = buy(
        client,
        m.licensee,
        make_quote(
            sessions,
            m.licensee,
            use=use_of(m.work_id, territories=["GREATER_CHINA"], territories_excluded=["TW"]),
        ),
    ).json()
    r = client.get(f"/api/v1/licenses/{lic['id']}/odrl", headers=m.licensee.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    use, rights, compensation = odrl_reader.license_terms_from_odrl(r.json())
    assert use.work_ids == (m.work_id,) and use.start.isoformat() == lic["valid_from"]
    assert use.term_days == 365 and not use.exclusive and use.uses == 1
    assert expand(use.territories, use.territories_excluded) == {"CN", "HK", "MO"}
    assert [(x["holder_id"], x["right"]) for x in rights] == [
        (x["holder_id"], x["right"]) for x in lic["lines"]
    ]
    assert compensation is not None and compensation.total_minor == 105_000


def test_a_quote_from_the_quote_engine_buys_end_to_end(client, sessions) -> None:  # noqa: ANN001
    """The worked example as the engine priced it from the holders' offers and the fee schedule:
    the license keeps each line's offer."""
    from clearinghouse.licensing.quotes import service as quotes_service
    from tests.support.factories import principal

    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id, channels=["douyin"]))
    with sessions() as s:
        totals = quotes_service.get_quote(s, principal(s, m.licensee), quote_id).totals
    assert totals.total_minor == 105_000 and totals.owner_fee_minor == 10_000

    r = buy(client, m.licensee, quote_id, expected_total_minor=105_000)
    assert r.status_code == 201, r.text
    lic = r.json()
    assert [x["offer_id"] is not None for x in lic["lines"]] == [True, True]
    assert sorted(x["holder_net"]["minor"] for x in lic["lines"]) == [36_000, 54_000]
    pay(client, m.operator, lic)
    assert _balances(client, m.operator)["operator:fees"] == 15_000
    with sessions() as s:
        assert quotes_service.get_quote(s, principal(s, m.licensee), quote_id).status == "purchased"


def test_cli_buy_retry_mark_paid_show_and_balances(cli, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    buy_args = (
        "license",
        "buy",
        quote_id,
        "--as",
        m.licensee.party_id,
        "--idempotency-key",
        "cli-1",
    )
    bought = cli.json(*buy_args)
    assert bought["status"] == "pending_payment" and bought["total"]["minor"] == 105_000
    retried = cli(*buy_args, "--json")
    assert retried.exit_code == 0 and "already bought" in retried.output
    paid = cli.json("license", "mark-paid", bought["payment"]["id"], "--reference", "BANK-9")
    assert paid["status"] == "paid" and paid["provider_reference"] == "BANK-9"
    assert cli.json("license", "show", bought["id"])["status"] == "active"
    table = cli("license", "show", bought["id"])
    assert table.exit_code == 0 and "Starlight" in table.output
    balances = {b["account"]: b["balance"]["minor"] for b in cli.json("ledger", "balances")}
    assert balances["operator:fees"] == 15_000
    expired = make_quote(sessions, m.licensee, use=use_of(m.work_id),
        expires_in=timedelta(seconds=-1),
    )
    gone = cli("license", "buy", expired, "--as", m.licensee.party_id)
    assert gone.exit_code == 3 and "expired" in gone.output
    assert counts(sessions)["licenses"] == 1
