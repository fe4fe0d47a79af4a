"""A license as a W3C Verifiable Credential, and the issuer's keys (JWKS, did:web) to check it.

The credential is checked twice: by our API, and by a second verifier written here from the
specifications (RFC 8785 canonical JSON, vc-di-eddsa `eddsa-jcs-2022`, did:web, Multikey,
base58btc), which reads nothing of our code and takes the key from the served DID document or
JWKS. Regression (issue 11, defect 4): GET /api/v1/certificates/keys answered 404.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jwcrypto import jwk

from clearinghouse.core.settings import get_settings
from clearinghouse.licensing import certificates
from tests.licensing.purchase_support import bought_and_paid, make_market
from tests.support.cli import Cli

VERIFY = "/api/v1/certificates/verify"
DID = "did:web:127.0.0.1%3A8000"  # the tests' public URL is http://127.0.0.1:8000

# -- the independent verifier -------------------------------------------------------------------

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                  "\t": "\\t"}


def _jcs_string(text: str) -> str:
    # RFC 8785 3.2.2.2: ECMAScript JSON.stringify string rules.
    out = []
    for ch in text:
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def jcs(value: Any) -> bytes:
    """RFC 8785 for what credentials hold (no floats): keys sorted by UTF-16 code units."""
    def ser(v: Any) -> str:
        if v is None:
            return "null"
        if v is True or v is False:
            return "true" if v else "false"
        if isinstance(v, int):
            assert abs(v) < 2**53
            return str(v)
        if isinstance(v, str):
            return _jcs_string(v)
        if isinstance(v, list):
            return "[" + ",".join(ser(x) for x in v) + "]"
        if isinstance(v, dict):
            keys = sorted(v, key=lambda k: k.encode("utf-16-be"))
            return "{" + ",".join(_jcs_string(k) + ":" + ser(v[k]) for k in keys) + "}"
        raise TypeError(type(v))

    return ser(value).encode("utf-8")


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(text: str) -> bytes:
    number = 0
    for ch in text:
        number = number * 58 + B58.index(ch)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


def key_from_did_document(client, method: str) -> Ed25519PublicKey:  # noqa: ANN001
    did, _, _ = method.partition("#")
    assert did.startswith("did:web:")
    host = did.removeprefix("did:web:").replace("%3A", ":")
    assert host == "127.0.0.1:8000"  # did:web -> https://<host>/.well-known/did.json
    doc = client.get("/.well-known/did.json").json()
    assert method in doc["assertionMethod"]
    (vm,) = [v for v in doc["verificationMethod"] if v["id"] == method]
    assert vm["type"] == "Multikey" and vm["publicKeyMultibase"].startswith("z")
    raw = b58decode(vm["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"  # multicodec ed25519-pub
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def key_from_jwks(client, kid: str) -> Ed25519PublicKey:  # noqa: ANN001
    keys = client.get("/api/v1/certificates/keys").json()["keys"]
    (entry,) = [k for k in keys if k["kid"] == kid]
    return jwk.JWK(**entry).get_op_key("verify")


def independently_verified(client, credential: dict[str, Any], via: str = "did") -> bool:  # noqa: ANN001
    """vc-di-eddsa 3.3.2, eddsa-jcs-2022, from the specification."""
    proof = dict(credential["proof"])
    if (proof["type"], proof["cryptosuite"]) != ("DataIntegrityProof", "eddsa-jcs-2022"):
        return False
    value = proof.pop("proofValue")
    document = {k: v for k, v in credential.items() if k != "proof"}
    config = proof | {"@context": document["@context"]}
    data = hashlib.sha256(jcs(config)).digest() + hashlib.sha256(jcs(document)).digest()
    method = proof["verificationMethod"]
    kid = method.partition("#")[2]
    key = key_from_did_document(client, method) if via == "did" else key_from_jwks(client, kid)
    try:
        key.verify(b58decode(value[1:]), data)
    except InvalidSignature:
        return False
    return method.startswith(credential["issuer"] + "#")


# -- the tests ----------------------------------------------------------------------------------


def _credential(client, who, lic) -> dict:  # noqa: ANN001
    r = client.get(f"/api/v1/licenses/{lic['id']}/credential", headers=who.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vc")
    return r.json()


def _ours(client, doc) -> dict:  # noqa: ANN001
    r = client.post(VERIFY, content=json.dumps(doc, ensure_ascii=False).encode(),
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_credential_verifies_here_and_with_an_independent_verifier(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m, term_days=30)
    cred = _credential(client, m.licensee, lic)
    odrl = client.get(f"/api/v1/licenses/{lic['id']}/odrl", headers=m.licensee.headers).json()
    assert cred["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert cred["type"] == ["VerifiableCredential", "LicenceCredential"]
    assert cred["issuer"] == DID and cred["credentialSubject"] == odrl
    assert cred["validFrom"] == f"{lic['valid_from']}T00:00:00Z"
    assert cred["validUntil"] == f"{lic['valid_to']}T00:00:00Z"
    assert cred["credentialStatus"]["id"] == f"http://127.0.0.1:8000/verify/{lic['id']}"
    assert cred["proof"]["proofPurpose"] == "assertionMethod"
    assert _credential(client, m.licensee, lic) == cred  # the same bytes every time

    assert independently_verified(client, cred, via="did")
    assert independently_verified(client, cred, via="jwks")
    ours = _ours(client, cred)
    assert (ours["result"], ours["valid"], ours["verified"]) == ("valid", True, "credential")
    assert ours["license_id"] == lic["id"] and ours["terms"]["licensee"]["name"] == "一条 Yitiao"
    later = client.post(f"{VERIFY}?at={lic['valid_to']}", json=cred).json()
    assert later["result"] == "expired"

    # The license's holders and the operator fetch it too; nobody else does.
    assert _credential(client, m.publisher, lic) == cred
    assert _credential(client, m.operator, lic) == cred
    from clearinghouse.access.domain import Role
    from tests.support.factories import make_actor

    stranger = make_actor(sessions, "Stranger", Role.LICENSEE)
    url = f"/api/v1/licenses/{lic['id']}/credential"
    assert client.get(url, headers=stranger.headers).status_code == 403
    assert client.get(url).status_code == 401


def _tampered(cred: dict, path: list[Any], value: Any) -> dict:
    copy = json.loads(json.dumps(cred))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def test_a_changed_credential_is_refused_by_both_verifiers(client, sessions, tmp_path) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    cred = _credential(client, m.licensee, lic)
    later = (date.fromisoformat(lic["valid_to"]) + timedelta(days=3650)).isoformat()
    constraint = cred["credentialSubject"]["permission"][0]["constraint"]
    spatial = next(i for i, c in enumerate(constraint) if c["leftOperand"] == "spatial")
    for forged in (
        _tampered(cred, ["validUntil"], f"{later}T00:00:00Z"),
        _tampered(cred, ["credentialSubject", "permission", 0, "constraint", spatial,
                         "rightOperand"], ["CN", "US"]),
        _tampered(cred, ["credentialSubject", "exclusive"], True),
    ):
        assert not independently_verified(client, forged)
        refused = _ours(client, forged)
        assert (refused["result"], refused["valid"], refused["terms"]) == ("tampered", False, None)

    # Signed by someone else's key under our kid's name: a forgery; under its own: unknown.
    stranger = certificates.Keyring.open(tmp_path / "stranger")
    from clearinghouse.licensing.certificates import credential as vc

    unsecured = {k: v for k, v in cred.items() if k != "proof"}
    created = cred["proof"]["created"]
    theirs = vc.secure(unsecured, stranger, kid=stranger.active_kid, issuer=DID, created=created)
    assert _ours(client, theirs)["result"] == "unknown_key"
    for value in ("z0OIl", "z" + "2" * 50_000, None):  # not base58; far longer than a signature
        assert _ours(client, _tampered(cred, ["proof", "proofValue"], value))["result"] == "malformed"


def test_keys_are_published_as_jwks_and_did_document_and_survive_rotation(
    settings, client, sessions  # noqa: ANN001
) -> None:
    m = make_market(sessions)
    first = bought_and_paid(client, sessions, m, territories=["CN"])
    old_cred = _credential(client, m.licensee, first)
    old_cert = client.get(f"/api/v1/licenses/{first['id']}/certificate",
                          headers=m.licensee.headers).json()
    ring = certificates.Keyring.open(settings.keys_dir, create=False)
    old_kid = ring.active_kid
    new_kid = ring.rotate()
    second = bought_and_paid(client, sessions, m, territories=["HK"])
    new_cred = _credential(client, m.licensee, second)
    assert new_cred["proof"]["verificationMethod"] == f"{DID}#{new_kid}"

    keys = client.get("/api/v1/certificates/keys")  # public: no key
    assert keys.status_code == 200, keys.text
    assert keys.headers["content-type"].startswith("application/jwk-set+json")
    assert "max-age" in keys.headers["cache-control"]
    jwks = keys.json()["keys"]
    assert {k["kid"] for k in jwks} == {old_kid, new_kid}
    assert all((k["kty"], k["crv"], k["use"], k["alg"]) == ("OKP", "Ed25519", "sig", "EdDSA")
               and "d" not in k for k in jwks)

    did_doc = client.get("/.well-known/did.json")
    assert did_doc.status_code == 200 and "max-age" in did_doc.headers["cache-control"]
    body = did_doc.json()
    assert body["id"] == DID
    assert set(body["assertionMethod"]) == {f"{DID}#{old_kid}", f"{DID}#{new_kid}"}
    assert [v["id"] for v in body["verificationMethod"]] == body["assertionMethod"]

    # Rotation changes nothing already issued: the old credential is the same and still good.
    assert _credential(client, m.licensee, first) == old_cred
    for cred in (old_cred, new_cred):
        assert independently_verified(client, cred) and independently_verified(client, cred, "jwks")
        assert _ours(client, cred)["result"] == "valid"
    assert _ours(client, old_cert)["result"] == "valid"


def test_cli_prints_a_credential_that_verifies(settings, client, sessions, tmp_path: Path,  # noqa: ANN001
                                               monkeypatch) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    cli = Cli(monkeypatch, settings.data_dir, settings.resolved_database_url)
    try:
        printed = cli("license", "credential", lic["id"])
        assert printed.exit_code == 0, printed.output
        assert json.loads(printed.stdout) == _credential(client, m.licensee, lic)
        path = tmp_path / "licence.vc.json"
        path.write_text(printed.stdout)
        assert cli("license", "verify", str(path)).exit_code == 0
        path.write_text(printed.stdout.replace('"CN"', '"US"'))
        assert cli("license", "verify", str(path)).exit_code == 1
    finally:
        get_settings.cache_clear()
