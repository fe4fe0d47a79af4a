"""Content claims for the authorisation matrix: a fresh claim on a fresh work of owner A per
call (the licensee uploaded it on the platform's platform), made as identification makes it,
and brought to the state the operation needs (disputed, upheld, escalated) by the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.media_match import MediaMatch
from clearinghouse.enforcement import disputes, repository, service
from clearinghouse.enforcement.domain import DisputeReason, UploadFacts, WorkMatch
from tests.api.matrix_world import MatrixWorld
from tests.support.factories import principal

STATES = ("open", "disputed", "upheld", "escalated")


def fresh_claim(w: MatrixWorld, state: str = "open", policy: str | None = None) -> str:
    found = MediaMatch(reference_id=1, kind="audio", query_start=0.0, query_end=10.0,
                       reference_start=5.0, reference_end=15.0, score=0.9, false_match_rate=1e-6)
    with unit_of_work(w.sessions) as s:
        [outcome] = service.act_on_matches(s, upload=UploadFacts(
            platform_party_id=w.party("platform"), uploader_party_id=w.party("licensee"),
            upload_ref=w.unique("upload-"), uploaded_on=utcnow().date(), territory="CN",
            channel="douyin", duration_s=20.0), matches=[WorkMatch(w.fresh_work(), 1, found)],
            now=utcnow())
        claim_id = str(outcome.claim_id)
        if policy is not None:
            claim = repository.claim(s, claim_id)
            assert claim is not None
            claim.policy = policy
        steps = STATES[1:STATES.index(state) + 1]
        if "disputed" in steps:
            disputes.open_dispute(s, principal(s, w.actors["licensee"]), claim_id,
                                  reason=DisputeReason.NOT_A_MATCH, evidence="矩阵")
        if "upheld" in steps:
            disputes.answer(s, principal(s, w.actors["owner_a"]), claim_id, uphold=True,
                            note="矩阵")
        if "escalated" in steps:
            disputes.escalate(s, principal(s, w.actors["licensee"]), claim_id)
    return claim_id


def on_claim(action: str, body: dict[str, Any] | None = None, state: str = "open",
             policy: str | None = None) -> Callable[[MatrixWorld, str], Any]:
    def run(w: MatrixWorld, role: str) -> Any:
        claim_id = fresh_claim(w, state, policy)
        method = "GET" if action == "" else "POST"
        return w.call(role, method, f"/api/v1/claims/{claim_id}{action}", json=body)
    return run


def set_policy(w: MatrixWorld, role: str) -> Any:
    return w.call(role, "PUT", "/api/v1/enforcement/policies",
                  json={"work_id": w.ids["song"], "territory": "HK", "policy": "offer"})


def clear_policy(w: MatrixWorld, role: str) -> Any:
    w.ok("owner_a", "PUT", "/api/v1/enforcement/policies",
         json={"work_id": w.ids["song"], "territory": "MO", "policy": "block"})
    return w.call(role, "DELETE", "/api/v1/enforcement/policies",
                  params={"work_id": w.ids["song"], "territory": "MO"})
