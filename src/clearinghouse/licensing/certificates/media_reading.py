"""Reading the licence a delivered media file carries in its C2PA manifest (c2pa-python).

Delivery (licensing/delivery/provenance.py) writes a manifest whose `org.clearinghouse.licence`
assertion holds the licence's terms and its signed certificate. Reading one back is parsing an
untrusted file with a native library, so it runs in a worker process with a deadline and a memory
ceiling (core/isolation.py), like the PDF reader; a file is handed over by path when it is on disk,
so a large video is never copied through memory.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import c2pa

from clearinghouse.core.isolation import DeadlineExceeded, IsolatedRunner, WorkerDied
from clearinghouse.licensing.certificates.pdf_reading import DocumentTooLarge

LICENCE_LABEL = "org.clearinghouse.licence"
MiB = 1024 * 1024
MAX_SECONDS = 60.0  # hashing a large video takes a while; a parser stuck for a minute is stuck
WORKER_MEMORY_BYTES = 512 * MiB
WORKERS = 1


@dataclass(frozen=True)
class MediaCheck:
    """What a file's C2PA manifest says. Plain data: it crosses back from the worker."""

    format: str
    has_manifest: bool
    intact: bool = False  # the manifest's signature and the file's hashes check out
    trusted: bool = False  # signed by a certificate issued by this clearinghouse's root
    signer: str | None = None
    signed_at: str | None = None
    licence: dict[str, Any] | None = None  # our assertion, when the manifest has one
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.has_manifest and self.intact and self.trusted and self.licence is not None


def reader_context(trust_anchors_pem: bytes) -> c2pa.Context:
    """A c2pa context that trusts only our root (and verifies against it, offline)."""
    settings = {"trust": {"trust_anchors": trust_anchors_pem.decode("ascii")},
                "verify": {"verify_trust": True, "remote_manifest_fetch": False}}
    return c2pa.Context(c2pa.Settings.from_dict(settings))


def _assertion(manifest: dict[str, Any], label: str) -> dict[str, Any] | None:
    for assertion in manifest.get("assertions") or []:
        if isinstance(assertion, dict) and assertion.get("label") == label:
            data = assertion.get("data")
            return data if isinstance(data, dict) else None
    return None


def read_manifest(job: tuple[str | bytes, str, bytes]) -> MediaCheck:
    """Read and validate the file's manifest (a path or the bytes). Runs in the worker."""
    source, media_type, trust_anchors_pem = job
    stream: Any = open(source, "rb") if isinstance(source, str) else io.BytesIO(source)  # noqa: SIM115
    try:
        with stream:
            reader = c2pa.Reader.try_create(media_type, stream, None, reader_context(
                trust_anchors_pem))
            if reader is None:
                return MediaCheck(media_type, False,
                                  problems=["the file carries no C2PA manifest"])
            with reader:
                state = reader.get_validation_state()
                results = reader.get_validation_results() or {}
                manifest = reader.get_active_manifest() or {}
    except c2pa.C2paError as exc:
        return MediaCheck(media_type, True, problems=[
            f"the file's C2PA manifest cannot be read: {str(exc)[:200]}"])
    failures = [f for f in (results.get("activeManifest") or {}).get("failure") or []
                if isinstance(f, dict)]
    problems = [f"{f.get('code')}: {f.get('explanation')}" for f in failures]
    # A signer we do not trust is one kind of failure; a hash or signature mismatch is another.
    altered = [f for f in failures if not str(f.get("code", "")).startswith("signingCredential")]
    intact = state in ("Valid", "Trusted") or (bool(failures) and not altered)
    info = manifest.get("signature_info") or {}
    licence = _assertion(manifest, LICENCE_LABEL)
    if licence is None:
        problems.append(f"the manifest has no {LICENCE_LABEL} assertion")
    return MediaCheck(
        format=media_type, has_manifest=True, intact=bool(intact), trusted=state == "Trusted",
        signer=info.get("common_name"), signed_at=info.get("time"), licence=licence,
        problems=problems,
    )


_runner = IsolatedRunner(workers=WORKERS, seconds=MAX_SECONDS, memory_bytes=WORKER_MEMORY_BYTES,
                         preload=(__name__,))


def read_manifest_isolated(source: Path | bytes, media_type: str,
                           trust_anchors_pem: bytes) -> MediaCheck:
    """read_manifest in a worker process, killed at the deadline."""
    arg = str(source) if isinstance(source, Path) else bytes(source)
    try:
        return _runner.run(read_manifest, (arg, media_type, trust_anchors_pem))
    except DeadlineExceeded:
        raise DocumentTooLarge(f"the file's manifest takes longer than {MAX_SECONDS:g} s to "
                               "check", "seconds", MAX_SECONDS) from None
    except WorkerDied:
        raise DocumentTooLarge("the file could not be checked within the memory allowed",
                               "memory", WORKER_MEMORY_BYTES) from None


def embedded_certificate(check: MediaCheck) -> bytes | None:
    """The signed certificate document the licence assertion carries, as JSON bytes."""
    document = (check.licence or {}).get("certificate")
    return json.dumps(document).encode("utf-8") if isinstance(document, dict) else None
