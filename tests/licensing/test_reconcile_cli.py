"""`clearinghouse license payments | reconcile`: the operator reconciles a bank statement from a
terminal, through the same service as the web page; real CLI, real database (SQLite, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from clearinghouse.core.money import Money
from tests.licensing.purchase_support import make_market, make_quote, use_of


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
