"""The signed certificate document: canonical JSON, signing, verifying and loading.

A document is `{"certificate": <payload>, "signature": {"alg", "kid", "value"}}`; the signature
covers `canonical_json(payload)`. The payload is opaque here: the licensing service decides it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

ALGORITHM = "Ed25519"
SIGNATURE_FIELDS = frozenset({"alg", "kid", "value"})
DOCUMENT_FIELDS = frozenset({"certificate", "signature"})

OK = "ok"
MALFORMED = "malformed"
UNKNOWN_KEY = "unknown_key"
BAD_SIGNATURE = "bad_signature"


class CertificateFormatError(ValueError):
    """The bytes are not a certificate: not JSON, not a PDF, or a PDF without one inside."""


class SigningKeys(Protocol):
    def sign(self, data: bytes) -> tuple[str, str]: ...

    def verify(self, kid: str, data: bytes, signature_b64url: str) -> bool: ...

    def knows(self, kid: object) -> bool: ...


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    reason: str  # ok | malformed | unknown_key | bad_signature
    kid: str | None = None


def _check_plain(obj: Any) -> None:
    # Only what JSON round-trips exactly: floats do not (and money is never a float here), and
    # non-string keys would come back as strings and change the signed bytes.
    if isinstance(obj, bool) or obj is None or isinstance(obj, str | int):
        return
    if isinstance(obj, float):
        raise TypeError(f"floats are not allowed in a signed document (got {obj!r})")
    if isinstance(obj, dict):
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(f"object keys must be strings (got {key!r})")
            _check_plain(value)
        return
    if isinstance(obj, list | tuple):
        for item in obj:
            _check_plain(item)
        return
    raise TypeError(f"{type(obj).__name__} is not allowed in a signed document")


def canonical_json(obj: Any) -> bytes:
    """Deterministic UTF-8 JSON: sorted keys, no spaces, characters unescaped, no floats."""
    _check_plain(obj)
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")  # lone surrogates raise UnicodeEncodeError, a ValueError


def sign_certificate(payload: dict[str, Any], keyring: SigningKeys) -> dict[str, Any]:
    """Sign `payload`; the document holds a fresh copy, exactly as signed."""
    if not isinstance(payload, dict):
        raise TypeError("a certificate payload is a JSON object (dict)")
    data = canonical_json(payload)
    kid, value = keyring.sign(data)
    return {
        "certificate": json.loads(data),
        "signature": {"alg": ALGORITHM, "kid": kid, "value": value},
    }


def verify_signature(document: Any, keyring: SigningKeys) -> SignatureCheck:
    """Is this document's signature genuine? Never raises, whatever JSON value it is given."""
    if not isinstance(document, dict) or set(document) != DOCUMENT_FIELDS:
        return SignatureCheck(False, MALFORMED)
    payload, signature = document["certificate"], document["signature"]
    if not isinstance(payload, dict) or not isinstance(signature, dict):
        return SignatureCheck(False, MALFORMED)
    if set(signature) != SIGNATURE_FIELDS or signature["alg"] != ALGORITHM:
        return SignatureCheck(False, MALFORMED)
    kid, value = signature["kid"], signature["value"]
    if not isinstance(kid, str) or not isinstance(value, str):
        return SignatureCheck(False, MALFORMED)
    try:
        data = canonical_json(payload)
    except (TypeError, ValueError, RecursionError):
        return SignatureCheck(False, MALFORMED, kid)
    if not keyring.knows(kid):
        return SignatureCheck(False, UNKNOWN_KEY, kid)
    if not keyring.verify(kid, data, value):
        return SignatureCheck(False, BAD_SIGNATURE, kid)
    return SignatureCheck(True, OK, kid)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Duplicate keys could show one value to us and another to a different parser.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def parse_document_json(data: bytes) -> dict[str, Any]:
    """Strict JSON (UTF-8, no duplicate keys, no NaN) holding a certificate document."""
    try:
        text = bytes(data).decode("utf-8-sig")
        doc = json.loads(
            text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant
        )
    except UnicodeDecodeError as exc:
        raise CertificateFormatError("the certificate JSON is not UTF-8 text") from exc
    except (ValueError, RecursionError) as exc:
        raise CertificateFormatError(f"the certificate is not valid JSON: {exc}") from exc
    if not isinstance(doc, dict) or "certificate" not in doc or "signature" not in doc:
        raise CertificateFormatError(
            "the JSON is not a certificate: expected an object with 'certificate' and 'signature'"
        )
    return doc


def parse_strict_json(data: bytes) -> Any:
    """Any JSON value under the same strict rules (UTF-8, no duplicate keys, no NaN); for
    documents that are not certificates, such as verifiable credentials."""
    try:
        return json.loads(
            bytes(data).decode("utf-8-sig"),
            object_pairs_hook=_unique_keys,
            parse_constant=_reject_constant,
        )
    except UnicodeDecodeError as exc:
        raise CertificateFormatError("the JSON is not UTF-8 text") from exc
    except (ValueError, RecursionError) as exc:
        raise CertificateFormatError(f"not valid JSON: {exc}") from exc
