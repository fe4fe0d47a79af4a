"""Which certificate a file holds, and what the file's own signature says about it.

A certificate comes as its JSON, as the certificate PDF (the JSON embedded, the PDF signed with
PAdES), or inside a delivered media file (the JSON in a C2PA manifest). The kind is told from the
content, never from a name. The JSON's Ed25519 signature says whether the terms are genuine; the
file's signature says whether the file around them was changed since. A verification answers
both: a PDF re-stamped with other terms is refused even though its embedded JSON is genuine, and
the answer says what did still verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearinghouse.core.media_types import SNIFF_BYTES, sniff_media_type
from clearinghouse.licensing.certificates import pdf_reading
from clearinghouse.licensing.certificates.document import (
    CertificateFormatError,
    parse_document_json,
)
from clearinghouse.licensing.certificates.media_reading import (
    LICENCE_LABEL,
    MediaCheck,
    embedded_certificate,
    read_manifest_isolated,
)
from clearinghouse.licensing.certificates.pdf import extract_certificate_from_pdf
from clearinghouse.licensing.certificates.pdf_reading import (
    MAX_FILE_BYTES,
    read_signed_pdf_isolated,
    too_large_file,
)
from clearinghouse.licensing.certificates.pdf_signature import PdfSignatureCheck
from clearinghouse.licensing.certificates.schemas import FileSignatureOut, VerifyResult
from clearinghouse.licensing.certificates.x509 import SigningMaterial

PDF_FORMAT = "application/pdf"


def load_certificate(data: bytes) -> dict[str, Any]:
    """The document from a certificate file: the JSON itself or the PDF that embeds it."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CertificateFormatError("a certificate is read from bytes")
    data = bytes(data)
    if len(data) > pdf_reading.MAX_FILE_BYTES:  # before any parsing, JSON or PDF
        raise pdf_reading.too_large_file(len(data))
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return parse_document_json(data)
    if b"%PDF-" in data[:1024]:  # PDF readers accept the header anywhere in the first 1 KiB
        return extract_certificate_from_pdf(data)
    if not data.strip():
        raise CertificateFormatError("the certificate file is empty")
    raise CertificateFormatError(
        "not a certificate: expected the certificate JSON or the certificate PDF"
    )


@dataclass(frozen=True)
class CertificateFile:
    document: dict[str, Any]  # the signed certificate document the file holds
    signature: FileSignatureOut | None  # the file's own signature; None for the bare JSON


def _pdf_signature(check: PdfSignatureCheck) -> FileSignatureOut:
    return FileSignatureOut(kind="pdf", format=PDF_FORMAT, signed=check.signed,
                            intact=check.intact, trusted=check.trusted,
                            modified_after_signing=check.modified_after_signing,
                            signer=check.signer, signed_at=check.signed_at,
                            problems=list(check.problems))


def _media_signature(check: MediaCheck) -> FileSignatureOut:
    return FileSignatureOut(kind="c2pa", format=check.format, signed=check.has_manifest,
                            intact=check.intact, trusted=check.trusted,
                            modified_after_signing=not check.intact, signer=check.signer,
                            signed_at=check.signed_at, problems=list(check.problems))


def _from_media(check: MediaCheck) -> CertificateFile:
    if not check.has_manifest:
        raise CertificateFormatError(
            f"the {check.format} file carries no C2PA manifest, so no licence to check")
    raw = embedded_certificate(check)
    if raw is None:
        raise CertificateFormatError(
            f"the {check.format} file's C2PA manifest carries no {LICENCE_LABEL} certificate")
    return CertificateFile(parse_document_json(raw), _media_signature(check))


def read_certificate_file(data: bytes, material: SigningMaterial) -> CertificateFile:
    """The certificate in `data` (JSON, PDF or media) and the file's own signature."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CertificateFormatError("a certificate is read from bytes")
    data = bytes(data)
    media_type = sniff_media_type(data[:SNIFF_BYTES])
    if media_type is not None:
        return _from_media(read_manifest_isolated(data, media_type, material.root_pem))
    if len(data) > MAX_FILE_BYTES:
        raise too_large_file(len(data))
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{") and b"%PDF-" in data[:1024]:
        attachment, check = read_signed_pdf_isolated(data, [material.der(material.root)])
        return CertificateFile(parse_document_json(attachment), _pdf_signature(check))
    return CertificateFile(load_certificate(data), None)


def read_certificate_path(path: Path, material: SigningMaterial) -> CertificateFile:
    """As read_certificate_file, but a media file of any size is read where it lies on disk."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    media_type = sniff_media_type(head)
    if media_type is not None:
        return _from_media(read_manifest_isolated(path, media_type, material.root_pem))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise too_large_file(size)
    return read_certificate_file(path.read_bytes(), material)


# -- the answer -------------------------------------------------------------------------------


def _still_verified(result: VerifyResult) -> tuple[str, str]:
    if result.result in ("tampered", "malformed", "unknown_key"):
        return "", ""
    lic = result.license_id or "?"
    return (f" The certificate it carries is genuine (license {lic}, status: {result.result}):"
            " compare what you hold with that, not with the file.",
            f"其所含证书真实（许可 {lic}，状态：{result.result}），请以证书为准，而非文件所示。")


def _why(signature: FileSignatureOut) -> tuple[str, str]:
    what = "PDF" if signature.kind == "pdf" else "file"
    if not signature.signed:
        return (f"the {what} is not signed by this clearinghouse, so what it shows cannot be"
                " trusted", f"该{what}未经本平台签名，其所示内容不可信")
    if not signature.intact:
        return (f"the {what} was altered after it was signed: its signature no longer matches",
                f"该{what}在签名后被改动，签名不符")
    if signature.modified_after_signing:
        return (f"the {what} was modified after it was signed: what it shows may not be what was"
                " certified", f"该{what}在签名后被修改，所示内容可能与所认证的不一致")
    return (f"the {what} was signed by someone other than this clearinghouse",
            f"该{what}并非由本平台签名")


def with_file_signature(result: VerifyResult, found: CertificateFile) -> VerifyResult:
    """The certificate's verdict, overruled by a broken file signature (which it then names)."""
    signature = found.signature
    if signature is None:
        return result
    ok = signature.signed and signature.intact and signature.trusted \
        and not signature.modified_after_signing
    if ok:
        return result.model_copy(update={"file_signature": signature})
    en, zh = _why(signature)
    still_en, still_zh = _still_verified(result)
    return result.model_copy(update={
        "result": "tampered", "valid": False, "message": en + "." + still_en,
        "message_zh": zh + "。" + still_zh, "file_signature": signature,
    })
