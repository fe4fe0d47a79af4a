"""License certificates: issue (sign) at purchase, render as JSON or PDF, verify anyone's copy.

Signing, the keyring and the PDF live in the certificates package; this module decides what a
license's certificate (and credential) says and what a verification answers. A genuine signature
is not enough: the license must also be good on the day asked (see verdicts.py).

The signed document is stored with the license when it is issued, so rotating the key later never
changes a certificate already handed out, and every download of it is byte-for-byte the same.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import NotFound, PayloadTooLarge, ValidationFailed
from clearinghouse.core.settings import Settings
from clearinghouse.licensing import certificates
from clearinghouse.licensing.certificates import credential, did, file_checks, verdicts, wording
from clearinghouse.licensing.certificates.document import parse_strict_json
from clearinghouse.licensing.certificates.pdf_reading import LIMITS, MAX_FILE_BYTES, DocumentTooLarge
from clearinghouse.licensing.certificates.pdf_signature import sign_pdf
from clearinghouse.licensing.certificates.schemas import VerifyResult
from clearinghouse.licensing.certificates.x509 import SigningMaterial, ensure_signing_material
from clearinghouse.licensing.domain import Grant, Unclearable, use_from_json
from clearinghouse.licensing.licenses import reasons
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.licensing.policies import odrl
from clearinghouse.registry import page_repository, repository

CERTIFICATE_TYPE = "clearinghouse.license-certificate"
# 2: each right states its own countries and period, and `not_cleared` lists what a partial
# purchase left out. Version 1 certificates stay as signed and still verify.
CERTIFICATE_VERSION = 2


def keyring(settings: Settings) -> certificates.Keyring:
    """The clearinghouse's signing keys under `keys_dir`, created on first use."""
    return certificates.Keyring.open(settings.keys_dir, create=True)


def payload_for(session: Session, lic: License, settings: Settings) -> dict[str, Any]:
    """What the certificate says: who may do what with which works, on what terms, for how much."""
    base = settings.public_url
    use = use_from_json(lic.use)
    grants = [Grant.of_line(line) for line in lic.lines]
    operator, licensee_name = repository.operator_and_party_name(session, lic.licensee_id)
    if operator is None:
        raise NotFound("no operator party yet: run `clearinghouse init` first")
    works = page_repository.work_identities(session, lic.work_ids)

    def party(party_id: str, name: str | None = None) -> dict[str, str]:
        if name is None:
            row = repository.get_party(session, party_id)
            name = row.name if row is not None else party_id
        return {"id": party_id, "name": name}

    # A reader takes "valid until" as the last valid day, so the certificate states it
    # inclusively; stored periods stay half-open (valid_to is the first day after).
    valid_until = (lic.valid_to - timedelta(days=1)).isoformat() if lic.valid_to else None
    return {
        "type": CERTIFICATE_TYPE,
        "version": CERTIFICATE_VERSION,
        "license_id": lic.id,
        "quote_id": lic.quote_id,
        "issued_at": utcnow().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "issuer": party(*operator) | {"url": base},
        "licensee": party(lic.licensee_id, licensee_name),
        "valid_from": lic.valid_from.isoformat(),
        "valid_until": valid_until,
        "works": [
            {
                "id": w.id,
                "title": w.title,
                "type": w.type_code,
                "identifiers": dict(w.identifiers),
            }
            for w in (works[wid] for wid in lic.work_ids if wid in works)
        ],
        "terms": {
            "purpose": use.purpose.value,
            "channels": sorted(c.value for c in use.channels),
            "uses": use.uses,
            "portion": {"unit": use.portion.unit.value, "value": use.portion.value},
            "modification": "edits_allowed" if use.modified else "original_only",
            "territories": list(use.territories),
            "territories_excluded": list(use.territories_excluded),
            "start": lic.valid_from.isoformat(),
            "term_days": use.term_days,
            "exclusive": bool(lic.exclusive),
        },
        "rights": [
            {
                "work_id": grant.work_id,
                "right": grant.right,
                "holder": party(grant.holder_id, grant.holder_name),
                "share": grant.share,
                "countries": list(grant.countries),
                "valid_from": lic.valid_from.isoformat(),
                "valid_until": valid_until,
            }
            for grant in grants
        ],
        # Parts of the use this license does not cover (bought with accept_partial), and why.
        "not_cleared": [
            {
                "work_id": part.work_id,
                "right": part.right,
                "holder": party(part.holder_id) if part.holder_id else None,
                "share": part.share,
                "countries": list(part.countries),
                "reason": part.reason,
            }
            for part in (Unclearable.from_json(u) for u in lic.unclearable or [])
        ],
        "price": {
            "currency": lic.currency,
            "subtotal_minor": lic.subtotal_minor,
            "licensee_fee_minor": lic.licensee_fee_minor,
            "total_minor": lic.total_minor,
            "lines": [
                {
                    "work_id": line.work_id,
                    "work_title": line.work_title,
                    "right": line.right,
                    "holder": party(line.holder_id, line.holder_name),
                    "amount_minor": line.upfront_converted_minor,
                }
                for line in lic.lines
            ],
        },
        "verify_url": f"{base}/verify/{lic.id}",
        "odrl_url": f"{base}/api/v1/licenses/{lic.id}/odrl",
    }


def issue(session: Session, lic: License, settings: Settings) -> dict[str, Any]:
    """Sign the license's certificate and keep the signed document with the license. A purchase
    signs it before the license is first written, so the row is inserted once, certificate and
    all; the caller flushes."""
    document = certificates.sign_certificate(payload_for(session, lic, settings), keyring(settings))
    lic.certificate = document
    return document


def document(lic: License) -> dict[str, Any]:
    if lic.certificate is None:
        raise NotFound(f"license {lic.id} has no certificate", field="license_id")
    return lic.certificate


def signing_material(settings: Settings) -> SigningMaterial:
    """The operator's X.509 root and document-signing certificate, made on first need."""
    return ensure_signing_material(settings.keys_dir)


def pdf(lic: License, settings: Settings) -> bytes:
    """The certificate PDF, signed (PAdES) so a reader flags any later change to its pages."""
    return sign_pdf(certificates.render_certificate_pdf(document(lic)), signing_material(settings))


# -- credential ---------------------------------------------------------------------------------


def credential_for(session: Session, lic: License, settings: Settings) -> dict[str, Any]:
    """The license as a W3C Verifiable Credential, made from its stored certificate: the same
    address, issue time, issuer and key. Ed25519 is deterministic, so every download is the same
    bytes, and rotating the key later changes nothing."""
    signed = document(lic)
    payload, kid = signed["certificate"], signed["signature"]["kid"]
    issuer_party = payload.get("issuer") if isinstance(payload.get("issuer"), dict) else {}
    base = str(issuer_party.get("url") or settings.public_url).rstrip("/")
    issuer = did.did_web(base)
    agreement = odrl.agreement_for_license(
        lic, base, str(issuer_party.get("id") or licenses.operator_id(session))
    )
    unsecured = credential.unsigned_credential(
        agreement=agreement,
        credential_id=f"{base}/api/v1/licenses/{lic.id}/credential",
        issuer=issuer,
        valid_from=lic.valid_from,
        valid_to=lic.valid_to,
        status_url=str(payload.get("verify_url") or f"{base}/verify/{lic.id}"),
    )
    return credential.secure(
        unsecured, keyring(settings), kid=kid, issuer=issuer, created=payload["issued_at"]
    )


# -- verification -------------------------------------------------------------------------------

BY_CHECK = {
    certificates.UNKNOWN_KEY: "unknown_key",
    certificates.BAD_SIGNATURE: "tampered",
    certificates.MALFORMED: "malformed",
}


def standing(session: Session, lic: License, day: date) -> str:
    """The license's state on `day` (verdicts.standing_on), from its history of changes."""
    history = [(event.at.date(), event.to_status) for event in licenses.events_of(session, lic.id)]
    return verdicts.standing_on(
        day, licenses.today(), lic.status, lic.valid_from, lic.valid_to, history
    )


def _result(
    result: str,
    day: date,
    lic: License | None = None,
    *,
    license_id: str | None = None,
    key_id: str | None = None,
    verified: str | None = None,
    payload: dict[str, Any] | None = None,
) -> VerifyResult:
    en, zh = verdicts.words(result, day, lic.valid_from if lic is not None else None)
    # Public: only the reason code, in words; the operator's note never leaves the parties.
    code = lic.status_reason_code if lic is not None and result in ("revoked", "suspended") else None
    label, label_zh = reasons.label(code), reasons.label_zh(code)
    show_terms = payload is not None and result in verdicts.LICENSE_RESULTS
    return VerifyResult(
        result=result,  # type: ignore[arg-type]
        valid=result == "valid",
        message=f"{en} (reason: {label})" if label else en,
        message_zh=f"{zh}（原因：{label_zh}）" if label_zh else zh,
        at=day,
        verified=verified,  # type: ignore[arg-type]
        license_id=lic.id if lic is not None else license_id,
        key_id=key_id,
        status=licenses.effective_status(lic) if lic is not None else None,
        reason_code=code,  # type: ignore[arg-type]
        reason_label=label,
        reason_label_zh=label_zh,
        valid_from=lic.valid_from if lic is not None else None,
        valid_to=lic.valid_to if lic is not None else None,
        terms=wording.verified_terms(payload, result, day) if show_terms and payload else None,
    )


def _stored_payload(lic: License) -> dict[str, Any] | None:
    signed = lic.certificate
    return signed.get("certificate") if isinstance(signed, dict) else None


def verify_document(
    session: Session, doc: Any, settings: Settings, at: date | None = None
) -> VerifyResult:
    """A signed certificate or a credential (already parsed), answered for `at` (today)."""
    day = at or licenses.today()
    is_credential = credential.is_credential(doc)
    kind = "credential" if is_credential else "certificate"
    if is_credential:
        check = credential.verify_credential(doc, keyring(settings))
    else:
        check = certificates.verify_signature(doc, keyring(settings))
    if not check.valid:
        return _result(BY_CHECK[check.reason], day, key_id=check.kid, verified=kind)
    if is_credential:
        license_id: Any = credential.claims_of(doc).license_id
    else:
        license_id = doc["certificate"].get("license_id")
    lic = session.get(License, license_id) if isinstance(license_id, str) else None
    if lic is None:
        return _result("unknown_license", day, license_id=str(license_id), key_id=check.kid,
                       verified=kind)
    # A certificate shows the terms it signed; a credential, those of its license's certificate
    # (the credential is made from it, signed by the same key).
    payload = _stored_payload(lic) if is_credential else doc["certificate"]
    return _result(standing(session, lic, day), day, lic, key_id=check.kid, verified=kind,
                   payload=payload)


def verify_bytes(
    session: Session, data: bytes | Path, settings: Settings, at: date | None = None
) -> VerifyResult:
    """Check a certificate file for `at` (today): the JSON, the signed PDF, a credential (JSON), or
    a delivered media file carrying the certificate in a C2PA manifest (the file's own signature
    must hold too); a Path is read where it lies, so a large video is never loaded whole. Not one
    of them at all: 422; larger or more expanding than any certificate (see
    certificates/pdf_reading.py): 413."""
    material = signing_material(settings)
    try:
        found = (file_checks.read_certificate_path(data, material) if isinstance(data, Path)
                 else file_checks.read_certificate_file(data, material))
    except DocumentTooLarge as exc:
        raise PayloadTooLarge(str(exc), details={"limit": exc.limit, "maximum": exc.maximum,
                                                 "limits": LIMITS}) from exc
    except certificates.CertificateFormatError as exc:
        doc = _credential_or_none(_small_file(data) if isinstance(data, Path) else data)
        if doc is None:
            raise ValidationFailed(str(exc), field="body") from exc
        return verify_document(session, doc, settings, at)
    return file_checks.with_file_signature(
        verify_document(session, found.document, settings, at), found)


def _small_file(path: Path) -> bytes:
    # A credential is a small JSON document (under the certificate file limit); a larger file is
    # not one, so it is never read whole.
    return path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else b""


def _credential_or_none(data: bytes) -> Any:
    try:
        doc = parse_strict_json(data)
    except certificates.CertificateFormatError:
        return None
    return doc if credential.is_credential(doc) else None


def public_status(session: Session, license_id: str, at: date | None = None) -> VerifyResult:
    """What the QR code shows: the license's state on `at` (today), and its signed terms in words
    (no prices)."""
    lic = session.get(License, license_id)
    if lic is None:
        raise NotFound(f"no license {license_id} here; check the address", field="license_id")
    day = at or licenses.today()
    return _result(standing(session, lic, day), day, lic, verified="license",
                   payload=_stored_payload(lic))
