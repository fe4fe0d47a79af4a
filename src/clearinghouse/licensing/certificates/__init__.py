"""Signed license certificates: Ed25519 keyring, the signed JSON document, and its PDF; the
license as a verifiable credential, and the issuer's keys as JWKS and did:web.

document, keys, labels, pdf, credential, did and wording are pure library code (no database, no
web); verdicts.py is the rule for a license's state on a day; service.py decides what a license's
certificate and credential say and what a verification answers, and endpoints.py serves them
(with the license's ODRL policy).
"""

from clearinghouse.licensing.certificates.document import (
    ALGORITHM,
    BAD_SIGNATURE,
    MALFORMED,
    OK,
    UNKNOWN_KEY,
    CertificateFormatError,
    SignatureCheck,
    canonical_json,
    sign_certificate,
    verify_signature,
)
from clearinghouse.licensing.certificates.file_checks import load_certificate
from clearinghouse.licensing.certificates.keys import Keyring, KeyringError
from clearinghouse.licensing.certificates.labels import format_money
from clearinghouse.licensing.certificates.pdf import (
    extract_certificate_from_pdf,
    render_certificate_pdf,
)
from clearinghouse.licensing.certificates.pdf_reading import ATTACHMENT_NAME

__all__ = [
    "ALGORITHM",
    "ATTACHMENT_NAME",
    "BAD_SIGNATURE",
    "MALFORMED",
    "OK",
    "UNKNOWN_KEY",
    "CertificateFormatError",
    "Keyring",
    "KeyringError",
    "SignatureCheck",
    "canonical_json",
    "extract_certificate_from_pdf",
    "format_money",
    "load_certificate",
    "render_certificate_pdf",
    "sign_certificate",
    "verify_signature",
]
