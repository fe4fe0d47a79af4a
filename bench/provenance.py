"""Signing cost per download: a C2PA licence manifest on a ~10 MB MP4.

    .venv/bin/python -m bench.provenance [--mb 10] [--runs 5]

Makes an H.264 MP4 of about `--mb` MB (noise frames, so it does not compress away), stores it in
a local file store, and times `provenance.delivered_file` as the download endpoint calls it:
the first download of a licence (copy to a work folder, sign in the worker process, hash, store
the copy) for `--runs` different licences, then a repeat download (the cached copy). The worker
is started before timing. Peak RSS is this process's and the signing worker's.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import tempfile
import time
from pathlib import Path

import av
from PIL import Image

from clearinghouse.core.files import FileStore
from clearinghouse.licensing.certificates.x509 import ensure_signing_material
from clearinghouse.licensing.delivery import provenance

WIDTH, HEIGHT = 640, 360


def make_mp4(target_bytes: int) -> bytes:
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=25, options={"crf": "12", "tune": "zerolatency"})
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        while out.tell() < target_bytes:
            frame = av.VideoFrame.from_image(Image.effect_noise((WIDTH, HEIGHT), 90).convert("RGB"))
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def document(license_id: str) -> dict:
    cert = {"license_id": license_id, "licensee": {"id": "pty_bench", "name": "Bench"},
            "works": [{"id": "wrk_bench", "title": "Bench", "identifiers": {"isrc": "CNA012500001"}}],
            "terms": {"territories": ["CN"], "channels": ["douyin"], "purpose": "advertising"},
            "valid_from": "2026-01-01", "valid_until": "2026-12-31",
            "verify_url": f"https://example.org/verify/{license_id}"}
    return {"certificate": cert, "signature": {"alg": "Ed25519", "kid": "k", "value": "v"}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        material = ensure_signing_material(root / "keys")
        store = FileStore(str(root / "files"))
        data = make_mp4(int(args.mb * 1024 * 1024))
        (root / "files" / "works").mkdir(parents=True)
        (root / "files" / "works" / "clip").write_bytes(data)

        def deliver(license_id: str) -> provenance.DeliveredFile:
            return provenance.delivered_file(
                store, license_id=license_id, file_key="works/clip", file_sha256="0" * 64,
                file_size=len(data), file_name="clip.mp4", document=document(license_id),
                material=material, work_dir=root / "signing")

        deliver("lic_warmup")  # starts the worker process: not a per-download cost
        firsts = []
        for run in range(args.runs):
            start = time.perf_counter()
            delivered = deliver(f"lic_{run}")
            firsts.append(time.perf_counter() - start)
            assert delivered.embedded
        start = time.perf_counter()
        deliver("lic_0")
        cached = time.perf_counter() - start
        provenance._runner.close()  # so the worker's peak memory is counted among children
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"MP4 {len(data) / 1e6:.1f} MB, signed copy {delivered.size / 1e6:.1f} MB")
        print(f"first download (sign): median {statistics.median(firsts) * 1000:.0f} ms, "
              f"max {max(firsts) * 1000:.0f} ms over {args.runs}")
        print(f"repeat download (cached): {cached * 1000:.1f} ms")
        print(f"peak RSS: this process {own:.0f} MB, signing worker {worker:.0f} MB")


if __name__ == "__main__":
    main()
