"""Certificates (JSON, PDF, public verification) and ODRL exports of licenses and offers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from clearinghouse.api.deps import DB, Caller, settings_of
from clearinghouse.api.responses import AUTHED, BASE, PUBLIC, errors
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.certificates import service as certificate_service
from clearinghouse.licensing.licenses import service as licenses_service
from clearinghouse.licensing.licenses.schemas import (
    VerifyResult,
)
from clearinghouse.licensing.policies import odrl

LD_JSON = "application/ld+json"  # ODRL policies are JSON-LD

api = APIRouter(prefix="/api/v1")
public = APIRouter()


# -- certificates and ODRL ----------------------------------------------------------------------


@api.get(
    "/licenses/{license_id}/certificate",
    tags=["certificates"],
    responses=AUTHED,
    response_model=dict[str, Any],
)
def license_certificate(db: DB, caller: Caller, license_id: str) -> JSONResponse:
    """The signed certificate (JSON). Anyone can check it at POST /api/v1/certificates/verify."""
    lic = licenses_service.get_license(db, caller, license_id)
    return JSONResponse(certificate_service.document(lic))


@api.get(
    "/licenses/{license_id}/certificate.pdf",
    tags=["certificates"],
    responses=AUTHED,
    response_class=Response,
)
def license_certificate_pdf(db: DB, caller: Caller, request: Request, license_id: str) -> Response:
    """The certificate as a bilingual PDF with a QR code to the public verification page."""
    lic = licenses_service.get_license(db, caller, license_id)
    data = certificate_service.pdf(lic, settings_of(request))
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{lic.id}.pdf"'},
    )


@api.post(
    "/certificates/verify",
    response_model=VerifyResult,
    tags=["certificates"],
    responses=BASE | errors(413, 415),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            }
        }
    },
)
async def verify_certificate(request: Request) -> VerifyResult:
    """Public: is this certificate genuine, and is its license still good? Send the JSON document,
    the PDF, a delivered image, video or song (its C2PA manifest), or any of them as a multipart
    `file`. `valid` is true only for a genuine, unchanged file of an active license."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=1)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ValidationFailed(
                "send the certificate as the multipart field `file`", field="file"
            )
        data = await upload.read()
    else:
        data = await request.body()
    settings = settings_of(request)

    def check() -> VerifyResult:
        with request.app.state.read_sessions() as session:
            return certificate_service.verify_bytes(session, data, settings)

    return await run_in_threadpool(check)


@public.get(
    "/verify/{license_id}", response_model=VerifyResult, tags=["certificates"], responses=PUBLIC
)
def verify_page(db: DB, license_id: str) -> VerifyResult:
    """Public status of a license, the page a certificate's QR code opens: valid, pending,
    suspended,
    revoked or expired (no prices, no terms)."""
    return certificate_service.public_status(db, license_id)


@api.get(
    "/licenses/{license_id}/odrl", tags=["odrl"], responses=AUTHED, response_model=dict[str, Any]
)
def license_odrl(db: DB, caller: Caller, request: Request, license_id: str) -> JSONResponse:
    """The license as a W3C ODRL 2.2 Agreement (JSON-LD, inline context)."""
    lic = licenses_service.get_license(db, caller, license_id)
    doc = odrl.agreement_for_license(
        lic, settings_of(request).public_url, licenses_service.operator_id(db)
    )
    return JSONResponse(doc, media_type=LD_JSON)


@api.get("/offers/{offer_id}/odrl", tags=["odrl"], responses=PUBLIC, response_model=dict[str, Any])
def offer_odrl(db: DB, request: Request, offer_id: str) -> JSONResponse:
    """Public: a rate card as a W3C ODRL 2.2 Offer (JSON-LD, inline context)."""
    offer = offers_service.get_offer(db, offer_id)
    template = templates_service.get_template(db, offer.template_id)
    doc = odrl.offer_policy(offer, template, settings_of(request).public_url)
    return JSONResponse(doc, media_type=LD_JSON)


router = APIRouter()
router.include_router(api)
router.include_router(public)
