"""A content claim in the demo market, made as identification would make it: one of 一条's works
found in an upload by the demo creator on 抖音."""

from __future__ import annotations

from datetime import timedelta

from clearinghouse.accounts import repository as accounts
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.core.media_match import MediaMatch
from clearinghouse.enforcement import service
from clearinghouse.enforcement.domain import UploadFacts, WorkMatch

YITIAO = "yitiao@demo.clearinghouse.example"
CREATOR = "creator@demo.clearinghouse.example"
DOUYIN = "douyin@demo.clearinghouse.example"


def party_of(session, email: str) -> str:  # noqa: ANN001
    account = accounts.account_by_email(session, email)
    assert account is not None, email
    return account.party_id


def demo_claim(db_url: str, work_id: str, upload_ref: str = "7400000000000000001") -> str:
    engine = make_engine(db_url)
    try:
        with unit_of_work(session_factory(engine)) as s:
            upload = UploadFacts(platform_party_id=party_of(s, DOUYIN),
                                 uploader_party_id=party_of(s, CREATOR), upload_ref=upload_ref,
                                 uploaded_on=utcnow().date() - timedelta(days=2), territory="CN",
                                 channel="douyin", duration_s=30.0)
            found = MediaMatch(reference_id=1, kind="audio", query_start=2.0, query_end=14.0,
                               reference_start=61.0, reference_end=73.0, score=0.91,
                               false_match_rate=1e-7, speed=0.92)
            [outcome] = service.act_on_matches(s, upload=upload,
                                               matches=[WorkMatch(work_id, 1, found)], now=utcnow())
            assert outcome.claim_id is not None, outcome
            return outcome.claim_id
    finally:
        engine.dispose()
