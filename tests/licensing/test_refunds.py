"""Revoking a paid licence: its sale is reversed and what the licensee paid is owed back to it,
when the operator says so or the reason implies it; nothing else moves."""

from __future__ import annotations

from tests.licensing.purchase_support import buy, make_market, make_quote, pay, use_of


def _balances(client, actor) -> dict[str, int]:  # noqa: ANN001
    r = client.get("/api/v1/ledger/balances", headers=actor.headers)
    assert r.status_code == 200, r.text
    return {b["account"]: b["balance"]["minor"] for b in r.json()}


def _paid_licence(client, sessions):  # noqa: ANN001, ANN202
    m = make_market(sessions)
    lic = buy(client, m.licensee, make_quote(sessions, m.licensee, use=use_of(m.work_id))).json()
    assert pay(client, m.operator, lic).status_code == 200
    return m, lic


def _revoke(client, m, lic, **body):  # noqa: ANN001, ANN003, ANN202
    url = f"/api/v1/licenses/{lic['id']}"
    version = client.get(url, headers=m.operator.headers).json()["version"]
    return client.post(f"{url}/revoke", json={"version": version, **body},
                       headers=m.operator.headers)


def test_revoked_in_error_refunds_the_licensee_and_takes_back_earnings_and_fees(
    client, sessions,  # noqa: ANN001
) -> None:
    m, lic = _paid_licence(client, sessions)
    r = _revoke(client, m, lic, reason_code="error")
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    # Paid 1,050.00: the holders' 540.00 + 360.00 and the 150.00 fees are reversed, the cash
    # stays until the refund is sent, and the licensee is owed all of it back.
    assert _balances(client, m.operator) == {
        "clearing:cash": 105_000,
        f"holder:{m.publisher.party_id}:earnings": 0,
        f"holder:{m.writer.party_id}:earnings": 0,
        f"licensee:{m.licensee.party_id}:payable": 0,
        f"licensee:{m.licensee.party_id}:refunds_due": 105_000,
        "operator:fees": 0,
    }
    assert _balances(client, m.licensee) == {
        f"licensee:{m.licensee.party_id}:payable": 0,
        f"licensee:{m.licensee.party_id}:refunds_due": 105_000,
    }
    entries = client.get("/api/v1/ledger/entries", headers=m.operator.headers,
                         params={"license_id": lic["id"]}).json()["items"]
    kinds = sorted(e["kind"] for e in entries)
    assert kinds == ["license.charge", "payment.received", "refund.due", "reversal"]
    for entry in entries:
        assert sum(p["amount"]["minor"] for p in entry["postings"]) == 0


def test_fraud_is_not_refunded_by_default(client, sessions) -> None:  # noqa: ANN001
    m, lic = _paid_licence(client, sessions)
    before = _balances(client, m.operator)
    assert _revoke(client, m, lic, reason_code="fraud").status_code == 200
    assert _balances(client, m.operator) == before


def test_the_operator_may_refund_what_the_reason_would_not(client, sessions) -> None:  # noqa: ANN001
    m, lic = _paid_licence(client, sessions)
    assert _revoke(client, m, lic, reason_code="fraud", refund=True).status_code == 200
    assert _balances(client, m.licensee)[f"licensee:{m.licensee.party_id}:refunds_due"] == 105_000


def test_the_operator_may_keep_a_refund_the_reason_would_give(client, sessions) -> None:  # noqa: ANN001
    m, lic = _paid_licence(client, sessions)
    before = _balances(client, m.operator)
    assert _revoke(client, m, lic, reason_code="owner_request", refund=False).status_code == 200
    assert _balances(client, m.operator) == before


def test_revoking_an_unpaid_licence_cancels_its_payment_and_refunds_nothing(
    client, sessions,  # noqa: ANN001
) -> None:
    m = make_market(sessions)
    lic = buy(client, m.licensee, make_quote(sessions, m.licensee, use=use_of(m.work_id))).json()
    r = _revoke(client, m, lic, reason_code="error")
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    assert _balances(client, m.operator) == {}


def test_only_the_operator_revokes_and_refund_must_be_a_boolean(client, sessions) -> None:  # noqa: ANN001
    m, lic = _paid_licence(client, sessions)
    url = f"/api/v1/licenses/{lic['id']}/revoke"
    version = client.get(f"/api/v1/licenses/{lic['id']}", headers=m.operator.headers).json()["version"]
    denied = client.post(url, json={"reason_code": "error", "refund": True, "version": version},
                         headers=m.licensee.headers)
    assert denied.status_code == 403
    bad = client.post(url, json={"reason_code": "error", "refund": "lots", "version": version},
                      headers=m.operator.headers)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "refund"
    assert client.get(f"/api/v1/licenses/{lic['id']}",
                      headers=m.operator.headers).json()["status"] == "active"


def test_cli_revoke_with_refund(cli, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    bought = cli.json("license", "buy", quote_id, "--as", m.licensee.party_id)
    cli.json("license", "mark-paid", bought["payment"]["id"], "--reference", "BANK-9")
    revoked = cli.json("license", "revoke", bought["id"], "--reason", "fraud", "--refund")
    assert revoked["status"] == "revoked"
    balances = {b["account"]: b["balance"]["minor"] for b in cli.json("ledger", "balances")}
    assert balances[f"licensee:{m.licensee.party_id}:refunds_due"] == 105_000
    assert balances["operator:fees"] == 0
