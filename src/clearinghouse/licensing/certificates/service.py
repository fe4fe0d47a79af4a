"""License certificates: issue (sign) at purchase, render as JSON or PDF, verify anyone's copy.

Signing, the keyring and the PDF live in the certificates package; this module decides what a
license's certificate says and what a verification answers. A genuine signature is not enough:
the license must also still be good (paid, not suspended, revoked or past its end).

The signed document is stored with the license when it is issued, so rotating the key later never
changes a certificate already handed out, and every download of it is byte-for-byte the same.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import NotFound, PayloadTooLarge, ValidationFailed
from clearinghouse.core.settings import Settings
from clearinghouse.licensing import certificates
from clearinghouse.licensing.certificates.pdf_reading import LIMITS, DocumentTooLarge
from clearinghouse.licensing.licenses import reasons
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.licensing.licenses.schemas import VerifyResult
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.registry import repository

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
    use = lic.use
    licensee = repository.get_party(session, lic.licensee_id)
    works = repository.works_by_ids(session, lic.work_ids)
    operator = licenses.operator_id(session)

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
        "issuer": party(operator) | {"url": base},
        "licensee": party(lic.licensee_id, licensee.name if licensee else None),
        "valid_from": lic.valid_from.isoformat(),
        "valid_until": valid_until,
        "works": [
            {
                "id": w.id,
                "title": w.title,
                "type": w.type_code,
                "identifiers": {i.scheme: i.value for i in w.identifiers},
            }
            for w in (works[wid] for wid in lic.work_ids if wid in works)
        ],
        "terms": {
            "purpose": use["purpose"],
            "channels": list(use["channels"]),
            "uses": use.get("uses", 1),
            "portion": use.get("portion") or {"unit": "whole", "value": None},
            "modification": "edits_allowed" if use.get("modified") else "original_only",
            "territories": list(use["territories"]),
            "territories_excluded": list(use.get("territories_excluded") or []),
            "start": lic.valid_from.isoformat(),
            "term_days": use.get("term_days"),
            "exclusive": bool(lic.exclusive),
        },
        "rights": [
            {
                "work_id": line.work_id,
                "right": line.right,
                "holder": party(line.holder_id, line.holder_name),
                "share": _share(line.share_ppm),
                "countries": list(line.countries),
                "valid_from": lic.valid_from.isoformat(),
                "valid_until": valid_until,
            }
            for line in lic.lines
        ],
        # Parts of the use this license does not cover (bought with accept_partial), and why.
        "not_cleared": [
            {
                "work_id": part["work_id"],
                "right": part["right"],
                "holder": party(part["holder_id"]) if part.get("holder_id") else None,
                "share": part.get("share"),
                "countries": list(part.get("countries") or []),
                "reason": part["reason"],
            }
            for part in lic.unclearable or []
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


def _share(ppm: int) -> str:
    from clearinghouse.registry.domain import format_share

    return format_share(ppm)


def issue(session: Session, lic: License, settings: Settings) -> dict[str, Any]:
    """Sign the license's certificate and keep the signed document with the license."""
    document = certificates.sign_certificate(payload_for(session, lic, settings), keyring(settings))
    lic.certificate = document
    session.flush()
    return document


def document(lic: License) -> dict[str, Any]:
    if lic.certificate is None:
        raise NotFound(f"license {lic.id} has no certificate", field="license_id")
    return lic.certificate


def pdf(lic: License) -> bytes:
    return certificates.render_certificate_pdf(document(lic))


# -- verification -------------------------------------------------------------------------------

MESSAGES: dict[str, tuple[str, str]] = {
    "valid": ("genuine certificate of an active license", "证书真实有效，许可处于有效状态"),
    "pending": (
        "genuine certificate, but the license is not paid yet",
        "证书真实，但许可尚未付款生效",
    ),
    "suspended": ("genuine certificate, but the license is suspended", "证书真实，但许可已被暂停"),
    "revoked": ("genuine certificate, but the license was revoked", "证书真实，但许可已被撤销"),
    "expired": ("genuine certificate, but the license has expired", "证书真实，但许可已过期"),
    "tampered": (
        "the certificate was altered after it was signed: its signature does not match",
        "证书内容在签发后被改动，签名不符",
    ),
    "unknown_key": (
        "signed with a key this clearinghouse does not have: not one of its certificates",
        "签名密钥不属于本平台，并非本平台签发的证书",
    ),
    "malformed": (
        "the signature block is missing or damaged, so the certificate cannot be checked",
        "签名信息缺失或损坏，无法验证",
    ),
    "unknown_license": (
        "genuinely signed, but no such license exists here",
        "签名真实，但本平台没有该许可",
    ),
}
BY_STATUS = {
    licenses.ACTIVE: "valid",
    licenses.PENDING: "pending",
    licenses.SUSPENDED: "suspended",
    licenses.REVOKED: "revoked",
    licenses.EXPIRED: "expired",
}


def _result(
    result: str,
    lic: License | None = None,
    license_id: str | None = None,
    key_id: str | None = None,
) -> VerifyResult:
    en, zh = MESSAGES[result]
    # Public: only the reason code, in words; the operator's note never leaves the parties.
    code = lic.status_reason_code if lic is not None and result in ("revoked", "suspended") else None
    label, label_zh = reasons.label(code), reasons.label_zh(code)
    return VerifyResult(
        result=result,  # type: ignore[arg-type]
        valid=result == "valid",
        message=f"{en} (reason: {label})" if label else en,
        message_zh=f"{zh}（原因：{label_zh}）" if label_zh else zh,
        license_id=lic.id if lic is not None else license_id,
        key_id=key_id,
        status=licenses.effective_status(lic) if lic is not None else None,
        reason_code=code,  # type: ignore[arg-type]
        reason_label=label,
        reason_label_zh=label_zh,
        valid_from=lic.valid_from if lic is not None else None,
        valid_to=lic.valid_to if lic is not None else None,
    )


def verify_document(session: Session, doc: Any, settings: Settings) -> VerifyResult:
    check = certificates.verify_signature(doc, keyring(settings))
    if check.reason == certificates.UNKNOWN_KEY:
        return _result("unknown_key", key_id=check.kid)
    if check.reason == certificates.BAD_SIGNATURE:
        return _result("tampered", key_id=check.kid)
    if not check.valid:
        return _result("malformed", key_id=check.kid)
    license_id = doc["certificate"].get("license_id")
    lic = session.get(License, license_id) if isinstance(license_id, str) else None
    if lic is None:
        return _result("unknown_license", license_id=str(license_id), key_id=check.kid)
    return _result(BY_STATUS[licenses.effective_status(lic)], lic, key_id=check.kid)


def verify_bytes(session: Session, data: bytes, settings: Settings) -> VerifyResult:
    """Check a certificate file (the JSON or the PDF). Not a certificate at all: 422; larger
    or more expanding than any certificate (see certificates/pdf_reading.py): 413."""
    try:
        doc = certificates.load_certificate(data)
    except DocumentTooLarge as exc:
        raise PayloadTooLarge(str(exc), details={"limit": exc.limit, "maximum": exc.maximum,
                                                 "limits": LIMITS}) from exc
    except certificates.CertificateFormatError as exc:
        raise ValidationFailed(str(exc), field="body") from exc
    return verify_document(session, doc, settings)


def public_status(session: Session, license_id: str) -> VerifyResult:
    """What the QR code shows: the license's state and period, no terms, no prices."""
    lic = session.get(License, license_id)
    if lic is None:
        raise NotFound(f"no license {license_id} here; check the address", field="license_id")
    return _result(BY_STATUS[licenses.effective_status(lic)], lic)
