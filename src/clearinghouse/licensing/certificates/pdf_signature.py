"""The certificate PDF's own signature (PAdES B-B, with pyHanko), and checking it on upload.

The JSON embedded in the PDF is signed with Ed25519, but a PDF reader shows the pages, and a page
can be re-stamped with other terms while the JSON stays intact. So the PDF itself is signed too, as
a certifying signature that allows no changes: any PDF reader then flags a file altered after
signing, and our verification refuses it. The signer's chain (leaf + the operator's root CA) is
embedded, so a reader that trusts the root needs nothing else.

`check_pdf_signature` parses untrusted bytes: it runs only inside pdf_reading's worker process,
after pypdf's bounds have passed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from clearinghouse.licensing.certificates.x509 import SigningMaterial

FIELD_NAME = "ClearinghouseSignature"


def sign_pdf(data: bytes, material: SigningMaterial) -> bytes:
    """`data` with a PAdES certification signature (no changes allowed), chain embedded."""
    signing_cert = asn1_x509.Certificate.load(material.der(material.leaf))
    root = asn1_x509.Certificate.load(material.der(material.root))
    key = asn1_keys.PrivateKeyInfo.load(material.leaf_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=signing_cert, signing_key=key,
                                  cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                                      [root]))
    meta = PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        reason="License certificate issued by the Rights Clearinghouse",
    )
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False), meta,
                     signer=signer, output=out)
    return out.getvalue()


@dataclass(frozen=True)
class PdfSignatureCheck:
    """What the PDF's own signature says. Plain data: it crosses back from the worker."""

    signed: bool  # the PDF carries a signature at all
    intact: bool = False  # the signed bytes are unchanged and the signature is mathematically valid
    trusted: bool = False  # the signer chains to this clearinghouse's root
    modified_after_signing: bool = False  # bytes were added after the signature (a new revision)
    signer: str | None = None
    signed_at: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted and not self.modified_after_signing


def check_pdf_signature(data: bytes, trust_roots_der: list[bytes]) -> PdfSignatureCheck:
    """Validate the PDF's signatures against `trust_roots_der` (our CA), offline."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signatures = reader.embedded_signatures
    if not signatures:
        return PdfSignatureCheck(signed=False, problems=["the PDF is not signed"])
    roots = [asn1_x509.Certificate.load(der) for der in trust_roots_der]
    context = ValidationContext(trust_roots=roots, allow_fetching=False,
                                revocation_mode="soft-fail")
    problems: list[str] = []
    if len(signatures) > 1:
        problems.append(f"the PDF carries {len(signatures)} signatures; a certificate has one")
    status = validate_pdf_signature(signatures[0], context)
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else None
    # Anything after the signed revision counts: the signature allows no changes at all.
    modified = status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    if modified:
        level = status.modification_level
        what = ("only form fields or annotations" if level is not None
                and level <= ModificationLevel.FORM_FILLING else "pages or other content")
        problems.append(f"the PDF was modified after it was signed ({what} changed)")
    if not status.intact or not status.valid:
        problems.append("the PDF's signature does not match its bytes")
    if not status.trusted:
        problems.append("the PDF was not signed by this clearinghouse")
    return PdfSignatureCheck(
        signed=True, intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
        modified_after_signing=modified, signer=signer,
        signed_at=status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
        problems=problems,
    )
