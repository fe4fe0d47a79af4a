"""Royalty runs computed by hand: the co-owned song of tests/royalties/scene.py, its publisher's
line priced at 50.00 CNY per 1,000 plays with a 1,000.00 CNY advance and a 3,000.00 CNY minimum
guarantee, its writer's at 33.33 CNY per 1,000 plays; two months of 一条's usage submitted through
the usage API, run, rerun, closed. Fees as seeded: 5% on the licensee, 10% from the holder."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pytest
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
