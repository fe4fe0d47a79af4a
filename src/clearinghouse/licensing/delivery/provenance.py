"""The licence inside the delivered file: a C2PA manifest (c2pa-python) signed by the operator.

Each licensee gets their own copy of a work's file, carrying a manifest whose
`org.clearinghouse.licence` assertion says which licence covers it (licence id, licensee, works and
their identifiers, rights, territories, channels, period, verify URL) and holds the signed
certificate itself, so the file can be checked offline with any C2PA tool that trusts the
operator's root (`keys/operator-ca.crt`). The manifest is signed with the document-signing
certificate `init` made (licensing/certificates/x509.py).

A copy is made on the first download and kept in the file store under
`licensed/<licence id>/<original sha256>-<delivered sha256>`, so a second download streams it
without signing again; the stored original is never touched. Signing reads and writes files, not
memory, and runs in a worker process (core/isolation.py): an owner's upload is parsed by a native
library. A format C2PA cannot carry (or a file it cannot parse) is delivered as stored, and the
licence travels beside it as `<name>.licence.json` (see `sidecar_content`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import c2pa

from clearinghouse import __version__
from clearinghouse.core.files import FileStore
from clearinghouse.core.isolation import DeadlineExceeded, IsolatedRunner, WorkerDied
from clearinghouse.core.media_types import SNIFF_BYTES, sniff_media_type
from clearinghouse.licensing.certificates.media_reading import LICENCE_LABEL
from clearinghouse.licensing.certificates.x509 import SigningMaterial

log = logging.getLogger(__name__)

# Formats delivery signs; the c2pa library also reads each of them back (tests prove the five
# named in issue 11: JPEG, PNG, MP4, MP3 and WAV).
C2PA_FORMATS = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "image/tiff",
                          "video/mp4", "video/quicktime", "audio/mp4", "audio/mpeg", "audio/wav",
                          "audio/flac"})
CACHE_FOLDER = "licensed"
CHUNK = 1 << 20
MiB = 1024 * 1024
SIGN_SECONDS = 300.0  # hashing a multi-GB video is slow; a stuck native parser is not
WORKER_MEMORY_BYTES = 512 * MiB  # signing streams files; this is far above what it needs


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _period(cert: dict[str, Any]) -> dict[str, Any]:
    return {"from": cert.get("valid_from"), "until": cert.get("valid_until")}


def licence_assertion(document: dict[str, Any]) -> dict[str, Any]:
    """What the manifest says about the licence, read from the signed certificate document."""
    cert = _object(document.get("certificate"))
    terms = _object(cert.get("terms"))
    return {
        "licence_id": cert.get("license_id"),
        "issuer": cert.get("issuer"),
        "licensee": cert.get("licensee"),
        "works": cert.get("works") or [],
        "rights": cert.get("rights") or [],
        "territories": terms.get("territories") or [],
        "territories_excluded": terms.get("territories_excluded") or [],
        "channels": terms.get("channels") or [],
        "purpose": terms.get("purpose"),
        "period": _period(cert),
        "verify_url": cert.get("verify_url"),
        # The Ed25519-signed certificate itself: checkable offline against the published keys.
        "certificate": document,
    }


def manifest_definition(document: dict[str, Any], title: str | None) -> dict[str, Any]:
    # The builder's "edit" intent records the stored file as the parent ingredient and opens the
    # action list with c2pa.opened (C2PA requires created or opened first); publishing it to the
    # licensee under a licence is what we did to it.
    return {
        "claim_generator_info": [{"name": "clearinghouse", "version": __version__}],
        "title": title or "licensed file",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [{
                "action": "c2pa.published",
                "parameters": {"description": "Delivered under licence "
                               f"{licence_assertion(document)['licence_id']}"},
            }]}},
            {"label": LICENCE_LABEL, "data": licence_assertion(document)},
        ],
    }


def sidecar_content(document: dict[str, Any]) -> bytes:
    """The licence delivered beside a file: today the signed certificate JSON. The one place to
    switch to the verifiable credential once certificates are issued as one."""
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def sidecar_name(file_name: str | None, fallback: str) -> str:
    return f"{file_name or fallback}.licence.json"


# -- signing (in a worker process) --------------------------------------------------------------


def _sign_job(job: tuple[str, str, str, str, bytes, bytes]) -> None:
    source, dest, media_type, manifest_json, chain_pem, key_pem = job
    settings = {"builder": {"thumbnail": {"enabled": False}}}  # a thumbnail would decode the media
    context = c2pa.Context(c2pa.Settings.from_dict(settings))
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain_pem,
                                                       key_pem, None))
    with c2pa.Builder(manifest_json, context=context) as builder, \
            open(source, "rb") as src, open(dest, "w+b") as dst:
        builder.set_intent(c2pa.C2paBuilderIntent.EDIT)
        builder.sign(signer, media_type, src, dst)


_runner = IsolatedRunner(workers=1, seconds=SIGN_SECONDS, memory_bytes=WORKER_MEMORY_BYTES,
                         preload=(__name__,))


class SigningFailed(Exception):
    """The file could not carry a manifest (damaged, or beyond what the signer could parse)."""


def sign_media_file(source: Path, dest: Path, media_type: str, document: dict[str, Any],
                    title: str | None, material: SigningMaterial) -> None:
    """Write `source` with a licence manifest to `dest` (both local files)."""
    manifest = json.dumps(manifest_definition(document, title), ensure_ascii=False)
    job = (str(source), str(dest), media_type, manifest, material.chain_pem,
           material.leaf_key_pem)
    try:
        _runner.run(_sign_job, job)
    except (DeadlineExceeded, WorkerDied, c2pa.C2paError) as exc:
        raise SigningFailed(str(exc)[:300]) from exc


# -- delivery -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveredFile:
    key: str  # in the file store
    size: int
    sha256: str
    media_type: str | None
    embedded: bool  # carries the licence in a C2PA manifest


def _cache_prefix(license_id: str, original_sha: str) -> str:
    return f"{CACHE_FOLDER}/{license_id}/{original_sha}-"


def _cached(store: FileStore, license_id: str, original_sha: str) -> tuple[str, int, str] | None:
    prefix = _cache_prefix(license_id, original_sha)
    for key, size in store.sizes_under(f"{CACHE_FOLDER}/{license_id}").items():
        if key.startswith(prefix):
            return key, size, key[len(prefix):]
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def delivered_file(store: FileStore, *, license_id: str, file_key: str, file_sha256: str,
                   file_size: int, file_name: str | None, document: dict[str, Any] | None,
                   material: SigningMaterial, work_dir: Path) -> DeliveredFile:
    """The licensee's copy of a stored file: signed on first need, cached after."""
    media_type = sniff_media_type(store.head(file_key, SNIFF_BYTES))
    as_stored = DeliveredFile(file_key, file_size, file_sha256, media_type, False)
    if document is None or media_type not in C2PA_FORMATS:
        return as_stored
    hit = _cached(store, license_id, file_sha256)
    if hit is not None:
        return DeliveredFile(hit[0], hit[1], hit[2], media_type, True)
    work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".signing-", dir=work_dir) as tmp:
        source, dest = Path(tmp) / "original", Path(tmp) / "delivered"
        store.get_local(file_key, source)  # the worker reads a local file, whatever the store
        try:
            sign_media_file(source, dest, media_type, document, file_name, material)
        except SigningFailed as exc:
            log.warning("licence %s: %s file %s delivered without a manifest: %s", license_id,
                        media_type, file_key, exc)
            return as_stored
        sha, size = _sha256(dest), dest.stat().st_size
        key = _cache_prefix(license_id, file_sha256) + sha
        store.put_local(dest, key)
    return DeliveredFile(key, size, sha, media_type, True)
