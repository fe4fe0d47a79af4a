"""Royalty runs computed by hand: the co-owned song of tests/royalties/scene.py, its publisher's
line priced at 50.00 CNY per 1,000 plays with a 1,000.00 CNY advance and a 3,000.00 CNY minimum
guarantee, its writer's at 33.33 CNY per 1,000 plays; two months of 一条's usage submitted through
the usage API, run, rerun, closed. Fees as seeded: 5% on the licensee, 10% from the holder."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict
from clearinghouse.ledger.tables import LedgerEntry
from clearinghouse.licensing.licenses import grants_repository
from clearinghouse.licensing.licenses.tables import License, LicenseLine
from clearinghouse.royalties import runs_repository, runs_service
from clearinghouse.royalties.tables import StatementLine
from clearinghouse.usage.lake import Lake
from tests.royalties.scene import Scene, build
from tests.usage.support import csv_report, landed, post_report

JUNE, JULY = "2026-06", "2026-07"
AMOUNTS = ("plays", "earned_minor", "recouped_minor", "payable_minor", "true_up_minor",
           "due_minor", "licensee_fee_minor", "owner_fee_minor", "holder_net_minor",
           "holder_payout_minor")


def _priced(sessions: sessionmaker[Session], scene: Scene) -> None:
    """The licence runs June and July (so its guarantee is trued up in July), with running terms."""
    m = scene.market
    with unit_of_work(sessions) as s:
        lic = s.get(License, scene.licence["id"])
        assert lic is not None
        lic.valid_from, lic.valid_to = date(2026, 6, 1), date(2026, 8, 1)
        grants_repository.set_period(s, lic.id, lic.valid_from, lic.valid_to)
        for line in s.scalars(select(LicenseLine).where(LicenseLine.license_id == lic.id)):
            if line.holder_id == m.publisher.party_id:
                line.per_1000_plays_minor, line.advance_minor = 5_000, 100_000
                line.minimum_guarantee_minor = 300_000
            else:
                line.per_1000_plays_minor = 3_333


def _report(client: Any, scene: Scene, period: str, *plays: int) -> None:
    day = f"{period}-15"
    rows = [f"{day},,{scene.licence['id']},CN,douyin,{n},," for n in plays]
    report = landed(client, scene.market.licensee,
                    post_report(client, scene.market.licensee, csv_report(*rows), period=period))
    assert report["status"] == "landed", report


def _lines(sessions: sessionmaker[Session], scene: Scene, period: str) -> dict[str, dict[str, int]]:
    """The current run's statement lines, by holder ("publisher" / "writer")."""
    names = {scene.market.publisher.party_id: "publisher", scene.market.writer.party_id: "writer"}
    with unit_of_work(sessions) as s:
        run = runs_repository.current_run(s, period)
        assert run is not None
        return {names[ln.holder_id]: {a: getattr(ln, a) for a in AMOUNTS}
                for ln in runs_repository.statement_lines(s, run.id)}


def _run(sessions: sessionmaker[Session], lake: Lake, period: str) -> str:
    with unit_of_work(sessions) as s:
        return runs_service.run_period(s, lake, period).id


def _net_per_account(s: Session, run_id: str) -> dict[tuple[str, str], int]:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for entry in s.scalars(select(LedgerEntry).where(LedgerEntry.subject_id == run_id)):
        for p in entry.postings:
            sums[(p.account.code, p.currency)] += p.amount_minor
    return sums


def test_two_periods_by_hand_rerun_identical_and_close_locks(
        client: Any, sessions: sessionmaker[Session], settings: Any) -> None:
    scene = build(client, sessions)
    _priced(sessions, scene)
    lake = Lake(settings.lake_dir)
    _report(client, scene, JUNE, 10_000, 5_001)
    _report(client, scene, JULY, 30_003)

    first = _run(sessions, lake, JUNE)
    june = _lines(sessions, scene, JUNE)
    # Publisher: 15,001 × 50.00 / 1,000 = 750.05 CNY, all of it against the 1,000.00 advance.
    assert june["publisher"] == dict(
        plays=15_001, earned_minor=75_005, recouped_minor=75_005, payable_minor=0, true_up_minor=0,
        due_minor=0, licensee_fee_minor=0, owner_fee_minor=0, holder_net_minor=0,
        holder_payout_minor=0)
    # Writer: 15,001 × 33.33 / 1,000 = 499.98333 → 499.98; 5% = 24.999 → 25.00; 10% → 50.00.
    assert june["writer"] == dict(
        plays=15_001, earned_minor=49_998, recouped_minor=0, payable_minor=49_998,
        true_up_minor=0, due_minor=49_998, licensee_fee_minor=2_500, owner_fee_minor=5_000,
        holder_net_minor=44_998, holder_payout_minor=44_998)

    second = _run(sessions, lake, JUNE)  # open: runs again, same inputs, same lines
    assert second != first
    assert _lines(sessions, scene, JUNE) == june
    with unit_of_work(sessions) as s:
        assert all(v == 0 for v in _net_per_account(s, first).values())  # reversed to nothing
        assert runs_repository.current_run(s, JUNE).id == second  # type: ignore[union-attr]

    _run(sessions, lake, JULY)
    july = _lines(sessions, scene, JULY)
    # Publisher: 30,003 × 50.00 / 1,000 = 1,500.15; 249.95 finishes the advance, 1,250.20 payable.
    # Earned over the term 2,250.20, so the guarantee's shortfall is 3,000.00 − 2,250.20 = 749.80.
    # Due 2,000.00: fees 100.00 and 200.00. Advance + due = 3,000.00, the guarantee.
    assert july["publisher"] == dict(
        plays=30_003, earned_minor=150_015, recouped_minor=24_995, payable_minor=125_020,
        true_up_minor=74_980, due_minor=200_000, licensee_fee_minor=10_000,
        owner_fee_minor=20_000, holder_net_minor=180_000, holder_payout_minor=180_000)
    # Writer: 30,003 × 33.33 / 1,000 = 999.99999 → 1,000.00.
    assert july["writer"] == dict(
        plays=30_003, earned_minor=100_000, recouped_minor=0, payable_minor=100_000,
        true_up_minor=0, due_minor=100_000, licensee_fee_minor=5_000, owner_fee_minor=10_000,
        holder_net_minor=90_000, holder_payout_minor=90_000)

    with unit_of_work(sessions) as s, pytest.raises(Conflict, match="2026-07 was run after"):
        runs_service.run_period(s, lake, JUNE)  # July carries June's state
    with unit_of_work(sessions) as s:
        runs_service.close_period(s, JUNE)
    with unit_of_work(sessions) as s, pytest.raises(Conflict, match="closed"):
        runs_service.run_period(s, lake, JUNE)
    late = post_report(client, scene.market.licensee, csv_report(
        f"2026-06-20,,{scene.licence['id']},CN,douyin,7,,"), period=JUNE)
    assert late.status_code == 409, late.text
    assert "closed" in late.json()["error"]["message"]
    with unit_of_work(sessions) as s:
        assert s.scalar(select(StatementLine.id).where(StatementLine.period == JUNE)) is not None


def test_statements_trail_and_payouts_through_the_api(
        client: Any, sessions: sessionmaker[Session]) -> None:
    scene = build(client, sessions)
    _priced(sessions, scene)
    m = scene.market
    _report(client, scene, JUNE, 10_000, 5_001)

    assert client.post(f"/api/v1/royalties/periods/{JUNE}/run",
                       headers=m.licensee.headers).status_code == 403
    started = client.post(f"/api/v1/royalties/periods/{JUNE}/run", headers=m.operator.headers)
    assert started.status_code == 202, started.text
    client.app.state.jobs.wait_idle(timeout=120)
    job = client.get(started.headers["Location"], headers=m.operator.headers).json()
    assert job["status"] == "succeeded", job
    run = client.get(f"/api/v1/royalties/runs/{job['result']['run_id']}", headers=m.operator.headers)
    assert run.json()["counts"]["statement_lines"] == 2
    assert client.get(f"/api/v1/royalties/runs/{job['result']['run_id']}",
                      headers=m.writer.headers).status_code == 404

    def statement(actor: Any, **params: str) -> Any:
        return client.get("/api/v1/statements", headers=actor.headers,
                          params={"period": JUNE} | params)

    writer = statement(m.writer).json()
    assert [(ln["holder_id"], ln["holder_net_minor"]) for ln in writer] == [(m.writer.party_id, 44_998)]
    assert writer[0]["channels"] == ["douyin"] and writer[0]["territories"] == ["CN"]
    assert len(statement(m.licensee).json()) == 2  # the paying licensee sees its licence's lines
    assert statement(scene.stranger).json() == []
    csv_text = statement(m.writer, format="csv")
    assert csv_text.headers["content-type"].startswith("text/csv")
    header, row = csv_text.text.splitlines()
    assert dict(zip(header.split(","), row.split(","), strict=True))["holder_net_minor"] == "44998"

    pdf = statement(m.writer, format="pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "449.98" in text and "ROYALTY STATEMENT" in text

    url = f"/api/v1/statements/lines/{writer[0]['id']}/trail"
    trail = client.get(url, headers=m.writer.headers, params={"limit": 1}).json()
    assert [f["name"] for f in trail["factors"]] == ["plays", "earned", "licensee fee", "owner fee"]
    assert trail["factors"][0]["value"] == "15001 × 3333 / 1000"
    assert trail["usage"]["total"] == 2 and len(trail["usage"]["items"]) == 1
    assert trail["usage"]["items"][0]["plays"] == 10_000
    assert client.get(url, headers=m.publisher.headers).status_code == 404

    client.app.state.settings.payout_thresholds = {"CNY": 100_000}  # 1,000.00 CNY at least
    under = client.post("/api/v1/payouts", headers=m.operator.headers, params={"period": JUNE})
    assert {(p["party_id"], p["paid"]) for p in under.json()} == {
        (m.writer.party_id, False), (m.publisher.party_id, False)}  # 808.98 and 540.00: carried
    client.app.state.settings.payout_thresholds = {}
    payouts = client.get("/api/v1/payouts", headers=m.writer.headers, params={"period": JUNE})
    # All the writer's earnings: 360.00 from the licence's sale (400.00 less 10%) + 449.98.
    assert [(p["party_id"], p["amount_minor"], p["paid"]) for p in payouts.json()] == [
        (m.writer.party_id, 36_000 + 44_998, True)]
    posted = client.post("/api/v1/payouts", headers=m.operator.headers, params={"period": JUNE})
    assert posted.status_code == 200, posted.text
    again = client.get("/api/v1/payouts", headers=m.writer.headers, params={"period": JUNE})
    assert again.json() == []  # paid: moved to payable_out, nothing left to pay twice

    closed = client.post(f"/api/v1/royalties/periods/{JUNE}/close", headers=m.operator.headers)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    refused = client.post(f"/api/v1/royalties/periods/{JUNE}/run", headers=m.operator.headers)
    assert refused.status_code == 409


def test_a_society_amount_is_split_among_the_holders_to_the_cent(
        client: Any, sessions: sessionmaker[Session], settings: Any) -> None:
    scene = build(client, sessions)
    m = scene.market
    body = f"作品编号,地区,金额,币种\n{m.work_id},CN,100.01,CNY\n".encode()
    report = landed(client, m.operator, post_report(client, m.operator, body, period=JUNE,
                                                    format="society"))
    assert report["status"] == "landed", report
    with unit_of_work(sessions) as s:
        run = runs_service.run_period(s, Lake(settings.lake_dir), JUNE)
        lines = {ln.holder_id: (ln.earned_minor, ln.owner_fee_minor, ln.holder_net_minor)
                 for ln in runs_repository.statement_lines(s, run.id)}
    # 100.01 at 60/40: 60.006 and 40.004; the leftover cent to the larger remainder (60%).
    # The owner's 10% fee: 6.001 → 6.00 and 4.00.
    assert lines == {m.publisher.party_id: (6_001, 600, 5_401),
                     m.writer.party_id: (4_000, 400, 3_600)}
