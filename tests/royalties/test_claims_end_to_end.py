"""From an unknown ISRC to the owner's statement, through the API: 一条 reports plays of an ISRC
no work has, the run leaves them unmatched, the publisher finds and claims them with evidence,
the operator accepts, the period runs again and the lines are matched, rated and paid."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.db import unit_of_work
from clearinghouse.ledger.tables import LedgerEntry
from clearinghouse.licensing.licenses.tables import LicenseLine
from clearinghouse.royalties.tables import RoyaltyRun
from tests.royalties.scene import PERIOD, Scene, build
from tests.usage.support import landed, post_report

UNKNOWN_ISRC = "CNA019900009"


def _priced(sessions: sessionmaker[Session], scene: Scene) -> None:
    """Running royalties: 50.00 CNY per 1,000 plays to the publisher, 33.33 to the writer."""
    with unit_of_work(sessions) as s:
        for ln in s.scalars(select(LicenseLine).where(
                LicenseLine.license_id == scene.licence["id"])):
            ln.per_1000_plays_minor = 5_000 if ln.holder_id == scene.market.publisher.party_id \
                else 3_333


def _run(client: Any, scene: Scene) -> dict[str, Any]:
    operator = scene.market.operator
    started = client.post(f"/api/v1/royalties/periods/{PERIOD}/run", headers=operator.headers)
    assert started.status_code == 202, started.text
    client.app.state.jobs.wait_idle(timeout=120)
    job = client.get(started.headers["Location"], headers=operator.headers).json()
    assert job["status"] == "succeeded", job
    run = client.get(f"/api/v1/royalties/runs/{job['result']['run_id']}", headers=operator.headers)
    return dict(run.json())


def _statement(client: Any, actor: Any) -> list[tuple[int, int]]:
    lines = client.get("/api/v1/statements", headers=actor.headers, params={"period": PERIOD})
    assert lines.status_code == 200, lines.text
    return [(ln["plays"], ln["earned_minor"]) for ln in lines.json()]


def _balanced(sessions: sessionmaker[Session], run_id: str) -> dict[tuple[str, str], int]:
    """Every entry of the run sums to zero per currency; returns the net per account."""
    net: dict[tuple[str, str], int] = defaultdict(int)
    with unit_of_work(sessions) as s:
        for entry in s.scalars(select(LedgerEntry).where(LedgerEntry.subject_id == run_id)):
            per_currency: dict[str, int] = defaultdict(int)
            for p in entry.postings:
                per_currency[p.currency] += p.amount_minor
                net[(p.account.code, p.currency)] += p.amount_minor
            assert set(per_currency.values()) == {0}, entry.id
    return net


def test_an_unknown_isrc_claimed_and_accepted_is_matched_and_paid_on_the_next_run(
        client: Any, sessions: sessionmaker[Session]) -> None:
    scene = build(client, sessions)
    _priced(sessions, scene)
    m = scene.market
    body = (f"date,isrc,license_id,territory,channel,plays\n"
            f"{PERIOD}-15,,{scene.licence['id']},CN,douyin,1000\n"
            f"{PERIOD}-15,{UNKNOWN_ISRC},,CN,douyin,2000\n").encode()
    report = landed(client, m.licensee, post_report(client, m.licensee, body, period=PERIOD))
    assert report["status"] == "landed", report

    first = _run(client, scene)
    assert (first["counts"]["lines"], first["counts"]["unmatched"]) == (2, 1)
    assert _statement(client, m.publisher) == [(1000, 5_000)]

    # The publisher finds the item: what a claim needs, nothing of the reporter's.
    search = client.get("/api/v1/unmatched-usage", headers=m.publisher.headers,
                        params={"q": "cna0199", "period": PERIOD})
    assert search.status_code == 200, search.text
    assert search.json()["items"] == [{
        "period": PERIOD, "reason": "unknown_identifier", "identifier": f"isrc:{UNKNOWN_ISRC}",
        "title": None, "plays": 2000, "revenue_minor": None, "currency": None}]
    assert client.get("/api/v1/unmatched-usage", headers=m.licensee.headers).status_code == 403

    claim = {"period": PERIOD, "reason": "unknown_identifier",
             "identifier": f"isrc:{UNKNOWN_ISRC}", "work_id": m.work_id,
             "evidence": "Our label assigned this ISRC to 月光 Moonlight; registration attached.",
             "evidence_file": "https://example.org/isrc-registration.pdf"}
    stranger = client.post("/api/v1/usage-claims", headers=scene.stranger.headers, json=claim)
    assert stranger.status_code == 403, stranger.text  # a licensee claims nothing
    created = client.post("/api/v1/usage-claims", headers=m.publisher.headers, json=claim)
    assert created.status_code == 201, created.text
    claim_id = created.json()["id"]
    assert created.json()["status"] == "pending"
    assert created.json()["alias"] == f"isrc:{UNKNOWN_ISRC}"
    again = client.post("/api/v1/usage-claims", headers=m.publisher.headers, json=claim)
    assert again.status_code == 409
    assert again.json()["error"]["details"] == {"existing_claim_id": claim_id}
    too_long = client.post("/api/v1/usage-claims", headers=m.publisher.headers,
                           json=claim | {"evidence": "x" * 4001})
    assert too_long.status_code == 422

    # Another owner neither sees it nor finds it in its list.
    assert client.get(f"/api/v1/usage-claims/{claim_id}", headers=m.writer.headers).status_code == 404
    assert client.get("/api/v1/usage-claims", headers=m.writer.headers).json()["items"] == []
    decide_url = f"/api/v1/usage-claims/{claim_id}/decision"
    for not_operator in (m.publisher, m.licensee, scene.douyin, m.writer):
        refused = client.post(decide_url, headers=not_operator.headers, json={"decision": "accept"})
        assert refused.status_code in (403, 404), refused.text
        assert refused.json()["error"]["code"] in ("forbidden", "not_found")
    queue = client.get("/api/v1/usage-claims", headers=m.operator.headers,
                       params={"status": "pending"}).json()
    assert [c["id"] for c in queue["items"]] == [claim_id]

    accepted = client.post(decide_url, headers=m.operator.headers,
                           json={"decision": "accept", "note": "registration checked"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["claim"]["status"] == "accepted"
    assert (accepted.json()["rerun_needed"], accepted.json()["period_closed"]) == (True, False)

    # Accepting started the open period's run: nobody runs it by hand.
    client.app.state.jobs.wait_idle(timeout=120)
    job = client.get(f"/api/v1/jobs/{accepted.json()['rerun_job_id']}",
                     headers=m.operator.headers).json()
    assert job["status"] == "succeeded", job
    second = client.get(f"/api/v1/royalties/runs/{job['result']['run_id']}",
                        headers=m.operator.headers).json()  # it reverses the first run
    assert (second["counts"]["lines"], second["counts"]["unmatched"]) == (2, 0)
    # 3,000 plays × 50.00 / 1,000 = 150.00 CNY; the writer's 3,000 × 33.33 / 1,000 = 99.99.
    assert _statement(client, m.publisher) == [(3000, 15_000)]
    assert _statement(client, m.writer) == [(3000, 9_999)]
    assert set(_balanced(sessions, first["id"]).values()) <= {0}  # reversed to nothing
    assert any(_balanced(sessions, second["id"]).values())
    with unit_of_work(sessions) as s:
        assert s.get(RoyaltyRun, first["id"]).status == "superseded"  # type: ignore[union-attr]
    left = client.get("/api/v1/unmatched-usage", headers=m.publisher.headers,
                      params={"period": PERIOD})
    assert left.json()["total"] == 0
