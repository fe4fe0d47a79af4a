"""`clearinghouse claims …` and `disputes …`: the operator lists and shows claims, the owner
answers (--as), the uploader escalates, the operator decides; the scheduled `disputes lapse`
lapses an unanswered dispute; another party's claim is refused."""

from __future__ import annotations

from datetime import timedelta

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.enforcement import disputes
from clearinghouse.enforcement.domain import DisputeReason
from tests.enforcement.world import identify, make_world
from tests.support.factories import principal


def test_claims_and_disputes_from_the_command_line(cli, db_url):  # noqa: ANN001
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    w = make_world(sessions)
    contested = str(identify(sessions, w, upload_ref="u-1").claim_id)
    unanswered = str(identify(sessions, w, upload_ref="u-2",
                              now=utcnow() - timedelta(days=30)).claim_id)
    engine.dispose()

    listed = cli.json("claims", "list")
    assert {c["id"] for c in listed} == {contested, unanswered}
    assert cli.json("claims", "policy", "offer", "--work", w.m.work_id, "--as",
                    w.m.publisher.party_id)["policy"] == "offer"
    refused = cli("claims", "show", contested, "--as", w.m.licensee.party_id)
    assert refused.exit_code != 0 and "not found" in refused.output

    engine = make_engine(db_url)
    sessions = session_factory(engine)
    with unit_of_work(sessions) as s:
        for claim_id, when in ((contested, utcnow()), (unanswered, utcnow() - timedelta(days=20))):
            disputes.open_dispute(s, principal(s, w.uploader), claim_id,
                                  reason=DisputeReason.NOT_A_MATCH, evidence="a different song",
                                  now=when)
    engine.dispose()

    assert cli.json("disputes", "lapse") == {"lapsed": [unanswered]}
    assert cli.json("claims", "show", unanswered)["claim"]["status"] == "lapsed"
    upheld = cli.json("disputes", "answer", contested, "--uphold", "--note", "it is our song",
                      "--as", w.m.publisher.party_id)
    assert upheld["status"] == "upheld"
    owner_decides = cli("disputes", "decide", contested, "--for", "owner", "--note", "x",
                        "--as", w.m.publisher.party_id)
    assert owner_decides.exit_code != 0  # no --as on decide: only the operator decides
    assert cli.json("disputes", "escalate", contested, "--as",
                    w.uploader.party_id)["status"] == "escalated"
    assert [d["claim_id"] for d in cli.json("disputes", "list", "--status", "escalated")] == [
        contested]
    decided = cli.json("disputes", "decide", contested, "--for", "uploader", "--note",
                       "not the same recording")
    assert decided["status"] == "decided_for_uploader"
    shown = cli.json("claims", "show", contested)
    assert shown["claim"]["status"] == "released"
    assert [e["event"] for e in shown["history"]] == [
        "claimed", "disputed", "dispute_upheld", "dispute_escalated",
        "dispute_decided_for_uploader"]
