"""The issuer's identity for credentials: a `did:web` DID and its DID document.

did:web (W3C CCG did:web method) names the issuer by the host of the public URL, so anyone
resolves it by fetching `https://<host>/.well-known/did.json`, which this server answers. Each
signing key, rotated-out ones included, is a verification method `did:web:<host>#<kid>` of type
Multikey (the form the vc-di-eddsa specification uses for Ed25519), listed under
`assertionMethod` so that credentials signed with it verify. Pure: no database, no web.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import base58

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
# The multicodec prefix of an Ed25519 public key (0xed, as an unsigned varint), per Multikey.
ED25519_PUB_PREFIX = b"\xed\x01"
MULTIBASE_BASE58BTC = "z"


def did_web(public_url: str) -> str:
    """`http://127.0.0.1:8000` -> `did:web:127.0.0.1%3A8000` (a port's colon is percent-encoded;
    the path is not part of the DID, since the document is served at the host's root)."""
    host = urlsplit(public_url).netloc.rsplit("@", 1)[-1].lower()
    if not host:
        raise ValueError(f"the public URL {public_url!r} names no host")
    return "did:web:" + quote(host, safe="")


def verification_method_id(did: str, kid: str) -> str:
    return f"{did}#{kid}"


def multibase_encode(data: bytes) -> str:
    """base58btc multibase: 'z' followed by the base58 (Bitcoin alphabet) text."""
    return MULTIBASE_BASE58BTC + base58.b58encode(data).decode("ascii")


def multibase_decode(text: str) -> bytes:
    """The bytes of a base58btc multibase value; ValueError for anything else."""
    if not isinstance(text, str) or not text.startswith(MULTIBASE_BASE58BTC) or len(text) < 2:
        raise ValueError("not a base58btc multibase value")
    try:
        raw = base58.b58decode(text[1:].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ValueError("not a base58btc multibase value") from exc
    if multibase_encode(raw) != text:  # one spelling only, so any change to the text fails
        raise ValueError("not a canonical base58btc value")
    return raw


def public_key_multibase(raw_public_key: bytes) -> str:
    return multibase_encode(ED25519_PUB_PREFIX + raw_public_key)


def did_document(did: str, raw_public_keys: dict[str, bytes]) -> dict[str, Any]:
    """The DID document: every key as a Multikey verification method, all of them assertion
    methods (a rotated-out key still vouches for the credentials it signed)."""
    methods = [
        {
            "id": verification_method_id(did, kid),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": public_key_multibase(raw),
        }
        for kid, raw in sorted(raw_public_keys.items())
    ]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
