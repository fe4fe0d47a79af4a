"""Disputes to each outcome, with a monetised upload's earnings held in escrow while one is open
and released once to whoever wins; the ledger balances throughout. The owner never decides an
escalated dispute; nobody outside the claim sees it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from clearinghouse.access.domain import Role
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.enforcement import disputes
from clearinghouse.ledger import domain as ledger
from tests.enforcement.world import CLAIMS, POLICIES, World, balanced, identify, make_world, raw
from tests.support.factories import make_actor


def _monetised(client: Any, sessions: Any) -> tuple[World, str]:
    w = make_world(sessions)
    assert client.put(POLICIES, json={"work_id": w.m.work_id, "policy": "monetise"},
                      headers=w.m.publisher.headers).status_code == 200
    return w, str(identify(sessions, w).claim_id)


def _earn(client: Any, w: World, claim_id: str, amount: str) -> str:
    r = client.post(f"{CLAIMS}/{claim_id}/earnings", json={"amount": amount, "currency": "CNY"},
                    headers=w.platform.headers)
    assert r.status_code == 201, r.text
    return r.json()["destination"]


def _dispute(client: Any, w: World, claim_id: str) -> None:
    r = client.post(f"{CLAIMS}/{claim_id}/dispute", json={
        "reason": "fair_use", "evidence": "评论性使用，仅 5 秒 / commentary, 5 seconds"},
        headers=w.uploader.headers)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "awaiting_owner"


def _post(client: Any, who: Any, claim_id: str, step: str, body: dict) -> Any:
    return client.post(f"{CLAIMS}/{claim_id}/dispute/{step}", json=body, headers=who.headers)


def _escrowed(client: Any, w: World, claim_id: str) -> str:
    """12.00 earned before the dispute (the owner's), 30.00 while it is open (held)."""
    assert _earn(client, w, claim_id, "12.00") == "owner"
    _dispute(client, w, claim_id)
    assert _earn(client, w, claim_id, "30.00") == "escrow"
    return claim_id


def _owner_earnings(sessions: Any, w: World) -> int:
    return -raw(sessions, ledger.holder_earnings(w.m.publisher.party_id))


def _uploader_earnings(sessions: Any, w: World) -> int:
    return -raw(sessions, ledger.uploader_earnings(w.uploader.party_id))


def test_owner_releases_and_the_escrow_goes_to_the_uploader(client, sessions):  # noqa: ANN001
    w, claim_id = _monetised(client, sessions)
    _escrowed(client, w, claim_id)
    assert -raw(sessions, ledger.claim_escrow(claim_id)) == 3000
    released = _post(client, w.m.publisher, claim_id, "answer", {"decision": "release"})
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "released"
    assert (_owner_earnings(sessions, w), _uploader_earnings(sessions, w)) == (1200, 3000)
    assert raw(sessions, ledger.claim_escrow(claim_id)) == 0 and balanced(sessions)
    detail = client.get(f"{CLAIMS}/{claim_id}", headers=w.uploader.headers).json()
    assert detail["claim"]["status"] == "released" and detail["escrow_held"] == {}
    # Released twice? No: the step is refused and nothing moves again.
    assert _post(client, w.m.publisher, claim_id, "answer",
                 {"decision": "release"}).status_code == 409
    assert _uploader_earnings(sessions, w) == 3000
    # The upload's earnings are no longer the owner's to take.
    late = client.post(f"{CLAIMS}/{claim_id}/earnings", json={"amount": "1", "currency": "CNY"},
                       headers=w.platform.headers)
    assert late.status_code == 409


@pytest.mark.parametrize("winner", ["uploader", "owner"])
def test_upheld_then_escalated_the_operator_decides_and_the_owner_cannot(
        client, sessions, winner):  # noqa: ANN001
    w, claim_id = _monetised(client, sessions)
    _escrowed(client, w, claim_id)
    assert _post(client, w.m.publisher, claim_id, "answer",
                 {"decision": "uphold"}).status_code == 422  # say why
    upheld = _post(client, w.m.publisher, claim_id, "answer",
                   {"decision": "uphold", "note": "整首歌的副歌 / the whole chorus"})
    assert upheld.json()["status"] == "upheld"
    assert _earn(client, w, claim_id, "8.00") == "escrow"  # still held: it may be escalated
    assert _post(client, w.m.publisher, claim_id, "escalate", {}).status_code == 403
    escalated = _post(client, w.uploader, claim_id, "escalate", {"note": "please review"})
    assert escalated.json()["status"] == "escalated"
    for not_the_operator in (w.m.publisher, w.uploader, w.platform):
        refused = _post(client, not_the_operator, claim_id, "decide",
                        {"winner": "owner", "note": "mine"})
        assert refused.status_code == 403
    decided = _post(client, w.m.operator, claim_id, "decide",
                    {"winner": winner, "note": "reviewed the evidence"})
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == f"decided_for_{winner}"
    claim = client.get(f"{CLAIMS}/{claim_id}", headers=w.m.publisher.headers).json()
    assert claim["claim"]["status"] == ("released" if winner == "uploader" else "upheld")
    held = 3000 + 800
    expected = (1200, held) if winner == "uploader" else (1200 + held, 0)
    assert (_owner_earnings(sessions, w), _uploader_earnings(sessions, w)) == expected
    assert raw(sessions, ledger.claim_escrow(claim_id)) == 0 and balanced(sessions)
    events = [e["event"] for e in claim["history"]]
    assert events[:3] == ["claimed", "earnings_owner", "disputed"]
    assert f"escrow_to_{winner}" in events and [e["side"] for e in claim["history"]].count(
        "operator") == 1


def test_an_unanswered_dispute_lapses_in_the_uploaders_favour(client, sessions, settings):  # noqa: ANN001
    w, claim_id = _monetised(client, sessions)
    _escrowed(client, w, claim_id)
    with unit_of_work(sessions) as s:  # nothing is due yet
        assert disputes.lapse_due_disputes(s, utcnow()) == []
    later = utcnow() + timedelta(days=settings.dispute_answer_days, seconds=1)
    with unit_of_work(sessions) as s:
        assert disputes.lapse_due_disputes(s, later) == [claim_id]
    claim = client.get(f"{CLAIMS}/{claim_id}", headers=w.m.publisher.headers).json()
    assert (claim["claim"]["status"], claim["dispute"]["status"]) == ("lapsed", "lapsed")
    assert _uploader_earnings(sessions, w) == 3000 and balanced(sessions)
    with unit_of_work(sessions) as s:  # the job again: nothing twice
        assert disputes.lapse_due_disputes(s, later) == []
    assert _uploader_earnings(sessions, w) == 3000


def test_only_the_two_sides_and_the_operator_see_a_claim(client, sessions):  # noqa: ANN001
    w, claim_id = _monetised(client, sessions)
    other_owner = make_actor(sessions, "别的公司 Other Records", Role.OWNER)
    other_platform = make_actor(sessions, "快手 Kuaishou", Role.PLATFORM)
    where = f"{CLAIMS}/{claim_id}"
    for outsider in (other_owner, other_platform, w.m.licensee):
        assert client.get(where, headers=outsider.headers).status_code == 404
        assert client.post(f"{where}/dispute", json={"reason": "own_work", "evidence": "x"},
                           headers=outsider.headers).status_code == 404
        assert client.get(CLAIMS, headers=outsider.headers).json()["items"] == []
    for side in (w.m.publisher, w.m.writer, w.uploader, w.platform, w.m.operator):
        assert client.get(where, headers=side.headers).status_code == 200
    # The owner's side does not dispute; the uploader's side does not answer or withdraw.
    assert client.post(f"{where}/dispute", json={"reason": "own_work", "evidence": "x"},
                       headers=w.m.publisher.headers).status_code == 403
    _dispute(client, w, claim_id)
    assert _post(client, w.uploader, claim_id, "answer", {"decision": "release"}).status_code == 403
    assert client.post(f"{where}/withdraw", json={}, headers=w.uploader.headers).status_code == 403
    # A co-holder that does not manage the work reads the claim but does not answer for it.
    assert _post(client, w.m.writer, claim_id, "answer", {"decision": "release"}).status_code == 403
    # Only the claim's own platform reports its earnings.
    assert client.post(f"{where}/earnings", json={"amount": "1.00", "currency": "CNY"},
                       headers=w.uploader.headers).status_code == 403
    assert client.post(f"{where}/earnings", json={"amount": 1.5, "currency": "CNY"},
                       headers=w.platform.headers).status_code == 422  # never a float
    listed = client.get("/api/v1/disputes", params={"status": "awaiting_owner"},
                        headers=w.m.publisher.headers).json()
    assert [d["claim_id"] for d in listed["items"]] == [claim_id]
    assert client.get("/api/v1/disputes", headers=other_owner.headers).json()["items"] == []
    withdrawn = client.post(f"{where}/withdraw", json={"note": "our mistake"},
                            headers=w.m.publisher.headers)
    assert withdrawn.json()["status"] == "withdrawn"
    detail = client.get(where, headers=w.uploader.headers).json()
    assert detail["dispute"]["status"] == "closed"
