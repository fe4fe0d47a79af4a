"""Certificates and credentials (JSON, PDF, public verification, the issuer's keys) and ODRL
exports of licenses and offers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

from clearinghouse.api.deps import DB, Caller, settings_of
from clearinghouse.api.responses import AUTHED, BASE, PUBLIC, errors
from clearinghouse.core.bounds import EARLIEST_DATE, LATEST_DATE
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.certificates import credential, did
from clearinghouse.licensing.certificates import service as certificate_service
from clearinghouse.licensing.certificates.schemas import VerifyResult
from clearinghouse.licensing.licenses import service as licenses_service
from clearinghouse.licensing.policies import odrl

LD_JSON = "application/ld+json"  # ODRL policies are JSON-LD
# Keys change only when the operator rotates them: a verifier may keep them for five minutes.
KEYS_CACHE = {"Cache-Control": "public, max-age=300"}

AtDay = Annotated[
    date | None,
    Query(
        ge=EARLIEST_DATE,
        le=LATEST_DATE,
        description="Answer for this day (YYYY-MM-DD), e.g. the day a video was uploaded; "
        "default today (UTC)",
        json_schema_extra={
            "formatMinimum": EARLIEST_DATE.isoformat(),
            "formatMaximum": LATEST_DATE.isoformat(),
        },
    ),
]


class JwkSetResponse(JSONResponse):
    media_type = "application/jwk-set+json"  # RFC 7517 section 8.5


class DidDocumentResponse(JSONResponse):
    media_type = "application/did+ld+json"  # DID Core: the JSON-LD representation


class CredentialResponse(JSONResponse):
    media_type = credential.MEDIA_TYPE


def _json_object(response: type[JSONResponse], description: str) -> dict[int | str, Any]:
    # Documented by hand: a response_class would give its media type to the errors too.
    return {200: {"description": description,
                  "content": {response.media_type: {"schema": {"type": "object"}}}}}

def asks_for_html(scope: Scope) -> bool:
    """A browser opening a link (its Accept names text/html); API clients send JSON or */*."""
    accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1").lower()
    return "text/html" in accept


class JsonForApiClients(APIRoute):
    """The QR link's JSON answer, for API clients only: a browser opening the same address falls
    through to the verify page (licensing/certificates/pages.py), which shows the same answer."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get("type") == "http" and asks_for_html(scope):
            return Match.NONE, {}
        return super().matches(scope)


api = APIRouter(prefix="/api/v1")
public = APIRouter()
qr_link = APIRouter(route_class=JsonForApiClients)


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


@api.get(
    "/licenses/{license_id}/credential",
    tags=["certificates"],
    responses=AUTHED | _json_object(CredentialResponse, "The signed credential"),
    response_class=Response,
)
def license_credential(
    db: DB, caller: Caller, request: Request, license_id: str
) -> CredentialResponse:
    """The license as a W3C Verifiable Credential 2.0 (Data Integrity proof `eddsa-jcs-2022`,
    issuer the did:web of this clearinghouse, subject the ODRL agreement). Anyone can check it
    at POST /api/v1/certificates/verify or offline against GET /.well-known/did.json."""
    lic = licenses_service.get_license(db, caller, license_id)
    return CredentialResponse(certificate_service.credential_for(db, lic, settings_of(request)))


@api.get(
    "/certificates/keys",
    tags=["certificates"],
    responses=BASE | _json_object(JwkSetResponse, "The JSON Web Key Set"),
    response_class=Response,
)
def certificate_keys(request: Request) -> JwkSetResponse:
    """Public: every key that signed certificates and credentials, rotated-out ones included, as
    a JSON Web Key Set (RFC 7517; OKP/Ed25519, `kid`, `use: sig`, `alg: EdDSA`)."""
    ring = certificate_service.keyring(settings_of(request))
    return JwkSetResponse(ring.jwks(), headers=KEYS_CACHE)


@public.get(
    "/.well-known/did.json",
    tags=["certificates"],
    responses=BASE | _json_object(DidDocumentResponse, "The DID document"),
    response_class=Response,
)
def did_document(request: Request) -> DidDocumentResponse:
    """Public: the issuer's did:web DID document; every key is a Multikey verification method
    `did:web:<host>#<kid>` and an assertion method."""
    settings = settings_of(request)
    ring = certificate_service.keyring(settings)
    doc = did.did_document(did.did_web(settings.public_url), ring.raw_public_keys())
    return DidDocumentResponse(doc, headers=KEYS_CACHE)


@api.post(
    "/certificates/verify",
    response_model=VerifyResult,
    tags=["certificates"],
    responses=BASE | errors(413, 415),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "object"}},
                credential.MEDIA_TYPE: {"schema": {"type": "object"}},
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
async def verify_certificate(request: Request, at: AtDay = None) -> VerifyResult:
    """Public: is this certificate or credential genuine, and is its license in force on `at`
    (today by default)? Send the certificate JSON, its PDF, the credential, a delivered image,
    video or song (its C2PA manifest), or any of them as a multipart `file`. `valid` is true only
    for a genuine, unchanged document of a license in force that day; `terms` shows what the
    document grants, in data and in words."""
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
            return certificate_service.verify_bytes(session, data, settings, at)

    return await run_in_threadpool(check)


@qr_link.get(
    "/verify/{license_id}", response_model=VerifyResult, tags=["certificates"], responses=PUBLIC
)
def verify_page(db: DB, license_id: str, at: AtDay = None) -> VerifyResult:
    """Public status of a license on `at` (today by default), the page a certificate's QR code
    opens: valid, not_yet_valid, pending_payment, suspended, revoked or expired, with the signed
    terms in English and Chinese (no prices)."""
    return certificate_service.public_status(db, license_id, at)


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
router.include_router(qr_link)
