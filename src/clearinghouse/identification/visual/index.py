"""VisualIndex: references' image and video prints on disk, searched for images and videos."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from clearinghouse.core.media_match import MediaMatch
from clearinghouse.identification.visual import store
from clearinghouse.identification.visual.alignment import align
from clearinghouse.identification.visual.calibration import false_match_rate
from clearinghouse.identification.visual.matching import orb_pairs, pdq_pairs
from clearinghouse.identification.visual.prints import VIDEO_FPS, ImagePrints, VideoPrints, _Prints

REFERENCE_FRAME_KEYPOINTS = 128  # strongest ORB keypoints a video reference keeps per keyframe
REFERENCE_ORB_EVERY = 2  # a video reference keeps ORB keypoints of every second sampled frame


def _rows(reference_id: int, prints: _Prints, kind: int) -> store.SegmentRows:
    keep = np.ones(len(prints.orb_frame), bool)
    if kind == 1 and len(keep):
        # Keypoints are stored strongest first within each picture: keep the first N of each.
        starts = np.r_[0, np.flatnonzero(np.diff(prints.orb_frame)) + 1]
        rank = np.arange(len(keep)) - np.repeat(starts, np.diff(np.r_[starts, len(keep)]))
        keep = (rank < REFERENCE_FRAME_KEYPOINTS) & (prints.orb_frame % REFERENCE_ORB_EVERY == 0)
    return store.SegmentRows(
        frame_ref=np.full(prints.frames, reference_id, np.int64),
        frame_time=prints.times.astype(np.float32),
        frame_kind=np.full(prints.frames, kind, np.uint8),
        pdq=np.ascontiguousarray(prints.pdq[:, 0]),
        orb_frame=prints.orb_frame[keep], orb_xy=prints.orb_xy[keep],
        orb_desc=prints.orb_desc[keep])


class VisualIndex:
    """An on-disk index of reference images and videos; reopening memory-maps it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._load()

    def _load(self) -> None:
        directory = self.directory
        self._manifest: list[dict] = store.read_manifest(directory)
        self._segments = [store.open_segment(directory, entry["name"], set(entry["removed"]))
                          for entry in self._manifest]
        self._pending: dict[int, store.SegmentRows] = {}
        self._removed: set[int] = set()

    @classmethod
    def open(cls, directory: Path) -> VisualIndex:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        return cls(directory)

    def add_image(self, reference_id: int, prints: ImagePrints) -> None:
        self._pending[reference_id] = _rows(reference_id, prints, 0)

    def add_video(self, reference_id: int, prints: VideoPrints) -> None:
        self._pending[reference_id] = _rows(reference_id, prints, 1)

    def remove(self, reference_id: int) -> None:
        self._pending.pop(reference_id, None)
        self._removed.add(reference_id)

    def commit(self) -> None:
        """Make added and removed references durable at once; a crash keeps the last commit."""
        entries = [{"name": e["name"], "removed": sorted(set(e["removed"]) | self._removed)}
                   for e in self._manifest]
        # A reference added again after removal lives on in its new rows only.
        for entry in entries:
            entry["removed"] = sorted(set(entry["removed"]) | set(self._pending))
        if self._pending:
            rows = store.SegmentRows.concat(list(self._pending.values()))
            entries.append({"name": store.write_segment(self.directory, rows), "removed": []})
        if len(entries) > store.MAX_SEGMENTS:
            entries = [self._compacted(entries)]
        store.write_manifest(self.directory, entries)
        # Only the writer sweeps (what a crashed commit left, compacted segments): a reader
        # opening mid-commit must not delete the segment the new manifest is about to name.
        store.sweep(self.directory, {entry["name"] for entry in entries})
        self._load()

    def _compacted(self, entries: list[dict]) -> dict:
        parts = []
        for entry in entries:
            segment = store.open_segment(self.directory, entry["name"], set(entry["removed"]))
            parts.append(segment.rows().without(segment.removed))
        return {"name": store.write_segment(self.directory, store.SegmentRows.concat(parts)),
                "removed": []}

    def search_image(self, prints: ImagePrints, *, max_false_match_rate: float = 1e-3,
                     limit: int = 10) -> list[MediaMatch]:
        return self._search(prints, "image", max_false_match_rate, limit)

    def search_video(self, prints: VideoPrints, *, max_false_match_rate: float = 1e-3,
                     limit: int = 10) -> list[MediaMatch]:
        return self._search(prints, "video", max_false_match_rate, limit)

    def _search(self, prints: _Prints, query_kind: str, max_rate: float,
                limit: int) -> list[MediaMatch]:
        pairs = []
        threads = faiss.omp_get_max_threads()
        # One query is small work: FAISS's thread team costs more than it saves (and a busy
        # server runs many queries side by side).
        faiss.omp_set_num_threads(1)
        try:
            for segment in self._segments:
                pairs.extend(pdq_pairs(prints, segment))
                pairs.extend(orb_pairs(prints, segment))
        finally:
            faiss.omp_set_num_threads(threads)
        kinds = {p.reference_id: p.reference_kind for p in pairs}
        found: list[MediaMatch] = []
        step = 1.0 / VIDEO_FPS
        for segment in align(pairs, query_is_video=query_kind == "video", step=step):
            rate = false_match_rate(segment.score, query_kind)
            if rate > max_rate:
                continue
            end = min(segment.query_end, prints.duration) if query_kind == "video" else 0.0
            found.append(MediaMatch(
                reference_id=segment.reference_id,
                kind="image" if kinds[segment.reference_id] == 0 else "video",
                query_start=segment.query_start, query_end=max(end, segment.query_start),
                reference_start=segment.reference_start, reference_end=segment.reference_end,
                score=round(segment.score, 6), false_match_rate=rate, speed=segment.speed,
                mirrored=segment.mirrored))
        return found[:limit]

    def stats(self) -> dict:
        live = [(s, s.removed) for s in self._segments]
        references: set[int] = set()
        seconds = 0.0
        for segment, removed in live:
            refs = np.asarray(segment.frame_ref)
            kinds = np.asarray(segment.arrays["frame_kind"])
            mask = ~np.isin(refs, list(removed)) if removed else np.ones(len(refs), bool)
            references.update(int(r) for r in np.unique(refs[mask]))
            seconds += float((kinds[mask] == 1).sum()) / VIDEO_FPS
        size = sum(s.nbytes(self.directory) for s in self._segments)
        return {"references": len(references), "seconds": round(seconds, 1), "bytes": size,
                "bytes_per_hour": round(size / (seconds / 3600)) if seconds else None,
                "segments": len(self._segments)}
