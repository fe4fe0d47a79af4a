"""`clearinghouse royalties claims list|decide`: the operator's queue, a rejection with its
reason, and a decided claim refused a second decision."""

from __future__ import annotations

from clearinghouse.access.domain import Role
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.royalties.claims import repository
from clearinghouse.royalties.claims.tables import UsageClaim
from tests.support.factories import make_actor, make_work


def test_list_and_decide_from_the_command_line(cli, db_url):
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    make_actor(sessions, "清算所 Operator", Role.OPERATOR)
    owner = make_actor(sessions, "星光音乐出版 Starlight Publishing", Role.OWNER)
    work_id = make_work(sessions, owner, title="月光 Moonlight")
    with unit_of_work(sessions) as s:  # as the service files it (the lake's report is not needed here)
        repository.add(s, UsageClaim(
            id="ucl_cli", claimant_id=owner.party_id, filed_by_id=owner.party_id, work_id=work_id,
            period="2026-06", reason="unknown_identifier", identifier="isrc:CNA019900009",
            alias_scheme="isrc", alias_value="CNA019900009", evidence="label copy",
            status="pending", created_at=utcnow()))
    engine.dispose()

    queue = cli.json("royalties", "claims", "list")
    assert [(c["id"], c["status"], c["alias"]) for c in queue] == [
        ("ucl_cli", "pending", "isrc:CNA019900009")]
    no_reason = cli("royalties", "claims", "decide", "ucl_cli", "--reject")
    assert no_reason.exit_code != 0 and "reason" in no_reason.output
    rejected = cli.json("royalties", "claims", "decide", "ucl_cli", "--reject", "--reason",
                        "not_the_work", "--note", "another recording")
    assert (rejected["claim"]["status"], rejected["claim"]["decision_reason"]) == (
        "rejected", "not_the_work")
    assert cli.json("royalties", "claims", "list") == []
    assert [c["id"] for c in cli.json("royalties", "claims", "list", "--status", "rejected")] == [
        "ucl_cli"]
    again = cli("royalties", "claims", "decide", "ucl_cli", "--accept")
    assert again.exit_code != 0 and "rejected" in again.output
