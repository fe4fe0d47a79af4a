"""The warning notice a new claim sends: for the policies that ask the platform to act (warn,
offer, block) the notice is issued on the owner's behalf and queued to the platform as a signed
webhook (enforcement/notices); track and monetise send none (nothing is asked of the upload)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from clearinghouse.enforcement.notices import service as notices
from clearinghouse.enforcement.notices.facts import MatchedRange, NoticeFacts
from clearinghouse.enforcement.tables import ContentClaim
from clearinghouse.licensing.quotes import repository as quotes
from clearinghouse.registry import repository as registry

NOTIFIED_POLICIES = frozenset({"warn", "offer", "block"})


def notify(session: Session, claim: ContentClaim, now: datetime) -> str | None:
    """Issue the claim's notice when its policy asks for one and a platform can receive it;
    the notice's id, or None."""
    if claim.policy not in NOTIFIED_POLICIES or claim.platform_id is None:
        return None
    work = registry.get_work(session, claim.work_id)
    owner = registry.get_party(session, claim.owner_id)
    platform = registry.get_party(session, claim.platform_id)
    m = claim.matched
    price_minor = currency = None
    if claim.quote_id is not None:
        quote = quotes.get(session, claim.quote_id)
        if quote is not None:
            price_minor, currency = quote.totals.total_minor, quote.currency
    facts = NoticeFacts(
        work_title=work.title if work else claim.work_id,
        owner_name=owner.name if owner else claim.owner_id,
        upload_ref=claim.upload_ref, platform_name=platform.name if platform else claim.platform_id,
        ranges=(MatchedRange(float(m["query_start"]), float(m["query_end"]),
                             float(m["reference_start"]), float(m["reference_end"])),),
        score=min(max(float(claim.score), 0.0), 1.0),
        false_match_rate=min(max(float(claim.false_match_rate), 0.0), 1.0),
        policy=claim.policy, issued_at=now, work_id=claim.work_id, quote_id=claim.quote_id,
        buy_url=f"/claims/{claim.id}" if claim.quote_id else None, price_minor=price_minor,
        currency=currency, dispute_url=f"/claims/{claim.id}")
    record = notices.issue(session, facts, claim.platform_id, now, claim_id=claim.id,
                           owner_party_id=claim.owner_id)
    return record.id
