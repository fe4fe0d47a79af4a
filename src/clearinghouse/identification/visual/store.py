"""The visual index on disk: immutable segments, a manifest, tombstones.

A commit writes the pending references as a new segment directory (FAISS binary indexes plus
numpy arrays), flushes it to disk, then replaces `manifest.json` with os.replace — so a crash
leaves either the old manifest or the new one, both pointing at complete segments. Removing a
reference writes a tombstone into the manifest; its rows stay until segments are compacted
(when there are more than MAX_SEGMENTS). One writer at a time; any number of readers, which
never delete anything.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

MANIFEST = "manifest.json"
MAX_SEGMENTS = 8
FLAT_DESCRIPTORS = 1_000_000  # below this, exact search over ORB descriptors; above, IVF
IVF_PROBES = 8

_ARRAYS = ("frame_ref", "frame_time", "frame_kind", "orb_frame", "orb_xy")


@dataclass
class SegmentRows:
    """Rows of one segment, in memory while being built or compacted."""

    frame_ref: np.ndarray  # (F,) int64 reference id of each reference picture
    frame_time: np.ndarray  # (F,) float32 seconds into the reference
    frame_kind: np.ndarray  # (F,) uint8: 0 image, 1 video
    pdq: np.ndarray  # (F, 32) uint8
    orb_frame: np.ndarray  # (K,) int32 row in the frame arrays
    orb_xy: np.ndarray  # (K, 2) float32
    orb_desc: np.ndarray  # (K, 32) uint8

    @classmethod
    def concat(cls, parts: list[SegmentRows]) -> SegmentRows:
        offsets = np.cumsum([0] + [len(p.frame_ref) for p in parts])[:-1]
        return cls(
            frame_ref=np.concatenate([p.frame_ref for p in parts]).astype(np.int64),
            frame_time=np.concatenate([p.frame_time for p in parts]).astype(np.float32),
            frame_kind=np.concatenate([p.frame_kind for p in parts]).astype(np.uint8),
            pdq=np.concatenate([p.pdq for p in parts]).reshape(-1, 32).astype(np.uint8),
            orb_frame=np.concatenate([p.orb_frame + o for p, o in zip(parts, offsets, strict=True)]
                                     ).astype(np.int32),
            orb_xy=np.concatenate([p.orb_xy for p in parts]).reshape(-1, 2).astype(np.float32),
            orb_desc=np.concatenate([p.orb_desc for p in parts]).reshape(-1, 32).astype(np.uint8))

    def without(self, removed: set[int]) -> SegmentRows:
        if not removed:
            return self
        keep = ~np.isin(self.frame_ref, list(removed))
        new_row = np.cumsum(keep) - 1
        keep_orb = keep[self.orb_frame] if len(self.orb_frame) else np.zeros(0, bool)
        return SegmentRows(self.frame_ref[keep], self.frame_time[keep], self.frame_kind[keep],
                           self.pdq[keep], new_row[self.orb_frame[keep_orb]].astype(np.int32),
                           self.orb_xy[keep_orb], self.orb_desc[keep_orb])


@dataclass
class Segment:
    """A committed segment opened for search: indexes read memory-mapped where FAISS can."""

    name: str
    pdq_index: faiss.IndexBinary
    orb_index: faiss.IndexBinary
    arrays: dict[str, np.ndarray]
    removed: set[int] = field(default_factory=set)

    @property
    def frame_ref(self) -> np.ndarray:
        return self.arrays["frame_ref"]

    def rows(self) -> SegmentRows:
        return SegmentRows(pdq=_codes(self.pdq_index), orb_desc=_codes(self.orb_index),
                           **{name: np.asarray(self.arrays[name]) for name in _ARRAYS})

    def nbytes(self, directory: Path) -> int:
        return sum(f.stat().st_size for f in (directory / self.name).iterdir())


def _codes(index: faiss.IndexBinary) -> np.ndarray:
    if index.ntotal == 0:
        return np.zeros((0, 32), np.uint8)
    if isinstance(index, faiss.IndexBinaryIVF):
        index.make_direct_map()
    return index.reconstruct_n(0, index.ntotal)


def _descriptor_index(descriptors: np.ndarray) -> faiss.IndexBinary:
    """Exact search for a small catalogue; an inverted file over sampled centroids above that.

    The IVF's centroids are descriptors drawn at random rather than k-means centres: binary
    k-means over millions of descriptors costs more than it gains for ORB, whose descriptors
    spread widely anyway; it keeps building a segment linear in its size.
    """
    count = len(descriptors)
    if count < FLAT_DESCRIPTORS:
        index = faiss.IndexBinaryFlat(256)
    else:
        lists = int(2 ** round(np.log2(np.sqrt(count))))
        sample = np.random.default_rng(7).choice(count, lists, replace=False)
        quantizer = faiss.IndexBinaryFlat(256)
        quantizer.add(np.ascontiguousarray(descriptors[np.sort(sample)]))
        index = faiss.IndexBinaryIVF(quantizer, 256, lists)
        index.own_fields = True
        quantizer.this.disown()
        index.is_trained = True
        index.nprobe = IVF_PROBES
    if count:
        index.add(np.ascontiguousarray(descriptors))
    return index


def _read_index(path: Path) -> faiss.IndexBinary:
    try:
        index = faiss.read_index_binary(str(path), faiss.IO_FLAG_MMAP)
    except RuntimeError:  # index types FAISS cannot map are read into memory
        index = faiss.read_index_binary(str(path))
    if isinstance(index, faiss.IndexBinaryIVF):
        index.nprobe = IVF_PROBES
    return index


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_segment(directory: Path, rows: SegmentRows) -> str:
    name = f"seg-{uuid.uuid4().hex[:12]}"
    staging = directory / f"tmp-{name}"
    staging.mkdir()
    faiss.write_index_binary(_pdq_index(rows.pdq), str(staging / "pdq.faiss"))
    faiss.write_index_binary(_descriptor_index(rows.orb_desc), str(staging / "orb.faiss"))
    for array in _ARRAYS:
        np.save(staging / f"{array}.npy", getattr(rows, array))
    for path in staging.iterdir():
        _fsync(path)
    os.replace(staging, directory / name)
    _fsync(directory)
    return name


def _pdq_index(hashes: np.ndarray) -> faiss.IndexBinary:
    index = faiss.IndexBinaryFlat(256)
    if len(hashes):
        index.add(np.ascontiguousarray(hashes))
    return index


def open_segment(directory: Path, name: str, removed: set[int]) -> Segment:
    folder = directory / name
    arrays = {array: np.load(folder / f"{array}.npy", mmap_mode="r") for array in _ARRAYS}
    return Segment(name, _read_index(folder / "pdq.faiss"), _read_index(folder / "orb.faiss"),
                   arrays, set(removed))


def read_manifest(directory: Path) -> list[dict]:
    path = directory / MANIFEST
    if not path.exists():
        return []
    return list(json.loads(path.read_text())["segments"])


def write_manifest(directory: Path, segments: list[dict]) -> None:
    staging = directory / f"{MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
    staging.write_text(json.dumps({"format": 1, "segments": segments}))
    _fsync(staging)
    os.replace(staging, directory / MANIFEST)
    _fsync(directory)


def sweep(directory: Path, live: set[str]) -> None:
    """Delete what no manifest points at: a crashed commit's staging or compacted segments."""
    for path in directory.iterdir():
        if path.is_dir() and (path.name.startswith("tmp-") or
                              (path.name.startswith("seg-") and path.name not in live)):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)
