"""A small world for content claims: the song of tests/licensing's market (held 60/40, routine
offers at 1,050.00 CNY for 30 s on any short-video platform), 抖音 as a platform that also buys
licences, and an uploader on it. `identify` hands act_on_matches what identification would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Role
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.media_match import MediaMatch
from clearinghouse.enforcement import service
from clearinghouse.enforcement.domain import LicenceEvidence, MatchOutcome, UploadFacts, WorkMatch
from clearinghouse.ledger import service as ledger_service
from tests.licensing.purchase_support import Market, make_market
from tests.support.factories import Actor, make_actor

POLICIES = "/api/v1/enforcement/policies"
CLAIMS = "/api/v1/claims"


@dataclass
class World:
    m: Market
    platform: Actor
    uploader: Actor


def make_world(sessions: sessionmaker[Session]) -> World:
    m = make_market(sessions)
    platform = make_actor(sessions, "抖音 Douyin", Role.PLATFORM, Role.LICENSEE)
    uploader = make_actor(sessions, "小美 Xiaomei", Role.LICENSEE)
    return World(m, platform, uploader)


def match(seconds: float = 20.0, false_match_rate: float = 1e-6, kind: str = "audio"
          ) -> MediaMatch:
    return MediaMatch(reference_id=7, kind=kind, query_start=3.0, query_end=3.0 + seconds,  # type: ignore[arg-type]
                      reference_start=40.0, reference_end=40.0 + seconds, score=0.93,
                      false_match_rate=false_match_rate, speed=1.1)


def upload(w: World, **changes: Any) -> UploadFacts:
    facts: dict[str, Any] = {
        "platform_party_id": w.platform.party_id, "uploader_party_id": w.uploader.party_id,
        "upload_ref": "7300000000000000001", "uploaded_on": utcnow().date(), "territory": "CN",
        "channel": "douyin", "duration_s": 45.0, "licence_checked": None} | changes
    return UploadFacts(**facts)


def identify(sessions: sessionmaker[Session], w: World, *, seconds: float = 20.0,
             false_match_rate: float = 1e-6, now: datetime | None = None,
             **changes: Any) -> MatchOutcome:
    with unit_of_work(sessions) as s:
        [outcome] = service.act_on_matches(
            s, upload=upload(w, **changes),
            matches=[WorkMatch(w.m.work_id, 7, match(seconds, false_match_rate))],
            now=now or utcnow())
        return outcome


def carried(license_id: str) -> LicenceEvidence:
    return LicenceEvidence(license_id)


def yesterday() -> date:
    return utcnow().date() - timedelta(days=1)


def balanced(sessions: sessionmaker[Session]) -> bool:
    with unit_of_work(sessions) as s:
        return all(v == 0 for v in ledger_service.trial_balance(s).values())


def raw(sessions: sessionmaker[Session], account: str, currency: str = "CNY") -> int:
    with unit_of_work(sessions) as s:
        return ledger_service.raw_balance(s, account, currency)
