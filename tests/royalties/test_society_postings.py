"""A run's society amounts reach the ledger as one `royalty.society` entry per holder and
currency (not one per work, right and territory): each entry holds exactly that holder's parts
(net to its earnings, the owner fee to the operator, the same cash in), every statement line
names the entry that paid it, and running the period again reverses those entries."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.db import unit_of_work
from clearinghouse.ledger.domain import CLEARING_CASH, CLEARING_SUSPENSE, OPERATOR_FEES, holder_earnings
from clearinghouse.ledger.tables import LedgerAccount, LedgerEntry, LedgerPosting
from clearinghouse.registry.domain import HoldingStatus
from clearinghouse.registry.tables import Holding
from clearinghouse.royalties import runs_repository, runs_service
from clearinghouse.usage.lake import Lake
from tests.royalties.scene import build
from tests.usage.support import landed, post_report

JUNE = "2026-06"


def _postings(s: Session, entry_id: str) -> dict[tuple[str, str], int]:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for code, currency, amount in s.execute(
            select(LedgerAccount.code, LedgerPosting.currency, LedgerPosting.amount_minor)
            .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
            .where(LedgerPosting.entry_id == entry_id)):
        sums[(code, currency)] += amount
    return dict(sums)


def test_each_holder_gets_one_entry_per_currency_holding_its_statement_lines(
        client: Any, sessions: sessionmaker[Session], settings: Any) -> None:
    scene = build(client, sessions)  # the song is held 60/40
    m = scene.market
    body = (f"作品编号,权利类型,地区,金额,币种\n{m.work_id},同步权,CN,100.01,CNY\n"
            f"{m.work_id},SR,HK,0.03,CNY\n{m.work_id},SR,CN,7.77,HKD\n"
            f"{m.work_id},SR,US,12.35,CNY\n").encode()
    report = landed(client, m.operator, post_report(client, m.operator, body, period=JUNE,
                                                    format="society"))
    assert report["status"] == "landed", report
    lake = Lake(settings.lake_dir)
    with unit_of_work(sessions) as s:
        run = runs_service.run_period(s, lake, JUNE)
        lines = runs_repository.statement_lines(s, run.id)
        entries = s.scalars(select(LedgerEntry).where(LedgerEntry.subject_id == run.id)).all()
        assert sorted(e.kind for e in entries) == ["royalty.society"] * 4  # 2 holders × 2 currencies
        by_id = {e.id: e for e in entries}
        for entry_id in by_id:
            paid = [ln for ln in lines if ln.entry_ids == [entry_id]]
            holder, currency = paid[0].holder_id, paid[0].currency
            assert {(ln.holder_id, ln.currency) for ln in paid} == {(holder, currency)}
            assert _postings(s, entry_id) == {
                (CLEARING_CASH, currency): sum(ln.earned_minor for ln in paid),
                (holder_earnings(holder), currency): -sum(ln.holder_net_minor for ln in paid),
                (OPERATOR_FEES, currency): -sum(ln.owner_fee_minor for ln in paid)}
        # Every part has its line, each naming one of the run's entries; the CNY parts add up to
        # the CNY received (100.01 + 0.03 + 12.35), to the cent.
        assert len(lines) == 8 and all(ln.entry_ids[0] in by_id for ln in lines)
        assert sum(ln.earned_minor for ln in lines if ln.currency == "CNY") == 11_239

    with unit_of_work(sessions) as s:
        again = runs_service.run_period(s, lake, JUNE)
        reversed_ids = {e.reverses_id for e in s.scalars(
            select(LedgerEntry).where(LedgerEntry.reverses_id.in_(list(by_id))))}
        assert reversed_ids == set(by_id)
        assert len(runs_repository.statement_lines(s, again.id)) == 8


def test_a_holding_no_longer_accepted_is_not_paid_its_share(
        client: Any, sessions: sessionmaker[Session], settings: Any) -> None:
    """A claim is not a right until accepted: the writer's 40% withdrawn, its share of a society
    amount stays in suspense instead of reaching its earnings."""
    scene = build(client, sessions)  # the song is held 60/40
    m = scene.market
    with unit_of_work(sessions) as s:
        s.execute(update(Holding).where(Holding.work_id == m.work_id,
                                        Holding.holder_id == m.writer.party_id)
                  .values(status=HoldingStatus.WITHDRAWN.value))
    body = f"作品编号,权利类型,地区,金额,币种\n{m.work_id},同步权,CN,100.00,CNY\n".encode()
    report = landed(client, m.operator, post_report(client, m.operator, body, period=JUNE,
                                                    format="society"))
    assert report["status"] == "landed", report
    with unit_of_work(sessions) as s:
        run = runs_service.run_period(s, Lake(settings.lake_dir), JUNE)
        lines = {ln.holder_id: ln.earned_minor for ln in runs_repository.statement_lines(s, run.id)}
        entries = s.scalars(select(LedgerEntry).where(LedgerEntry.subject_id == run.id)).all()
        suspense = sum(_postings(s, e.id).get((CLEARING_SUSPENSE, "CNY"), 0) for e in entries)
    assert lines == {m.publisher.party_id: 6_000}
    assert suspense == -4_000
