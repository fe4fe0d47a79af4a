"""A license as a W3C Verifiable Credential 2.0, secured with Data Integrity `eddsa-jcs-2022`.

Why this proof: it keeps the credential a plain JSON document (the ODRL agreement stays readable
inside it), and checking it needs only RFC 8785 canonical JSON, SHA-256 and Ed25519, no JSON-LD
processing and so no context fetched from the network. Any Data Integrity verifier, or a few
lines of code with any Ed25519 library (docs/licenses.md), checks it offline against the key
published in our DID document or JWKS.

The proof, per the W3C vc-di-eddsa specification (section 3.3): the proof options with the
document's `@context` are the proof configuration; the signed bytes are
SHA-256(JCS(proof configuration)) || SHA-256(JCS(document without proof)); the Ed25519 signature
is `proofValue` in multibase base58btc. Pure: no database, no web.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import rfc8785

from clearinghouse.licensing.certificates.did import multibase_decode, multibase_encode
from clearinghouse.licensing.certificates.document import (
    BAD_SIGNATURE,
    MALFORMED,
    OK,
    UNKNOWN_KEY,
    SignatureCheck,
)
from clearinghouse.licensing.policies.odrl import PROFILE_NS

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
CREDENTIAL_TYPE = "LicenceCredential"
STATUS_TYPE = "LicenceStatusPage"
# Our two terms, defined inline so that nothing beyond the VC 2.0 context is ever needed.
LOCAL_CONTEXT: dict[str, Any] = {
    "ch": PROFILE_NS,
    CREDENTIAL_TYPE: "ch:" + CREDENTIAL_TYPE,
    STATUS_TYPE: "ch:" + STATUS_TYPE,
}
PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_PURPOSE = "assertionMethod"
MEDIA_TYPE = "application/vc"  # VC 2.0: a credential secured with an embedded proof
DID_WEB = "did:web:"
# 64 signature bytes are at most 88 base58 characters, plus the multibase prefix.
MAX_PROOF_VALUE_CHARS = 96


class CredentialKeys(Protocol):
    def sign_with(self, kid: str, data: bytes) -> bytes: ...

    def verify_raw(self, kid: str, data: bytes, signature: bytes) -> bool: ...

    def knows(self, kid: object) -> bool: ...


def _instant(day: date) -> str:
    # A license day starts at midnight UTC; validUntil is the first instant it no longer runs.
    return f"{day.isoformat()}T00:00:00Z"


def unsigned_credential(
    *,
    agreement: dict[str, Any],
    credential_id: str,
    issuer: str,
    valid_from: date,
    valid_to: date | None,
    status_url: str,
) -> dict[str, Any]:
    """The credential before its proof: the ODRL agreement is the subject, the license period
    the validity, and the public status route says whether the license still runs."""
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, LOCAL_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": _instant(valid_from),
        "credentialSubject": agreement,
        "credentialStatus": {"id": status_url, "type": STATUS_TYPE},
    }
    if valid_to is not None:
        credential["validUntil"] = _instant(valid_to)
    return credential


def _hash_data(unsecured: dict[str, Any], options: dict[str, Any]) -> bytes:
    config = dict(options)
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    config_hash = hashlib.sha256(rfc8785.dumps(config)).digest()
    document_hash = hashlib.sha256(rfc8785.dumps(unsecured)).digest()
    return config_hash + document_hash


def secure(
    unsecured: dict[str, Any], keys: CredentialKeys, *, kid: str, issuer: str, created: str
) -> dict[str, Any]:
    """The credential with its proof, signed by key `kid` (the one that signed the license's
    certificate); the same inputs always give the same bytes."""
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": f"{issuer}#{kid}",
        "proofPurpose": PROOF_PURPOSE,
    }
    signature = keys.sign_with(kid, _hash_data(unsecured, options))
    return unsecured | {"proof": options | {"proofValue": multibase_encode(signature)}}


def is_credential(doc: Any) -> bool:
    """Does this JSON claim to be a verifiable credential (rather than a signed certificate)?"""
    return isinstance(doc, dict) and "@context" in doc and "proof" in doc


def _kid_of(method: Any) -> str | None:
    if not isinstance(method, str) or not method.startswith(DID_WEB) or "#" not in method:
        return None
    return method.split("#", 1)[1] or None


def verify_credential(doc: Any, keys: CredentialKeys) -> SignatureCheck:
    """Is this credential's proof genuine? Never raises, whatever JSON value it is given.

    The key is found by the fragment of `verificationMethod` (our key id), so a credential stays
    checkable after the keys rotate or the public address changes."""
    if not is_credential(doc) or not isinstance(doc["proof"], dict):
        return SignatureCheck(False, MALFORMED)
    proof = doc["proof"]
    if (
        proof.get("type") != PROOF_TYPE
        or proof.get("cryptosuite") != CRYPTOSUITE
        or proof.get("proofPurpose") != PROOF_PURPOSE
    ):
        return SignatureCheck(False, MALFORMED)
    kid = _kid_of(proof.get("verificationMethod"))
    if kid is None:
        return SignatureCheck(False, UNKNOWN_KEY)
    value = proof.get("proofValue")
    if not isinstance(value, str) or len(value) > MAX_PROOF_VALUE_CHARS:
        # Checked before decoding: base58 decoding takes time quadratic in the length.
        return SignatureCheck(False, MALFORMED, kid)
    try:
        signature = multibase_decode(value)
    except ValueError:
        return SignatureCheck(False, MALFORMED, kid)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    if "@context" in options:
        # The proof may pin a context: the document's must start with it (vc-di-eddsa 3.3.2).
        pinned, own = options["@context"], unsecured["@context"]
        pinned = pinned if isinstance(pinned, list) else [pinned]
        own = own if isinstance(own, list) else [own]
        if own[: len(pinned)] != pinned:
            return SignatureCheck(False, BAD_SIGNATURE, kid)
        unsecured["@context"] = options["@context"]
    try:
        data = _hash_data(unsecured, options)
    except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError):
        return SignatureCheck(False, MALFORMED, kid)
    if not keys.knows(kid):
        return SignatureCheck(False, UNKNOWN_KEY, kid)
    if not keys.verify_raw(kid, data, signature):
        return SignatureCheck(False, BAD_SIGNATURE, kid)
    if not str(proof["verificationMethod"]).startswith(f"{doc.get('issuer')}#"):
        return SignatureCheck(False, MALFORMED, kid)  # signed, but names another issuer
    return SignatureCheck(True, OK, kid)


@dataclass(frozen=True)
class CredentialClaims:
    """What the service needs from a genuine credential to answer for the license."""

    license_id: str | None


def claims_of(doc: dict[str, Any]) -> CredentialClaims:
    status = doc.get("credentialStatus")
    url = status.get("id") if isinstance(status, dict) else None
    if isinstance(url, str) and "/verify/" in url:
        return CredentialClaims(url.rsplit("/verify/", 1)[1] or None)
    return CredentialClaims(None)
