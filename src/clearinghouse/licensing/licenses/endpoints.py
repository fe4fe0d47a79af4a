"""REST endpoints for licenses: lifecycle, coverage and payments.

Buying (a quote becomes a license) is in purchases/endpoints.py; certificates and ODRL are in
certificates/endpoints.py, delivery (uploads and downloads) in
delivery/endpoints.py; each router is mounted by the app factory (api/app.py).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from clearinghouse.api.auth import OperatorCaller
from clearinghouse.api.deps import DB, Caller, IfMatch, Limit, Offset, etag, settings_of
from clearinghouse.api.responses import AUTHED, UPDATE, UPDATE_VERSION_OPTIONAL
from clearinghouse.core.schemas import Page
from clearinghouse.core.text import SingleLine
from clearinghouse.licensing.licenses import coverage, payments
from clearinghouse.licensing.licenses import service as licenses_service
from clearinghouse.licensing.licenses.schemas import (
    CancelPayment,
    CoverageOut,
    LicenseEventOut,
    LicenseOut,
    MarkPaid,
    PaymentOut,
    Reinstatement,
    Revocation,
    StatusChange,
    license_out,
    payment_out,
)
from clearinghouse.licensing.licenses.tables import License

router = APIRouter(prefix="/api/v1")
def _one_out(db: DB, lic: License, base_url: str) -> LicenseOut:
    return license_out(lic, base_url, licenses_service.page_details(db, [lic])[lic.id])


@router.get("/licenses", response_model=Page[LicenseOut], tags=["licenses"], responses=AUTHED)
def list_licenses(
    db: DB,
    caller: Caller,
    request: Request,
    offset: Offset = 0,
    limit: Limit = 20,
    status: licenses_service.StatusFilter | None = None,
) -> Page[LicenseOut]:
    """Licenses you bought, and those that pay you as a holder (the operator sees all)."""
    rows, total = licenses_service.list_licenses(
        db, caller, status=status.value if status else None, offset=offset, limit=limit
    )
    base = settings_of(request).public_url
    details = licenses_service.page_details(db, rows)  # one read for the page, not per license
    return Page(
        items=[license_out(lic, base, details[lic.id]) for lic in rows],
        total=total, offset=offset, limit=limit,
    )


@router.get(
    "/licenses/coverage", response_model=CoverageOut, tags=["licenses"], responses=AUTHED
)
def license_coverage(
    db: DB,
    caller: Caller,
    work_id: Annotated[str, Query(max_length=40, description="The work used"), SingleLine],
    licensee_id: Annotated[str, Query(max_length=40, description="Who uses it"), SingleLine],
    channel: Annotated[str, Query(max_length=40, description="One platform, e.g. douyin")],
    country: Annotated[str, Query(max_length=2, description="ISO 3166-1 alpha-2, e.g. CN")],
    on: Annotated[date | None, Query(description="The day of the use; today if left out")] = None,
    right: Annotated[str | None, Query(max_length=40, description="One right; any if left out")]
    = None,
) -> CoverageOut:
    """Is this use licensed? The active licenses that cover work, licensee, platform, country and
    day (and right). A licensee asks about itself; the work's holders and managers (and their
    agents) and the operator ask about anyone; a platform party asks about uses on the platforms
    it runs (`channel` one of them)."""
    q = coverage.question(
        work_id, licensee_id, channel, country, on or licenses_service.today(), right
    )
    found = coverage.covering(db, caller, q)
    return CoverageOut(
        covered=bool(found), license_ids=found, work_id=q.work_id, licensee_id=q.licensee_id,
        channel=q.channel, country=q.country, on=q.on, right=q.right,
    )


@router.get("/licenses/{license_id}", response_model=LicenseOut, tags=["licenses"], responses=AUTHED)
def get_license(
    db: DB, caller: Caller, request: Request, response: Response, license_id: str
) -> LicenseOut:
    lic = licenses_service.get_license(db, caller, license_id)
    response.headers["ETag"] = etag(lic.version)
    return _one_out(db, lic, settings_of(request).public_url)


@router.get(
    "/licenses/{license_id}/events",
    response_model=list[LicenseEventOut],
    tags=["licenses"],
    responses=AUTHED,
)
def license_events(db: DB, caller: Caller, license_id: str) -> list[LicenseEventOut]:
    """Every change of the license's state, oldest first."""
    licenses_service.get_license(db, caller, license_id)
    return [
        LicenseEventOut.model_validate(e, from_attributes=True)
        for e in licenses_service.events_of(db, license_id)
    ]


def _changed(db: DB, request: Request, response: Response, lic: License) -> LicenseOut:
    response.headers["ETag"] = etag(lic.version)
    return _one_out(db, lic, settings_of(request).public_url)


def _status_change(
    action: Any,
    db: DB,
    caller: Caller,
    license_id: str,
    body: StatusChange | None,
    if_match: int | None,
) -> Any:
    body = body or StatusChange(reason_code=None, note=None, version=None)
    version = if_match if if_match is not None else body.version
    return action(db, caller, license_id, body.reason_code, body.note, version)


@router.post(
    "/licenses/{license_id}/revoke", response_model=LicenseOut, tags=["licenses"], responses=UPDATE
)
def revoke_license(
    db: DB,
    caller: OperatorCaller,
    request: Request,
    response: Response,
    license_id: str,
    if_match: IfMatch,
    body: Revocation | None = None,
) -> LicenseOut:
    """Operator: end a license for good (`reason_code` required; `note` optional and private).
    A pending payment is cancelled; a paid license is refunded (its sale reversed in the ledger,
    what the licensee paid owed back to it) when `refund` is true, by default for the reasons
    `error`, `rights_dispute` and `owner_request`."""
    refund = body.refund if body is not None else None
    lic = _status_change(partial(licenses_service.revoke, refund=refund), db, caller, license_id,
                         body, if_match)
    return _changed(db, request, response, lic)


@router.post(
    "/licenses/{license_id}/suspend", response_model=LicenseOut, tags=["licenses"], responses=UPDATE
)
def suspend_license(
    db: DB,
    caller: OperatorCaller,
    request: Request,
    response: Response,
    license_id: str,
    if_match: IfMatch,
    body: StatusChange | None = None,
) -> LicenseOut:
    """Operator: pause an active license (`reason_code` required; `note` optional and private);
    reinstate undoes it."""
    lic = _status_change(licenses_service.suspend, db, caller, license_id, body, if_match)
    return _changed(db, request, response, lic)


@router.post(
    "/licenses/{license_id}/reinstate",
    response_model=LicenseOut,
    tags=["licenses"],
    responses=UPDATE,
)
def reinstate_license(
    db: DB,
    caller: OperatorCaller,
    request: Request,
    response: Response,
    license_id: str,
    if_match: IfMatch,
    body: Reinstatement | None = None,
) -> LicenseOut:
    """Operator: lift a suspension (an optional `note` for the parties)."""
    body = body or Reinstatement(note=None, version=None)
    version = if_match if if_match is not None else body.version
    lic = licenses_service.reinstate(db, caller, license_id, body.note, version)
    return _changed(db, request, response, lic)


# -- payments -----------------------------------------------------------------------------------


@router.get("/payments/{payment_id}", response_model=PaymentOut, tags=["payments"], responses=AUTHED)
def get_payment(db: DB, caller: Caller, payment_id: str) -> PaymentOut:
    return payment_out(payments.get_payment(db, caller, payment_id))


@router.post(
    "/payments/{payment_id}/mark-paid",
    response_model=PaymentOut,
    tags=["payments"],
    responses=UPDATE_VERSION_OPTIONAL,
)
def mark_paid(
    db: DB, caller: OperatorCaller, payment_id: str, body: MarkPaid, if_match: IfMatch
) -> PaymentOut:
    """Operator: the transfer arrived. The license becomes active; the ledger records the sale."""
    version = if_match if if_match is not None else body.version
    return payment_out(payments.mark_paid(db, caller, payment_id, body.reference, version))


@router.post(
    "/payments/{payment_id}/cancel",
    response_model=PaymentOut,
    tags=["payments"],
    responses=UPDATE_VERSION_OPTIONAL,
)
def cancel_payment(
    db: DB, caller: OperatorCaller, payment_id: str, if_match: IfMatch, body: CancelPayment | None = None
) -> PaymentOut:
    """Operator: the money never came; the unpaid license is revoked for non-payment."""
    body = body or CancelPayment()
    version = if_match if if_match is not None else body.version
    return payment_out(payments.cancel(db, caller, payment_id, body.reason, version))
