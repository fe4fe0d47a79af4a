"""Reconciling a bank statement through the API and the CLI (`license payments | reconcile`): the
same service as the web page; real HTTP, real CLI, real database (SQLite, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from clearinghouse.core.money import Money
from tests.licensing.purchase_support import buy, make_market, make_quote, use_of


def test_cli_shows_what_a_statement_pays_then_confirms_it_once(cli, sessions, tmp_path: Path) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    bought = cli.json("license", "buy", quote_id, "--as", m.licensee.party_id)
    payment = bought["payment"]
    assert [p["reference"] for p in cli.json("license", "payments")] == [payment["reference"]]
    amount = Money(payment["amount"]["currency"], payment["amount"]["minor"]).to_decimal()
    statement = tmp_path / "statement.csv"
    statement.write_text(f"Date,Amount,Currency,Remark,Payer\n"
                         f"2026-11-02,{amount},{payment['amount']['currency']},ref {payment['reference']},Buyer\n",
                         encoding="utf-8")

    preview = cli.json("license", "reconcile", str(statement))
    assert [r["result"] for r in preview["rows"]] == ["matched"] and not preview["confirmed"]
    assert cli.json("license", "show", bought["id"])["status"] == "pending_payment"

    confirmed = cli.json("license", "reconcile", str(statement), "--confirm")
    assert confirmed["rows"][0]["license"] == bought["id"]
    assert cli.json("license", "show", bought["id"])["status"] == "active"
    assert cli.json("license", "payments") == []
    again = cli.json("license", "reconcile", str(statement), "--confirm")
    assert [r["result"] for r in again["rows"]] == ["already_paid"]

    statement.write_text("Date,Amount,Currency,Remark\n2026-11-02,1.2.3,CNY,x\n", encoding="utf-8")
    refused = cli("license", "reconcile", str(statement), "--confirm")
    assert refused.exit_code == 4 and "line 2" in refused.output


def _statement_for(payment: dict, extra_minor: int = 0) -> bytes:  # type: ignore[type-arg]
    amount = Money(payment["amount"]["currency"], payment["amount"]["minor"] + extra_minor).to_decimal()
    return (f"date,amount,currency,remark,payer\n"
            f"2026-11-02,{amount},{payment['amount']['currency']},{payment['reference']},Buyer\n").encode()


def test_api_previews_then_confirms_and_a_second_confirm_pays_nothing_twice(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    bought = buy(client, m.licensee, make_quote(sessions, m.licensee, use=use_of(m.work_id))).json()
    payment, csv = bought["payment"], {"Content-Type": "text/csv"}
    waiting = client.get("/api/v1/payments", headers=m.operator.headers)
    assert waiting.status_code == 200 and [p["id"] for p in waiting.json()] == [payment["id"]]

    wrong = client.post("/api/v1/payments/reconcile", params={"confirm": "true"},
                        content=_statement_for(payment, extra_minor=-1), headers=m.operator.headers | csv)
    assert wrong.status_code == 200 and wrong.json()["rows"][0]["result"] == "amount_mismatch"
    preview = client.post("/api/v1/payments/reconcile", content=_statement_for(payment),
                          headers=m.operator.headers | csv)
    assert preview.json()["matched"] == 1 and preview.json()["confirmed"] is False
    assert client.get(f"/api/v1/payments/{payment['id']}", headers=m.operator.headers).json()["status"] == "pending"

    done = client.post("/api/v1/payments/reconcile", params={"confirm": "true"},
                       content=_statement_for(payment), headers=m.operator.headers | csv)
    assert done.status_code == 200 and done.json()["rows"][0]["license_id"] == bought["id"]
    paid = client.get(f"/api/v1/payments/{payment['id']}", headers=m.operator.headers).json()
    assert paid["status"] == "paid" and paid["provider_reference"].startswith("statement 2026-11-02 line 2")
    entries = client.get("/api/v1/ledger/entries", headers=m.operator.headers,
                         params={"license_id": bought["id"]}).json()["total"]
    again = client.post("/api/v1/payments/reconcile", params={"confirm": "true"},
                        content=_statement_for(payment), headers=m.operator.headers | csv)
    assert again.json()["matched"] == 0 and again.json()["rows"][0]["result"] == "already_paid"
    assert client.get("/api/v1/ledger/entries", headers=m.operator.headers,
                      params={"license_id": bought["id"]}).json()["total"] == entries

    bad = client.post("/api/v1/payments/reconcile", content=b"date,amount\n2026-11-02,1\n",
                      headers=m.operator.headers | csv)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_failed"
    refused = client.post("/api/v1/payments/reconcile", content=_statement_for(payment),
                          headers=m.licensee.headers | csv)
    assert refused.status_code == 403
