"""Content claims: what an identified upload leads to, and the claim's own steps (read, withdraw,
buy its offer). Services flush; the caller (API dependency, CLI, page) commits.

`act_on_matches` is the entry point identification calls for an upload: a match below the
threshold does nothing; a licensed use is never claimed; otherwise one claim per upload, platform
and work (the same upload identified again is the same claim) under the owner's policy. Policy
"offer" attaches a quote addressed to the uploader, priced by licensing's quote engine from the
work's routine offers; buying it is an ordinary purchase and closes the claim as licensed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.settings import Settings
from clearinghouse.enforcement import claim_notices, disputes, licensed, policies, repository
from clearinghouse.enforcement.domain import (
    ClaimStatus,
    MatchOutcome,
    Policy,
    UploadFacts,
    WorkMatch,
    above_threshold,
    check_claim_open_for,
    matched_seconds,
)
from clearinghouse.enforcement.sides import Seat, log, managing_owner, uploader_side, visible_claim
from clearinghouse.enforcement.tables import ClaimEvent, ContentClaim
from clearinghouse.licensing.purchases import service as purchases
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.terms import (
    PAST_USE_SOURCE,
    Portion,
    PortionUnit,
    Purpose,
    Use,
    channels_named,
)
from clearinghouse.registry import owner_service
from clearinghouse.registry import repository as registry
from clearinghouse.royalties.unlicensed import pricing

OFFER_CURRENCY = "CNY"  # the routine offers' market currency
OFFER_TERM_DAYS = 365  # a routine short-video licence's term, from the day of the upload
OFFER_VALID_SECONDS = 30 * 24 * 3600  # the uploader needs time to look; the quote holds its price


def _offer(session: Session, claim: ContentClaim, now: datetime) -> str | None:
    """A quote for the upload's use, addressed to the uploader (or, none known, its platform),
    from the work's routine offers; None where none prices it (the claim then simply tracks)."""
    addressee = claim.uploader_id or claim.platform_id
    if addressee is None:
        return None
    seconds = math.ceil(float(claim.matched.get("seconds", 0.0)))
    use = Use(work_ids=(claim.work_id,), purpose=Purpose.COMMERCIAL,
              channels=frozenset(channels_named([claim.channel], field="channel")), uses=1,
              portion=Portion(PortionUnit.SECONDS, seconds) if seconds > 0
              else Portion(PortionUnit.WHOLE, None),
              modified=False, territories=(claim.territory,), start=claim.uploaded_on,
              term_days=OFFER_TERM_DAYS, exclusive=False)
    result = pricing.routine(session, use, OFFER_CURRENCY, now.date())
    if not result.lines or result.unclearable:
        return None
    quote = quotes_service.save_quote(session, None, addressee, use, OFFER_CURRENCY, result,
                                      OFFER_VALID_SECONDS, source=PAST_USE_SOURCE, now=now)
    return quote.id


def _matched(m: WorkMatch) -> dict[str, Any]:
    match = m.match
    return {"query_start": match.query_start, "query_end": match.query_end,
            "reference_start": match.reference_start, "reference_end": match.reference_end,
            "seconds": matched_seconds(match), "speed": match.speed, "mirrored": match.mirrored}


def _check_upload(upload: UploadFacts) -> None:
    if not upload.upload_ref or len(upload.upload_ref) > 200:
        raise ValidationFailed("an upload reference is 1 to 200 characters", field="upload_ref")
    if upload.platform_party_id is None and upload.uploader_party_id is None:
        raise ValidationFailed("an upload names its platform or its uploader", field="upload")


def act_on_matches(session: Session, *, upload: UploadFacts, matches: Sequence[WorkMatch],
                   now: datetime) -> list[MatchOutcome]:
    """For each match, in order: below_threshold, licensed (no claim) or claimed."""
    _check_upload(upload)
    platform_key = upload.platform_party_id or "-"
    outcomes: list[MatchOutcome] = []
    for m in matches:
        if not above_threshold(m.match):
            outcomes.append(MatchOutcome(m.work_id, "below_threshold", None, None, None))
            continue
        found = repository.work_category(session, m.work_id)
        if found is None:
            raise ValidationFailed(f"work {m.work_id} not found", field="work_id")
        owner_id, category = found
        licence = licensed.covering_licence(session, work_id=m.work_id, category=category,
                                            upload=upload, matched_s=matched_seconds(m.match))
        claim = repository.claim_of_upload(session, upload.upload_ref, platform_key, m.work_id)
        if licence is not None:
            if claim is not None and claim.status == ClaimStatus.OPEN:
                _close_licensed(session, None, claim, licence, Seat.SYSTEM, now)
            outcomes.append(MatchOutcome(m.work_id, "licensed", licence,
                                         claim.id if claim else None, None))
            continue
        if claim is None:
            claim = _new_claim(session, upload, m, owner_id, platform_key, now)
        if claim.status == ClaimStatus.LICENSED:
            outcomes.append(MatchOutcome(m.work_id, "licensed", claim.license_id, claim.id, None))
        else:
            outcomes.append(MatchOutcome(m.work_id, "claimed", None, claim.id, claim.policy))
    return outcomes


def _new_claim(session: Session, upload: UploadFacts, m: WorkMatch, owner_id: str,
               platform_key: str, now: datetime) -> ContentClaim:
    policy = policies.applying(session, owner_id, m.work_id, upload.territory.upper())
    claim = repository.add(session, ContentClaim(
        id=new_id("ccl"), work_id=m.work_id, owner_id=owner_id, reference_id=str(m.reference_id),
        platform_id=upload.platform_party_id, uploader_id=upload.uploader_party_id,
        upload_ref=upload.upload_ref, platform_key=platform_key, uploaded_on=upload.uploaded_on,
        territory=upload.territory.upper(), channel=upload.channel, duration_s=upload.duration_s,
        media_kind=m.match.kind, matched=_matched(m), score=m.match.score,
        false_match_rate=m.match.false_match_rate, policy=policy.value,
        status=ClaimStatus.OPEN.value, created_at=now, updated_at=now))
    if policy is Policy.OFFER:
        claim.quote_id = _offer(session, claim, now)
    log(session, None, claim, Seat.SYSTEM, "claimed", f"policy {policy.value}")
    claim_notices.notify(session, claim, now)
    return claim


def _close_licensed(session: Session, principal: Principal | None, claim: ContentClaim,
                    license_id: str, seat: Seat, now: datetime) -> None:
    claim.status, claim.license_id, claim.updated_at = ClaimStatus.LICENSED.value, license_id, now
    session.flush()
    log(session, principal, claim, seat, "licensed", f"licence {license_id}")
    disputes.close_with_claim(session, principal, claim, now)


# -- the claim's own steps -----------------------------------------------------------------------


def get_claim(session: Session, principal: Principal, claim_id: str) -> ContentClaim:
    claim, _ = visible_claim(session, principal, claim_id)
    disputes.lapse_if_due(session, claim, utcnow())  # lazily, as the scheduled job would
    return claim


def list_claims(session: Session, principal: Principal, *, status: str | None, offset: int,
                limit: int) -> tuple[Sequence[ContentClaim], int]:
    """The operator: every claim; an owner: claims on its works; an uploader or platform: claims
    against it."""
    if principal.is_operator:
        return repository.page_of_claims(session, work_ids=None, party_id=None, status=status,
                                         offset=offset, limit=limit)
    work_ids = sorted(owner_service.work_ids_of_owner(session, principal)) \
        if principal.has(Role.OWNER) else []
    return repository.page_of_claims(session, work_ids=work_ids, party_id=principal.party_id,
                                     status=status, offset=offset, limit=limit)


def events(session: Session, principal: Principal, claim_id: str) -> Sequence[ClaimEvent]:
    claim = get_claim(session, principal, claim_id)
    return repository.events_of(session, claim.id)


def withdraw(session: Session, principal: Principal, claim_id: str, note: str | None = None,
             now: datetime | None = None) -> ContentClaim:
    """The owner drops its claim (an open dispute closes in the uploader's favour)."""
    now = now or utcnow()
    claim, _ = visible_claim(session, principal, claim_id, for_update=True)
    managing_owner(session, principal, claim)
    check_claim_open_for(ClaimStatus(claim.status), "withdrawn",
                         (ClaimStatus.OPEN, ClaimStatus.UPHELD))
    claim.status, claim.updated_at = ClaimStatus.WITHDRAWN.value, now
    session.flush()
    log(session, principal, claim, Seat.OWNER, "withdrawn", note)
    disputes.close_with_claim(session, principal, claim, now)
    return claim


def buy(session: Session, principal: Principal, claim_id: str, settings: Settings,
        now: datetime | None = None) -> ContentClaim:
    """The uploader buys the claim's offer in one step (the ordinary purchase: a licence, paid as
    any other); the claim closes as licensed."""
    now = now or utcnow()
    claim, seats = visible_claim(session, principal, claim_id, for_update=True)
    uploader_side(seats)
    check_claim_open_for(ClaimStatus(claim.status), "bought", (ClaimStatus.OPEN, ClaimStatus.UPHELD))
    if claim.quote_id is None:
        raise Conflict("this claim carries no licence offer", field="claim_id")
    bought = purchases.purchase(session, principal, purchases.PurchaseRequest(claim.quote_id),
                                f"content-claim-{claim.id}", settings)
    _close_licensed(session, principal, claim, bought.license.id,
                    Seat.UPLOADER if Seat.UPLOADER in seats else Seat.PLATFORM, now)
    return claim


def notice_facts(session: Session, claim: ContentClaim) -> dict[str, Any]:
    """The plain facts a warning notice states (contract 3: the lead maps these onto
    enforcement.notices.NoticeFacts and renders them when a claim is made under warn or offer)."""
    work = registry.get_work(session, claim.work_id)
    owner = registry.get_party(session, claim.owner_id)
    platform = registry.get_party(session, claim.platform_id) if claim.platform_id else None
    dispute = repository.dispute_of(session, claim.id)
    m = claim.matched
    return {"work_title": work.title if work else claim.work_id,
            "owner_name": owner.name if owner else claim.owner_id,
            "upload_ref": claim.upload_ref, "platform_name": platform.name if platform else None,
            "matched_ranges": [((m["query_start"], m["query_end"]),
                                (m["reference_start"], m["reference_end"]))],
            "score": claim.score, "false_match_rate": claim.false_match_rate,
            "policy": claim.policy, "quote_id": claim.quote_id,
            "buy_link": f"/api/v1/claims/{claim.id}/buy" if claim.quote_id else None,
            "dispute_link": f"/api/v1/claims/{claim.id}/dispute",
            "deadline": dispute.deadline if dispute else None}
