"""Buying a quote: one transaction that issues the license for every line, or nothing at all.

Order matters under concurrency. Every work on the quote's lines is locked first (a recording's quote
also locks the composition it embodies; exclusivity.lock_works), and only then
are the idempotency key, the quote's state, the holdings and the exclusivity checked: a second
buyer of the same work waits for the first to commit and then sees its license.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.audit import record
from clearinghouse.core.clock import as_utc, utcnow
from clearinghouse.core.errors import Conflict, Forbidden, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.settings import Settings
from clearinghouse.core.territories import expand
from clearinghouse.licensing.certificates import service as certificate_service
from clearinghouse.licensing.domain import Quote, Share, covers_period, holder_share
from clearinghouse.licensing.licenses import coverage, exclusivity, payments
from clearinghouse.licensing.licenses import repository as licenses_repository
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.licensing.licenses.tables import License, LicenseLine, Payment
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.facts import use_to_json
from clearinghouse.licensing.terms import PAST_USE_SOURCE, Use, back_dated
from clearinghouse.registry import repository

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class PurchaseRequest:
    quote_id: str
    accept_partial: bool = False
    expected_total_minor: int | None = None

    def fingerprint(self) -> str:
        """What makes two submissions "the same request" for the idempotency key."""
        body = {
            "quote_id": self.quote_id,
            "accept_partial": self.accept_partial,
            "expected_total_minor": self.expected_total_minor,
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class PurchaseResult:
    license: License
    payment: Payment | None
    created: bool  # False: the same request was made before and this is its license


def check_key(key: str | None) -> str:
    text = (key or "").strip()
    if not text:
        raise ValidationFailed(
            "send an Idempotency-Key header (any unique string, e.g. a UUID) so that "
            "a retried purchase never buys twice",
            field="Idempotency-Key",
        )
    if len(text) > MAX_KEY_LENGTH or not text.isprintable():
        raise ValidationFailed(
            f"Idempotency-Key must be printable and at most {MAX_KEY_LENGTH} characters",
            field="Idempotency-Key",
        )
    return text


def _replay(
    session: Session, licensee_id: str, key: str, request: PurchaseRequest
) -> PurchaseResult | None:
    lic = licenses_repository.license_by_idempotency_key(session, licensee_id, key)
    if lic is None:
        return None
    if lic.request_hash != request.fingerprint():
        raise Conflict(
            "this Idempotency-Key was already used for a different purchase; use a new key",
            field="Idempotency-Key",
            details={"license_id": lic.id},
        )
    payment = next(iter(licenses.payments_of(session, lic.id)), None)
    return PurchaseResult(lic, payment, created=False)


def bought_with_key(session: Session, principal: Principal, key: str) -> PurchaseResult | None:
    """The licence this licensee already bought with this key, whatever quote it came from: a
    form posted twice quotes twice, but a person who clicked "buy" twice meant one purchase."""
    lic = licenses_repository.license_by_idempotency_key(session, principal.party_id, key)
    if lic is None:
        return None
    payment = next(iter(licenses.payments_of(session, lic.id)), None)
    return PurchaseResult(lic, payment, created=False)


def _check_quote(quote: Quote, principal: Principal, request: PurchaseRequest) -> None:
    if quote.licensee_id != principal.party_id:
        raise Forbidden(
            "you may buy only your own quote; the licensee named on a quote buys it",
            field="quote_id",
        )
    quote.require_open(utcnow())
    start = quote.use.start
    if back_dated(start, licenses.today()) and quote.source != PAST_USE_SOURCE:
        raise Conflict(
            f"quote {quote.id} starts on {start}, which has passed; a license never starts "
            "before the day it is bought, so ask for a new quote",
            field="quote_id",
            details={"start": start.isoformat(), "today": licenses.today().isoformat()},
        )
    if quote.unclearable and not request.accept_partial:
        raise Conflict(
            f"quote {quote.id} cannot clear everything you asked for "
            f"({len(quote.unclearable)} part(s) need a "
            "referral to the owner); buy the rest with accept_partial: true, or ask for a referral",
            field="body.accept_partial",
            details={"unclearable": [u.to_json() for u in quote.unclearable]},
        )
    if not quote.lines:
        raise Conflict(
            f"quote {quote.id} has nothing that can be licensed routinely", field="quote_id"
        )
    total = quote.totals.total_minor
    if request.expected_total_minor is not None and request.expected_total_minor != total:
        raise Conflict(
            f"the price changed: the quote's total is {total} minor units of {quote.currency}, "
            f"you expected {request.expected_total_minor}",
            field="body.expected_total_minor",
            details={
                "total_minor": total,
                "expected_total_minor": request.expected_total_minor,
                "currency": quote.currency,
            },
        )


def _use_countries(use: Use) -> frozenset[str]:
    return expand(use.territories, use.territories_excluded)


def _check_holdings(session: Session, quote: Quote) -> None:
    """Each quoted holder still holds its right in the same share, and nothing changed since."""
    use = quote.use
    countries = _use_countries(use)
    work_ids = sorted(set(quote.line_work_ids))
    holdings = repository.holdings_of_works(session, work_ids)
    held = [h for h in holdings if covers_period(h.valid_from, h.valid_to, use.start, use.end)]
    problems: list[dict[str, Any]] = []
    for i, line in enumerate(quote.lines):
        mine = [
            Share(h.share_ppm, expand(h.territories, h.territories_excluded))
            for h in held
            if h.work_id == line.work_id
            and h.holder_id == line.holder_id
            and line.right in h.rights
        ]
        if holder_share(mine, countries) != line.share_ppm:
            problems.append(
                {
                    "field": f"lines[{i}]",
                    "work_id": line.work_id,
                    "right": line.right,
                    "holder_id": line.holder_id,
                    "message": "no longer holds this right in this share",
                }
            )
    rights_of = {(line.work_id, line.right) for line in quote.lines}
    for h in holdings:
        touched = as_utc(max(h.created_at, h.updated_at))
        if touched > quote.created_at and any((h.work_id, r) in rights_of for r in h.rights):
            problems.append(
                {
                    "holding_id": h.id,
                    "work_id": h.work_id,
                    "holder_id": h.holder_id,
                    "message": "registered or changed after the quote",
                }
            )
    if problems:
        raise Conflict(
            "holdings changed since the quote; quote again", field="quote_id", details=problems
        )


def _new_license(quote: Quote, principal: Principal, key: str, request: PurchaseRequest) -> License:
    use = quote.use
    use_countries = _use_countries(use)
    totals = quote.totals
    lic = License(
        id=new_id("lic"),
        quote_id=quote.id,
        licensee_id=principal.party_id,
        status=licenses.PENDING,
        use=use_to_json(use),
        work_ids=quote.line_work_ids,
        rights=sorted({line.right for line in quote.lines}),
        exclusive=use.exclusive,
        valid_from=use.start,
        valid_to=use.end,
        currency=quote.currency,
        subtotal_minor=totals.subtotal_minor,
        licensee_fee_minor=totals.licensee_fee_minor,
        owner_fee_minor=totals.owner_fee_minor,
        total_minor=totals.total_minor,
        totals=totals.to_json(),
        unclearable=[u.to_json() for u in quote.unclearable] if request.accept_partial else [],
        idempotency_key=key,
        request_hash=request.fingerprint(),
    )
    for position, line in enumerate(quote.lines):
        lic.lines.append(
            LicenseLine(
                id=new_id("lil"),
                position=position,
                work_id=line.work_id,
                work_title=line.work_title,
                right=line.right,
                holder_id=line.holder_id,
                holder_name=line.holder_name,
                share_ppm=line.share_ppm,
                offer_id=line.offer_id,
                offer_version=line.offer_version,
                template_id=line.template_id,
                template_code=line.template_code,
                offer_currency=line.currency,
                fixed_fee_minor=line.fixed_fee_minor,
                advance_minor=line.advance_minor,
                minimum_guarantee_minor=line.minimum_guarantee_minor,
                per_1000_plays_minor=line.per_1000_plays_minor,
                per_copy_minor=line.per_copy_minor,
                revenue_share_pct=line.revenue_share_pct,
                upfront_minor=line.upfront_minor,
                upfront_converted_minor=line.upfront_converted_minor,
                owner_fee_minor=line.owner_fee_minor,
                holder_net_minor=line.holder_net_minor,
                countries=line.countries_or(use_countries),
            )
        )
    _check_sums(lic)
    return lic


def _check_sums(lic: License) -> None:
    """The quote's parts must add up to its total, or the ledger could not balance."""
    nets = sum(line.holder_net_minor for line in lic.lines)
    if nets + lic.licensee_fee_minor + lic.owner_fee_minor != lic.total_minor:
        raise Conflict(
            "the quote's lines do not add up to its total; quote again",
            field="quote_id",
            details={
                "holder_nets": nets,
                "licensee_fee_minor": lic.licensee_fee_minor,
                "owner_fee_minor": lic.owner_fee_minor,
                "total_minor": lic.total_minor,
            },
        )


def purchase(
    session: Session,
    principal: Principal,
    request: PurchaseRequest,
    idempotency_key: str | None,
    settings: Settings,
) -> PurchaseResult:
    key = check_key(idempotency_key)
    if not principal.has(Role.LICENSEE):
        raise Forbidden("only a licensee buys licenses")
    earlier = _replay(session, principal.party_id, key, request)
    if earlier is not None:
        return earlier
    quote = quotes_service.get_quote(session, principal, request.quote_id)
    if exclusivity.lock_works(session, exclusivity.works_touched(quote)):
        # We may have waited for the lock: a twin request may have won it, and the quote's
        # state may have changed meanwhile. (SQLite's writer held its lock from the start.)
        earlier = _replay(session, principal.party_id, key, request)
        if earlier is not None:
            return earlier
        quote = quotes_service.get_quote(session, principal, quote.id, fresh=True)
    _check_quote(quote, principal, request)
    _check_holdings(session, quote)
    exclusivity.check_quote(session, quote, quote.use.start, quote.use.end, on=licenses.today())

    lic = _new_license(quote, principal, key, request)
    # Signed before the first write: the licence is inserted once, certificate included, and
    # the quote marked bought before it, so the writes below go out in fewer flushes.
    certificate_service.issue(session, lic, settings)
    quotes_service.mark_purchased(session, quote, principal)
    session.add(lic)
    session.flush()
    coverage.write_for(session, lic)
    licenses.log_event(session, principal, lic, "purchase", None, f"bought quote {quote.id}")
    record(
        session,
        principal,
        "license.purchase",
        "license",
        lic.id,
        None,
        licenses.license_snapshot(lic),
    )
    payment: Payment | None = None
    if lic.total_minor > 0:
        payment = payments.start_payment(session, principal, lic)
    else:  # nothing to pay: a free license runs at once
        licenses.transition(session, principal, lic, licenses.ACTIVE, "activate", "nothing to pay")
    session.flush()
    return PurchaseResult(lic, payment, created=True)
