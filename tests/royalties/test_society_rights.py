"""A society statement naming its right (PR / MR / SR, 表演权 …) pays the holders of that right:
the statement's right words are the registry's rights (performance is perform_public, sync is
synchronisation)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.db import unit_of_work
from clearinghouse.royalties import runs_repository, runs_service
from clearinghouse.usage.lake import Lake
from tests.royalties.scene import build
from tests.usage.support import landed, post_report

JUNE = "2026-06"


def test_a_sync_amount_named_by_its_right_is_split_among_the_sync_holders(
        client: Any, sessions: sessionmaker[Session], settings: Any) -> None:
    scene = build(client, sessions)  # the song is held 60/40 for synchronisation
    m = scene.market
    body = (f"作品编号,权利类型,地区,金额,币种\n{m.work_id},同步权,CN,100.01,CNY\n"
            f"{m.work_id},SR,CN,0.03,CNY\n{m.work_id},PR,CN,5.00,CNY\n").encode()
    report = landed(client, m.operator, post_report(client, m.operator, body, period=JUNE,
                                                    format="society"))
    assert report["status"] == "landed", report
    with unit_of_work(sessions) as s:
        run = runs_service.run_period(s, Lake(settings.lake_dir), JUNE)
        lines = {(ln.holder_id, ln.right): ln.earned_minor
                 for ln in runs_repository.statement_lines(s, run.id)}
    # 100.04 of sync at 60/40: 60.024 and 40.016 → 60.02 and 40.02 (the larger remainder). The
    # performance amount has no holder: unmatched, not paid to the sync holders.
    assert lines == {(m.publisher.party_id, "synchronisation"): 6_002,
                     (m.writer.party_id, "synchronisation"): 4_002}
