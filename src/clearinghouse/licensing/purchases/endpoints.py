"""REST endpoint for buying: a quote becomes a license, once per Idempotency-Key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.api.auth import LicenseeCaller
from clearinghouse.api.deps import etag, in_transaction, settings_of, write_sessions
from clearinghouse.api.responses import WRITE, errors
from clearinghouse.core.settings import Settings
from clearinghouse.licensing.licenses import service as licenses_service
from clearinghouse.licensing.licenses.schemas import (
    LicenseCreate,
    LicenseOut,
    PurchaseBody,
    license_out,
)
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.licensing.purchases import service as purchase_service

router = APIRouter(prefix="/api/v1")
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Required: a unique string per purchase; repeating it returns the same license",
    ),
]


def _one_out(db: Session, lic: License, base_url: str) -> LicenseOut:
    return license_out(lic, base_url, licenses_service.page_details(db, [lic])[lic.id])


async def _purchase(
    caller: Principal,
    request: Request,
    response: Response,
    quote_id: str,
    body: PurchaseBody | None,
    key: str | None,
) -> LicenseOut:
    body = body or PurchaseBody(accept_partial=False, expected_total_minor=None)
    wanted = purchase_service.PurchaseRequest(quote_id, body.accept_partial, body.expected_total_minor)
    # The purchase, its answer and its commit in one trip through the thread pool.
    created, out = await in_transaction(write_sessions(request), _buy, caller, wanted, key,
                                        settings_of(request))
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/api/v1/licenses/{out.id}"
    response.headers["ETag"] = etag(out.version)
    return out


def _buy(db: Session, caller: Principal, wanted: purchase_service.PurchaseRequest, key: str | None,
         settings: Settings) -> tuple[bool, LicenseOut]:
    result = purchase_service.purchase(db, caller, wanted, key, settings)
    if result.created:  # its only payment is the one just started, and nothing was downloaded
        details = licenses_service.PageDetails(result.payment, downloads=0)
        return True, license_out(result.license, settings.public_url, details)
    return False, _one_out(db, result.license, settings.public_url)


PURCHASE_RESPONSES = (
    WRITE
    | errors(410)
    | {
        200: {
            "description": "The same Idempotency-Key was used before: this is the license it bought"
        }
    }
)


@router.post(
    "/quotes/{quote_id}/purchase",
    response_model=LicenseOut,
    status_code=201,
    tags=["licenses"],
    responses=PURCHASE_RESPONSES,
)
async def purchase_quote(
    caller: LicenseeCaller,
    request: Request,
    response: Response,
    quote_id: str,
    idempotency_key: IdempotencyKey = None,
    body: PurchaseBody | None = None,
) -> LicenseOut:
    """Buy every line of your quote in one go (or none). 201 with the license and how to pay;
    409 when holdings, prices or exclusivity changed, 410 when the quote expired."""
    return await _purchase(caller, request, response, quote_id, body, idempotency_key)


@router.post(
    "/licenses",
    response_model=LicenseOut,
    status_code=201,
    tags=["licenses"],
    responses=PURCHASE_RESPONSES,
)
async def create_license(
    caller: LicenseeCaller,
    request: Request,
    response: Response,
    body: LicenseCreate,
    idempotency_key: IdempotencyKey = None,
) -> LicenseOut:
    """The same as POST /quotes/{quote_id}/purchase, with the quote id in the body."""
    data = PurchaseBody(
        accept_partial=body.accept_partial, expected_total_minor=body.expected_total_minor
    )
    return await _purchase(caller, request, response, body.quote_id, data, idempotency_key)
