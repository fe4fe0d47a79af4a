"""Usage claims for the authorisation matrix: an unmatched item in the world's lake, and fresh
claims of owner A on it (written as the service files them: a claim per call, so a pending one
never blocks the next role's call)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.ids import new_id
from clearinghouse.royalties.claims import repository
from clearinghouse.royalties.claims.tables import UsageClaim
from clearinghouse.royalties.contracts import UNMATCHED_USAGE_SCHEMA
from clearinghouse.royalties.outcome_reading import UNMATCHED, outcome_file
from clearinghouse.usage.lake import Lake
from tests.api.matrix_world import MatrixWorld
from tests.usage.support import PERIOD

ISRC = "CNA019900009"


def _unmatched_item(w: MatrixWorld) -> dict[str, Any]:
    path = outcome_file(Lake(w.client.app.state.settings.lake_dir), UNMATCHED, PERIOD)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        row = {"period": PERIOD, "report_id": "rpt_matrix", "reporter_id": w.party("platform"),
               "line_no": 1, "reason": "unknown_identifier", "identifier": f"isrc:{ISRC}",
               "title": None, "usage_date": None, "channel": "douyin", "territory": "CN",
               "kind": "plays", "plays": 100, "copies": 0, "revenue_minor": None, "currency": None}
        pq.write_table(pa.Table.from_pylist([row], schema=UNMATCHED_USAGE_SCHEMA), path)
    return {"period": PERIOD, "reason": "unknown_identifier", "identifier": f"isrc:{ISRC}"}


def search(w: MatrixWorld, role: str) -> Any:
    _unmatched_item(w)
    return w.call(role, "GET", "/api/v1/unmatched-usage", params={"q": ISRC[:6]})


def create(w: MatrixWorld, role: str) -> Any:
    """Claim the item as a work of A's alone (other tests give B holdings in A's song); a claim
    made is withdrawn at once, so the next role may claim too."""
    if "claimed_work" not in w.ids:
        w.ids["claimed_work"] = w.fresh_work()
    body = _unmatched_item(w) | {"work_id": w.ids["claimed_work"], "evidence": "矩阵"}
    if role == "agent":
        body["party_id"] = w.party("owner_a")
    resp = w.call(role, "POST", "/api/v1/usage-claims", json=body)
    if resp.status_code == 201:
        w.ok(role, "POST", f"/api/v1/usage-claims/{resp.json()['id']}/withdraw")
    return resp


def fresh_claim(w: MatrixWorld) -> str:
    """A pending claim of A's on an item of its own (not the lake's: that one `create` claims)."""
    isrc = w.unique("CNX01").replace(" ", "")
    with unit_of_work(w.sessions) as s:
        return repository.add(s, UsageClaim(
            id=new_id("ucl"), claimant_id=w.party("owner_a"), filed_by_id=w.party("owner_a"),
            work_id=w.ids["song"], period=PERIOD, reason="unknown_identifier",
            identifier=f"isrc:{isrc}", alias_scheme="isrc", alias_value=isrc, evidence="矩阵",
            status="pending", created_at=utcnow())).id
