"""Two people editing the same work at once: one wins, the other is told, nothing is lost."""

from __future__ import annotations

import threading

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import StaleVersion
from clearinghouse.registry import works_service
from clearinghouse.registry.schemas import WorkUpdate
from tests.support.factories import make_actor, make_holding, make_work, principal


def test_concurrent_updates_with_the_same_version_do_not_overwrite_each_other(sessions):
    owner = make_actor(sessions, "Owner", Role.OWNER)
    work_id = make_work(sessions, owner)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    lock = threading.Lock()

    def edit(title: str) -> None:
        barrier.wait()
        try:
            with unit_of_work(sessions) as s:
                works_service.update_work(s, principal(s, owner), work_id, WorkUpdate(title=title), 1)
            result = "ok"
        except StaleVersion:
            result = "stale"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=edit, args=(f"title {i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["ok", "stale", "stale", "stale"]
    with unit_of_work(sessions) as s:
        work = works_service.get_work(s, work_id)
        assert work.version == 2


def test_concurrent_over_claims_open_exactly_one_conflict(sessions, client):
    owners = [make_actor(sessions, f"Claimant {i}", Role.OWNER) for i in range(2)]
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    work_id = make_work(sessions, owners[0])
    barrier = threading.Barrier(2)

    def claim(owner):  # noqa: ANN001
        barrier.wait()  # the operator registers both: accepted at once, so they race
        make_holding(sessions, operator, work_id, share="100", holder_id=owner.party_id)

    threads = [threading.Thread(target=claim, args=(o,)) for o in owners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    listed = client.get("/api/v1/conflicts", headers=owners[0].headers).json()
    assert listed["total"] == 1
