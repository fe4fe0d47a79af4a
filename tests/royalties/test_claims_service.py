"""Usage claims in the service, on SQLite and PostgreSQL: who may claim what, one pending claim
per claimant and item, at most one accepted claim per item, and what acceptance changes in the
next matching (on DuckDB): the ISRC or the title becomes an alias of the work."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clearinghouse.royalties.claims import service
from clearinghouse.royalties.claims.schemas import ClaimCreate, ClaimDecision
from clearinghouse.royalties.pipeline.run import LandedReport, Outcome, outcome_file, run_matching
from clearinghouse.royalties.tables import RoyaltyPeriod
from clearinghouse.usage.lake import Lake
from tests.royalties.scene import ISRC, PERIOD, Scene, build, land, line, read
from tests.support.factories import Actor, make_actor, make_holding, make_work, principal

UNKNOWN_ISRC = "CNA019900009"
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _period(client: Any, sessions: sessionmaker[Session], lake: Lake) -> tuple[Scene, Actor]:
    """June: 一条 reports an unknown ISRC (twice) and a society a title two works share."""
    scene = build(client, sessions)
    society = make_actor(sessions, "音著协 MCSC", Role.OWNER)
    reports = [
        land(lake, scene.market.licensee.party_id, "rpt_licensee", [
            line(1, isrc=UNKNOWN_ISRC, plays=2000), line(2, isrc="cn-a01-99-00009", plays=500),
            line(3, isrc=ISRC)]),
        land(lake, society.party_id, "rpt_society", [
            line(1, kind="amount", plays=0, usage_date=None, channel=None, revenue_minor=12_345,
                 currency="CNY", title="TWIN 双生")]),
    ]
    _match(sessions, lake, reports)
    return scene, society


def _match(sessions: sessionmaker[Session], lake: Lake, reports: list[LandedReport]) -> None:
    with sessions() as s:
        run_matching(s, lake, PERIOD, reports)


def _reports(scene: Scene, society: Actor) -> list[LandedReport]:
    return [LandedReport("rpt_licensee", scene.market.licensee.party_id),
            LandedReport("rpt_society", society.party_id)]


def _claim(sessions: sessionmaker[Session], lake: Lake, actor: Actor, work_id: str,
           **fields: Any) -> Any:
    body = ClaimCreate.model_validate({
        "period": PERIOD, "reason": "unknown_identifier", "identifier": f"isrc:{UNKNOWN_ISRC}",
        "work_id": work_id, "evidence": "ISRC assigned by our label, see the registration"} | fields)
    with unit_of_work(sessions) as s:
        return service.create_claim(s, principal(s, actor), lake, body).id


def _decide(sessions: sessionmaker[Session], actor: Actor, claim_id: str, **body: Any) -> Any:
    with unit_of_work(sessions) as s:
        return service.decide(s, principal(s, actor), claim_id, ClaimDecision.model_validate(body))


def _status(sessions: sessionmaker[Session], actor: Actor, claim_id: str) -> tuple[str, str | None]:
    with unit_of_work(sessions) as s:
        claim = service.get_claim(s, principal(s, actor), claim_id)
        return claim.status, claim.decision_reason


def test_claims_are_the_claimants_own_and_at_most_one_is_accepted(client, sessions, tmp_path):  # noqa: ANN001
    lake = Lake(tmp_path / "lake")
    scene, _ = _period(client, sessions, lake)
    m = scene.market
    rival = make_actor(sessions, "另一家 Rival Music", Role.OWNER)
    rival_work = make_work(sessions, rival, title="别的歌 Another Song")

    with pytest.raises(Forbidden, match="not one you hold"):  # a claim brings no right
        _claim(sessions, lake, rival, m.work_id)
    with pytest.raises(Forbidden):  # a licensee claims nothing
        _claim(sessions, lake, m.licensee, m.work_id)
    with pytest.raises(Forbidden):  # nor for another owner without a mandate
        _claim(sessions, lake, rival, rival_work, party_id=m.publisher.party_id)
    with pytest.raises(ValidationFailed, match="no such item"):
        _claim(sessions, lake, m.publisher, m.work_id, identifier="isrc:CNA010000001")

    mine = _claim(sessions, lake, m.publisher, m.work_id)
    with pytest.raises(Conflict) as twice:
        _claim(sessions, lake, m.publisher, m.work_id, evidence="again")
    assert twice.value.details == {"existing_claim_id": mine}
    theirs = _claim(sessions, lake, rival, rival_work)  # two owners may claim one item
    with pytest.raises(NotFound):  # and neither sees the other's
        _status(sessions, rival, mine)

    for not_operator in (m.publisher, m.licensee, scene.douyin):
        with pytest.raises(Forbidden):
            _decide(sessions, not_operator, mine, decision="accept")
    decided = _decide(sessions, m.operator, mine, decision="accept", note="label copy checked")
    assert (decided.rejected, decided.rerun_needed, decided.period_closed) == ([theirs], True, False)
    assert _status(sessions, rival, theirs) == ("rejected", "claimed_by_another")
    # Decided: neither withdrawn nor decided again.
    with pytest.raises(Conflict), unit_of_work(sessions) as s:
        service.withdraw(s, principal(s, m.publisher), mine)
    with pytest.raises(Conflict):
        _decide(sessions, m.operator, mine, decision="reject", reason="other", note="x")


def test_a_claim_is_withdrawn_by_its_claimant_and_rejected_with_a_reason(client, sessions, tmp_path):  # noqa: ANN001
    lake = Lake(tmp_path / "lake")
    scene, _ = _period(client, sessions, lake)
    m = scene.market
    first = _claim(sessions, lake, m.writer, m.work_id)  # a co-holder holds the work too
    with pytest.raises(NotFound), unit_of_work(sessions) as s:
        service.withdraw(s, principal(s, m.publisher), first)
    with unit_of_work(sessions) as s:
        assert service.withdraw(s, principal(s, m.writer), first).status == "withdrawn"
    second = _claim(sessions, lake, m.writer, m.work_id)  # withdrawn: no longer pending
    with pytest.raises(ValidationFailed):
        _decide(sessions, m.operator, second, decision="reject")
    _decide(sessions, m.operator, second, decision="reject", reason="insufficient_evidence")
    assert _status(sessions, m.writer, second) == ("rejected", "insufficient_evidence")
    with unit_of_work(sessions) as s:
        mine, total = service.list_claims(s, principal(s, m.writer), status=None, offset=0, limit=10)
        assert (total, {c.id for c in mine}) == (2, {first, second})
        queue, pending = service.list_claims(s, principal(s, m.operator), status="pending",
                                             offset=0, limit=10)
        assert (queue, pending) == ([], 0)


def test_an_accepted_claim_matches_its_isrc_and_its_title_next_run(client, sessions, tmp_path):  # noqa: ANN001
    lake = Lake(tmp_path / "lake")
    scene, society = _period(client, sessions, lake)
    m = scene.market
    twin = scene.twins[0]
    make_holding(sessions, m.writer, twin)  # a holder to pay the society's amount to
    by_isrc = _claim(sessions, lake, m.publisher, m.work_id)
    by_title = _claim(sessions, lake, m.writer, twin, reason="ambiguous_title", identifier=None,
                      title="TWIN 双生")
    for claim in (by_isrc, by_title):
        _decide(sessions, m.operator, claim, decision="accept")

    _match(sessions, lake, _reports(scene, society))
    assert read(outcome_file(lake, Outcome.UNMATCHED, PERIOD)) == []
    matched = {(r["report_id"], r["line_no"], r["work_id"])
               for r in read(outcome_file(lake, Outcome.MATCHED, PERIOD))}
    # Both spellings of the ISRC, fanned out to the licence's two lines; the title to its twin.
    assert {k[:2] for k in matched} == {("rpt_licensee", 1), ("rpt_licensee", 2),
                                        ("rpt_licensee", 3), ("rpt_society", 1)}
    assert ("rpt_society", 1, twin) in matched
    assert {w for r, _, w in matched if r == "rpt_licensee"} == {m.work_id}


@SQLITE_ONLY
def test_accepting_in_a_closed_period_says_it_is_not_rated_again(client, sessions, tmp_path):  # noqa: ANN001
    lake = Lake(tmp_path / "lake")
    scene, _ = _period(client, sessions, lake)
    claim = _claim(sessions, lake, scene.market.publisher, scene.market.work_id)
    with unit_of_work(sessions) as s:
        s.add(RoyaltyPeriod(period=PERIOD, status="closed"))
    decided = _decide(sessions, scene.market.operator, claim, decision="accept")
    assert (decided.period_closed, decided.rerun_needed, decided.claim.status) == (
        True, False, "accepted")  # the alias still stands for periods run from now on
