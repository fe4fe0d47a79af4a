"""Identify an upload: the licence it carries first, then its fingerprints, then enforcement.

Who may ask: a platform (about uploads on the platforms it runs), a licensee (about its own
uploads) and the operator. Each identification is recorded with its facts and results, and only
whoever asked (and the operator) may read it back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.audit import record
from clearinghouse.core.errors import Forbidden, NotFound
from clearinghouse.core.ids import new_id
from clearinghouse.core.media_match import MediaMatch
from clearinghouse.enforcement import domain as enforcement
from clearinghouse.enforcement import service as enforcement_service
from clearinghouse.enforcement.domain import MatchOutcome, UploadFacts, WorkMatch
from clearinghouse.identification.references import repository as references
from clearinghouse.identification.references.prints import Prints
from clearinghouse.identification.uploads import repository
from clearinghouse.identification.uploads.domain import (
    LicenceEvidence,
    WorkResult,
    best_per_work,
    licensed_outcomes,
)
from clearinghouse.identification.uploads.schemas import results_json
from clearinghouse.identification.uploads.tables import UploadCheck
from clearinghouse.licensing.licenses.coverage import question
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry.works_service import get_work


@dataclass(frozen=True)
class AskedFacts:
    upload_ref: str
    uploaded_on: date
    territory: str
    channel: str
    uploader_party_id: str | None = None


def upload_facts(session: Session, principal: Principal, asked: AskedFacts) -> UploadFacts:
    """The checked facts of the caller's upload; 403 for a caller who may not identify it."""
    checked = question("", "", asked.channel, asked.territory, asked.uploaded_on)  # 422 names it
    platform_id = None
    uploader = asked.uploader_party_id
    if principal.is_operator:
        # The operator checks on a platform's behalf: the platform running the channel, if any.
        platform_id = platforms_service.get_platform(session, checked.channel).party_id
    elif principal.has(Role.PLATFORM):
        if checked.channel not in platforms_service.codes_run_by(session, principal.party_id):
            raise Forbidden(f"identify uploads on the platforms you run, not on {checked.channel}",
                            field="channel")
        platform_id = principal.party_id
    elif principal.has(Role.LICENSEE):
        if uploader not in (None, principal.party_id):
            raise Forbidden("a licensee identifies its own uploads", field="uploader_party_id")
        uploader = principal.party_id
    else:
        raise Forbidden("identification is for platforms, licensees and the operator")
    return UploadFacts(platform_party_id=platform_id, uploader_party_id=uploader,
                       upload_ref=asked.upload_ref, uploaded_on=asked.uploaded_on,
                       territory=checked.country, channel=checked.channel, duration_s=0.0)


def identify(session: Session, principal: Principal, facts: UploadFacts, *, sha256: str,
             byte_size: int, prints: Prints, evidence: LicenceEvidence,
             matches: list[MediaMatch], now: datetime) -> UploadCheck:
    """Decide each work found (or licensed) and record the identification."""
    found = references.works_of(session, [m.reference_id for m in matches])
    best = best_per_work([(found[m.reference_id][0], m) for m in matches
                          if m.reference_id in found])
    titles = {work_id: title for work_id, title in found.values()}
    for work_id in evidence.covered_work_ids:
        if work_id not in titles:
            titles[work_id] = get_work(session, work_id).title
    carried = (enforcement.LicenceEvidence(evidence.licence_id)
               if evidence.licensed and evidence.licence_id else None)
    facts = replace(facts, duration_s=prints.duration, licence_checked=carried)
    decided = licensed_outcomes(evidence, list(titles))
    unlicensed = [WorkMatch(w, m.reference_id, m) for w, m in best.items() if w not in decided]
    if facts.platform_party_id is None and facts.uploader_party_id is None:
        # Nobody to claim against (the operator, on a channel no platform party runs): found,
        # recorded, and nothing claimed.
        for m in unlicensed:
            decided[m.work_id] = MatchOutcome(m.work_id, "matched", None, None, None)
    else:
        for outcome in enforcement_service.act_on_matches(session, upload=facts,
                                                          matches=unlicensed, now=now):
            decided[outcome.work_id] = outcome
    works = [WorkResult(work_id=w, work_title=titles[w], outcome=o.outcome, match=best.get(w),
                        licence_id=o.licence_id, claim_id=o.claim_id, policy=o.policy)
             for w, o in decided.items()]
    works.sort(key=lambda r: -(r.match.score if r.match else 1.0))
    row = repository.add(session, UploadCheck(
        id=new_id("idn"), requested_by_id=principal.party_id,
        platform_party_id=facts.platform_party_id, uploader_party_id=facts.uploader_party_id,
        upload_ref=facts.upload_ref, uploaded_on=facts.uploaded_on, territory=facts.territory,
        channel=facts.channel, file_sha256=sha256, byte_size=byte_size, kind=prints.kind,
        duration_s=round(prints.duration, 3), licence_id=evidence.licence_id,
        licence_verdict=evidence.verdict, results=results_json(evidence, works), created_at=now))
    record(session, principal, "upload.identify", "upload_check", row.id,
           after={"upload_ref": facts.upload_ref, "works": len(works),
                  "licence": evidence.verdict})
    return row


def get_identification(session: Session, principal: Principal, check_id: str) -> UploadCheck:
    row = repository.get(session, check_id)
    if row is None or not (principal.is_operator or row.requested_by_id == principal.party_id):
        raise NotFound(f"identification {check_id} not found", field="identification_id")
    return row
