"""The scale part of bench/identify_visual.py: N hours of *synthetic* reference video.

Real reference hours are not available here, so each synthetic hour is what the index would
hold for one: VIDEO_FPS PDQ hashes a second and, for every REFERENCE_ORB_EVERY-th frame,
REFERENCE_FRAME_KEYPOINTS ORB descriptors with positions — random bits, written as ordinary
segments next to the real references. Queries are the benchmark's real edited clips and photos,
so the timings include the real verification work on top of a catalogue-sized candidate search.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from clearinghouse.identification.visual import VIDEO_FPS, VisualIndex, store
from clearinghouse.identification.visual.index import (
    REFERENCE_FRAME_KEYPOINTS,
    REFERENCE_ORB_EVERY,
)

SYNTHETIC_IDS = 10_000_000  # synthetic references get ids from here up
HOURS_PER_SEGMENT = 25


def synthetic_rows(first_id: int, hours: float, rng: np.random.Generator) -> store.SegmentRows:
    frames = int(hours * 3600 * VIDEO_FPS)
    per_reference = int(600 * VIDEO_FPS)  # ten-minute references
    keyframes = np.arange(0, frames, REFERENCE_ORB_EVERY)
    orb_frame = np.repeat(keyframes, REFERENCE_FRAME_KEYPOINTS).astype(np.int32)
    return store.SegmentRows(
        frame_ref=(first_id + np.arange(frames) // per_reference).astype(np.int64),
        frame_time=((np.arange(frames) % per_reference) / VIDEO_FPS).astype(np.float32),
        frame_kind=np.ones(frames, np.uint8),
        pdq=rng.integers(0, 256, (frames, 32), dtype=np.uint8),
        orb_frame=orb_frame,
        orb_xy=rng.uniform(0, 480, (len(orb_frame), 2)).astype(np.float32),
        orb_desc=rng.integers(0, 256, (len(orb_frame), 32), dtype=np.uint8))


def add_synthetic_hours(directory: Path, hours: float) -> float:
    """Write `hours` of synthetic reference video into the index at `directory`; seconds taken."""
    started = time.perf_counter()
    rng = np.random.default_rng(15)
    entries = store.read_manifest(directory)
    left, first_id = hours, SYNTHETIC_IDS
    while left > 0:
        chunk = min(left, HOURS_PER_SEGMENT)
        rows = synthetic_rows(first_id, chunk, rng)
        entries.append({"name": store.write_segment(directory, rows), "removed": []})
        first_id = int(rows.frame_ref.max()) + 1
        left -= chunk
    store.write_manifest(directory, entries)
    return time.perf_counter() - started


def scale_report(directory: Path, hours: float, queries: list, search) -> dict:  # noqa: ANN001
    """Index bytes per hour and query latency with `hours` of synthetic video added."""
    build_s = add_synthetic_hours(directory, hours)
    index = VisualIndex.open(directory)
    stats = index.stats()
    latencies = []
    for query in queries:
        started = time.perf_counter()
        search(index, query)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {"hours": hours, "build_s": round(build_s, 1), "bytes": stats["bytes"],
            "bytes_per_hour": stats["bytes_per_hour"], "segments": stats["segments"],
            "queries": len(latencies),
            "p50_ms": round(latencies[len(latencies) // 2], 1),
            "p95_ms": round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 1)}
