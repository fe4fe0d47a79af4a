"""Payouts marked sent: posting a period's payouts records each as due; the operator marks one
sent (reference, day) once, through the API or the CLI, which posts the transfer to the ledger;
a second time is a 409 that changes nothing; only the operator may."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.db import unit_of_work
from clearinghouse.ledger.domain import CLEARING_CASH, holder_payable_out
from clearinghouse.ledger.service import raw_balance
from clearinghouse.ledger.tables import LedgerEntry
from tests.royalties.rated import JUNE, rated_june

URL = "/api/v1/payouts"


def _posted(client: Any, operator: Any) -> list[dict[str, Any]]:
    assert client.post(URL, headers=operator.headers, params={"period": JUNE}).status_code == 200
    page = client.get(f"{URL}/posted", headers=operator.headers, params={"period": JUNE})
    assert page.status_code == 200, page.text
    return list(page.json()["items"])


def test_the_operator_marks_a_payout_sent_once_and_the_ledger_pays_it(
        client: Any, sessions: sessionmaker[Session]) -> None:
    m = rated_june(client, sessions).market
    posted = _posted(client, m.operator)
    writer = next(p for p in posted if p["party_id"] == m.writer.party_id)
    # 360.00 from the licence's sale + 449.98 of June's royalties (tests/royalties/test_runs.py).
    assert (writer["status"], writer["currency"], writer["amount_minor"]) == ("due", "CNY", 80_998)

    sent_url = f"{URL}/{writer['id']}/sent"
    body = {"reference": "BOC-2026-07-001", "sent_on": "2026-07-02"}
    assert client.post(sent_url, headers=m.writer.headers, json=body).status_code == 403
    assert client.post(sent_url, headers=m.licensee.headers, json=body).status_code == 403
    blank = client.post(sent_url, headers=m.operator.headers, json=body | {"reference": "  "})
    assert blank.status_code == 422 and blank.json()["error"]["code"] == "validation_failed"
    future = client.post(sent_url, headers=m.operator.headers, json=body | {"sent_on": "2999-01-01"})
    assert future.status_code == 422, future.text

    with unit_of_work(sessions) as s:
        cash_before = raw_balance(s, CLEARING_CASH, "CNY")
    sent = client.post(sent_url, headers=m.operator.headers, json=body)
    assert sent.status_code == 200, sent.text
    out = sent.json()
    assert (out["status"], out["sent_reference"], out["sent_on"]) == ("sent", "BOC-2026-07-001",
                                                                      "2026-07-02")
    assert out["amount_minor"] == 80_998 and out["sent_entry_id"]

    again = client.post(sent_url, headers=m.operator.headers,
                        json={"reference": "another", "sent_on": "2026-07-03"})
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "conflict"
    still = client.get(f"{URL}/posted", headers=m.writer.headers).json()["items"]
    assert [(p["id"], p["sent_reference"], p["sent_on"]) for p in still] == [
        (writer["id"], "BOC-2026-07-001", "2026-07-02")]  # the holder sees its own only
    with unit_of_work(sessions) as s:
        kinds = s.scalars(select(LedgerEntry.kind).where(LedgerEntry.subject_id == writer["id"]))
        assert list(kinds) == ["payout.sent"]  # posted once, not twice
        assert raw_balance(s, holder_payable_out(m.writer.party_id), "CNY") == 0
        assert raw_balance(s, CLEARING_CASH, "CNY") == cash_before - 80_998  # the transfer left
    assert client.post(f"{URL}/pyo_nothing/sent", headers=m.operator.headers,
                       json=body).status_code == 404


def test_payouts_mark_sent_from_the_command_line(
        client: Any, sessions: sessionmaker[Session], cli: Any) -> None:
    m = rated_june(client, sessions).market
    writer = next(p for p in _posted(client, m.operator) if p["party_id"] == m.writer.party_id)
    listed = cli.json("payouts", "list", "--status", "due")
    assert writer["id"] in [p["id"] for p in listed]
    done = cli("payouts", "mark-sent", writer["id"], "--reference", "ICBC 778", "--on",
               "2026-07-05", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["status"] == "sent"
    twice = cli("payouts", "mark-sent", writer["id"], "--reference", "ICBC 779")
    assert twice.exit_code != 0 and "already marked sent" in twice.output
    shown = cli.json("payouts", JUNE)  # `payouts PERIOD` still shows the decision
    assert shown == []  # all paid out by the posting above
