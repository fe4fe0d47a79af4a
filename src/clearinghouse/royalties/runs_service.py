"""Royalty runs: one period from matched usage to ledger entries and statement lines.

`run_period` matches the period's landed reports, sums the matched usage per licence line, rates
every line with the state its last period carried, posts the ratings to the ledger and keeps a
statement line per licence line (and per holder's part of a society amount). Running an open
period again reverses the previous run's entries (reversals, never edits) and posts the new run:
the same inputs give the same statement lines. `close_period` locks a period. Flush only: the
CLI and the API's job own the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.ledger import repository as ledger_repository
from clearinghouse.ledger import service as ledger_service
from clearinghouse.ledger.domain import FxRate
from clearinghouse.licensing.catalogue import rates as catalogue_rates
from clearinghouse.licensing.licenses.tables import License, LicenseLine
from clearinghouse.royalties import runs_repository as repo
from clearinghouse.royalties import society_run
from clearinghouse.royalties.domain import (
    Carried,
    FeeRates,
    LineRating,
    LineTerms,
    PeriodRates,
    PeriodUsage,
    RatingError,
    Revenue,
    guarantee_end_period,
)
from clearinghouse.royalties.domain import rate_line as rate
from clearinghouse.royalties.matched_usage import LineUsage, SocietyAmount, summed
from clearinghouse.royalties.periods import CLOSED, OPEN, refuse_if_closed
from clearinghouse.royalties.pipeline.engine import EngineName
from clearinghouse.royalties.pipeline.run import (
    LandedReport,
    MatchCounts,
    Outcome,
    outcome_file,
    period_days,
    run_matching,
)
from clearinghouse.royalties.postings import rating_entries
from clearinghouse.royalties.tables import CarriedState, RoyaltyPeriod, RoyaltyRun, StatementLine
from clearinghouse.usage.lake import Lake

RUN_SUBJECT = society_run.RUN_SUBJECT
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def checked_period(period: str) -> str:
    if not _PERIOD.fullmatch(period):
        raise ValidationFailed(f"period {period!r} is not YYYY-MM", field="period")
    return period


def _open_period(session: Session, period: str) -> RoyaltyPeriod:
    row = repo.period_row(session, period, for_update=True)
    if row is None:
        row = RoyaltyPeriod(period=period, status=OPEN)
        session.add(row)
        session.flush()
    if row.status == CLOSED:
        raise Conflict(f"period {period} is closed: its statements are final", field="period")
    return row


@dataclass(frozen=True)
class Matched:
    """A period's usage matched and written to the lake: what the run then rates."""

    period: str
    engine: str
    inputs: tuple[tuple[str, str], ...]  # (report id, sha256) of the landed reports read
    counts: MatchCounts


def _refuse_later_run(session: Session, period: str) -> None:
    later = repo.later_current_run(session, period)
    if later is not None:
        raise Conflict(f"period {later.period} was run after {period}: it carries this period's "
                       "state, so this period cannot be run again", field="period")


def match_period(session: Session, lake: Lake, period: str,
                 engine: str = EngineName.DUCKDB) -> Matched:
    """The matching half of a run. It only reads the database (the API's job runs it in a read
    transaction, so the long part holds no write lock) and writes the period's lake files."""
    checked_period(period)
    if engine not in {e.value for e in EngineName}:
        raise ValidationFailed(f"engine {engine!r} is not duckdb or spark", field="engine")
    refuse_if_closed(session, period)
    _refuse_later_run(session, period)
    reports = repo.landed_reports(session, period)
    counts = run_matching(session, lake, period,
                          [LandedReport(r.id, r.reporter_id) for r in reports], engine=engine)
    return Matched(period, str(engine), tuple((r.id, r.sha256) for r in reports), counts)


def run_period(session: Session, lake: Lake, period: str, *, engine: str = EngineName.DUCKDB,
               actor: Principal | None = None, matched: Matched | None = None) -> RoyaltyRun:
    """Run `period`: match (unless `matched` says it was just done), rate, post, state."""
    matched = matched or match_period(session, lake, period, engine)
    _open_period(session, period)
    _refuse_later_run(session, period)
    if tuple((r.id, r.sha256) for r in repo.landed_reports(session, period)) != matched.inputs:
        raise Conflict(f"a report for {period} landed or was replaced during the run: run it "
                       "again", field="period")
    counts = matched.counts
    run = RoyaltyRun(id=new_id("run"), period=period, engine=matched.engine, status=repo.CURRENT,
                     started_at=utcnow(), started_by_id=actor.party_id if actor else None,
                     inputs=[{"report_id": rid, "sha256": sha} for rid, sha in matched.inputs],
                     counts={})
    previous = repo.current_run(session, period)
    if previous is not None:
        _reverse(session, previous, run.id, actor)
    session.add(run)
    session.flush()

    per_line, society = summed(outcome_file(lake, Outcome.MATCHED, period))
    start, end = period_days(period)
    last_day = end - timedelta(days=1)
    before = repo.previous_current_run(session, period)
    carried = {s.license_line_id: Carried(s.advance_unrecouped_minor, s.earned_to_date_minor,
                                          s.periods_rated, s.guarantee_settled)
               for s in (repo.carried_states(session, before.id) if before else [])}
    fees_facts = catalogue_rates.fees_on(session, last_day)
    fees = FeeRates(fees_facts.licensee_pct, fees_facts.owner_pct)

    lines = _lines_to_rate(session, period, end, per_line, carried)
    holdings = society_run.holdings_of(session, [s.work_id for s in society], start, last_day)
    chosen = repo.payout_currencies(session, [line.holder_id for line, _ in lines.values()]
                                    + [h.party_id for hs in holdings.values() for h in hs])
    rates = _period_rates(session, last_day, lines.values(), per_line, chosen, society)

    stored = 0
    for line_id in sorted(lines):
        line, lic = lines[line_id]
        terms = _terms(line, lic)
        usage = per_line.get(line_id, LineUsage(line.work_id))
        try:
            rating = rate(terms, period, _period_usage(usage), carried.get(line_id) or
                          Carried.start(terms), rates, fees, chosen.get(line.holder_id))
        except RatingError as exc:
            raise Conflict(f"licence line {line_id}: {exc}", field="period") from exc
        entry_ids = [ledger_service.post(session, e, subject=(RUN_SUBJECT, run.id), actor=actor).id
                     for e in rating_entries(rating)]
        session.add(_statement_line(run, rating, usage, entry_ids))
        carried[line_id] = rating.carried
        stored += 1
    society_lines, society_skipped = society_run.post_society(session, run, society, holdings,
                                                              fees, actor)
    for line_id, state in sorted(carried.items()):
        session.add(CarriedState(
            run_id=run.id, license_line_id=line_id,
            advance_unrecouped_minor=state.advance_unrecouped_minor,
            earned_to_date_minor=state.earned_to_date_minor, periods_rated=state.periods_rated,
            guarantee_settled=state.guarantee_settled))
    run.counts = {"lines": counts.lines, "matched_rows": counts.matched_rows,
                  "unlicensed": counts.unlicensed, "unmatched": counts.unmatched,
                  "statement_lines": stored + society_lines,
                  "society_amounts_not_split": society_skipped}
    run.finished_at = utcnow()
    session.flush()
    record(session, actor, "royalties.run", "royalty_run", run.id, None,
           {"period": period, "engine": matched.engine, "counts": run.counts,
            "supersedes": previous.id if previous else None})
    return run


def close_period(session: Session, period: str, actor: Principal | None = None) -> RoyaltyPeriod:
    """Lock a period that has a run: no further run, no new usage for it."""
    checked_period(period)
    row = _open_period(session, period)
    if repo.current_run(session, period) is None:
        raise Conflict(f"period {period} has not been run: run it before closing it",
                       field="period")
    row.status, row.closed_at = CLOSED, utcnow()
    row.closed_by_id = actor.party_id if actor else None
    session.flush()
    record(session, actor, "royalties.close", "royalty_period", period, None, {"period": period})
    return row


def _reverse(session: Session, previous: RoyaltyRun, new_run_id: str,
             actor: Principal | None) -> None:
    for entry in ledger_repository.entries_of_subject(session, RUN_SUBJECT, previous.id):
        if entry.reverses_id is None and ledger_repository.reversal_id_of(session, entry.id) is None:
            ledger_service.reverse(session, None, entry.id,
                                   f"run {new_run_id} replaces run {previous.id}")
    previous.status, previous.superseded_by_id = repo.SUPERSEDED, new_run_id
    session.flush()


def _lines_to_rate(session: Session, period: str, end: date, per_line: dict[str, LineUsage],
                   carried: dict[str, Carried]) -> dict[str, tuple[LicenseLine, License]]:
    """The lines with usage, and those whose minimum guarantee is due for its true-up even
    without usage (its last period reached, not yet settled)."""
    lines = {line.id: (line, lic) for line, lic in repo.lines_with_licences(session, per_line)}
    for line, lic in repo.guaranteed_lines(session, end):
        state = carried.get(line.id)
        guarantee_end = _terms(line, lic).guarantee_end
        if (state is None or not state.guarantee_settled) and guarantee_end is not None \
                and guarantee_end <= period:
            lines.setdefault(line.id, (line, lic))
    return lines


def _terms(line: LicenseLine, lic: License) -> LineTerms:
    mg = line.minimum_guarantee_minor or 0
    return LineTerms(
        license_id=lic.id, line_id=line.id, work_id=line.work_id, right=line.right,
        holder_id=line.holder_id, licensee_id=lic.licensee_id, currency=line.offer_currency,
        license_currency=lic.currency, per_1000_plays_minor=line.per_1000_plays_minor,
        per_copy_minor=line.per_copy_minor,
        revenue_share_pct=_decimal(line.revenue_share_pct), advance_minor=line.advance_minor or 0,
        minimum_guarantee_minor=mg,
        guarantee_end=guarantee_end_period(lic.valid_from, lic.valid_to) if mg else None)


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _period_usage(usage: LineUsage) -> PeriodUsage:
    return PeriodUsage(usage.plays, usage.copies,
                       tuple(Revenue(minor, cur) for cur, minor in sorted(usage.revenue.items())))


def _period_rates(session: Session, on: date, lines: Iterable[tuple[LicenseLine, License]],
                  per_line: dict[str, LineUsage],
                  chosen: dict[str, str | None], society: Sequence[SocietyAmount]) -> PeriodRates:
    currencies: set[str] = {c for c in chosen.values() if c}
    for line, lic in lines:
        currencies |= {line.offer_currency, lic.currency}
    for usage in per_line.values():
        currencies |= set(usage.revenue)
    currencies |= {s.currency for s in society}
    facts = catalogue_rates.rates_on(session, currencies, on)
    return PeriodRates(FxRate(f.base, f.quote, f.rate, f.effective,
                              catalogue_rates.rate_source(session, f)) for f in facts)


def _statement_line(run: RoyaltyRun, r: LineRating, usage: LineUsage,
                    entry_ids: list[str]) -> StatementLine:
    t = r.terms
    return StatementLine(
        id=new_id("stl"), run_id=run.id, period=run.period, holder_id=t.holder_id,
        licensee_id=t.licensee_id, license_id=t.license_id, license_line_id=t.line_id,
        work_id=t.work_id, right=t.right, channels=sorted(usage.channels),
        territories=sorted(usage.territories), plays=usage.plays, copies=usage.copies,
        revenue=dict(sorted(usage.revenue.items())), currency=t.currency,
        license_currency=t.license_currency, earned_minor=r.earned_minor,
        recouped_minor=r.recouped_minor, payable_minor=r.payable_royalty_minor,
        true_up_minor=r.guarantee_true_up_minor, due_minor=r.due_minor,
        licensee_fee_minor=r.licensee_fee_minor, owner_fee_minor=r.owner_fee_minor,
        holder_net_minor=r.holder_net_minor, payout_currency=r.payout_currency,
        holder_payout_minor=r.holder_payout_minor,
        trail=[{"name": i.name, "value": i.value, "note": i.note} for i in r.trail],
        entry_ids=entry_ids)

