"""Signed license certificates: Ed25519 keyring, the signed JSON document, and its PDF.

document, keys, labels and pdf are pure library code (no database, no web); service.py decides
what a license's certificate says and endpoints.py serves it (with the license's ODRL policy).
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
    load_certificate,
    sign_certificate,
    verify_signature,
)
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
