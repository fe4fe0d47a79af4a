"""Segment-level temporal alignment: picture pairs with one consistent time offset make a match.

A clip inside a longer upload matches wherever it sits (there is no whole-video rule): pairs are
grouped per reference and orientation, and for each playback speed tried the offset
`reference_time - speed * query_time` is windowed; the window with the most evidence wins and
gives the matched range in both videos.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from clearinghouse.identification.visual.matching import PicturePair

SPEEDS = (1.0, 0.95, 1.05, 0.9, 1.1)  # query plays the reference this much faster
OFFSET_WINDOW = 1.25  # seconds: reference keyframes are a second apart, plus jitter
MIN_VIDEO_PICTURES = 2  # a video-to-video match needs two distinct query pictures in line


@dataclass(frozen=True)
class Segment:
    reference_id: int
    mirrored: bool
    query_start: float
    query_end: float
    reference_start: float
    reference_end: float
    speed: float
    evidence: float  # sum over distinct query pictures of their best pair strength
    pictures: int

    @property
    def score(self) -> float:
        return 1.0 - math.exp(-self.evidence)


def _evidence(pairs: list[PicturePair]) -> tuple[float, int]:
    best: dict[float, float] = {}
    for pair in pairs:
        best[pair.query_time] = max(best.get(pair.query_time, 0.0), pair.strength)
    return sum(best.values()), len(best)


def _segment(pairs: list[PicturePair], speed: float, step: float) -> Segment:
    evidence, pictures = _evidence(pairs)
    query_times = [p.query_time for p in pairs]
    reference_times = [p.reference_time for p in pairs]
    return Segment(pairs[0].reference_id, pairs[0].mirrored, min(query_times),
                   max(query_times) + step, min(reference_times), max(reference_times) + step,
                   speed, evidence, pictures)


def _best_window(pairs: list[PicturePair], speed: float) -> list[PicturePair]:
    offsets = np.array([p.reference_time - speed * p.query_time for p in pairs])
    order = np.argsort(offsets, kind="stable")
    best: list[PicturePair] = []
    best_evidence = 0.0
    end = 0
    for start in range(len(order)):
        while end < len(order) and offsets[order[end]] - offsets[order[start]] <= OFFSET_WINDOW:
            end += 1
        window = [pairs[i] for i in order[start:end]]
        evidence, _ = _evidence(window)
        if evidence > best_evidence + 1e-9:
            best, best_evidence = window, evidence
    return best


def align(pairs: Iterable[PicturePair], *, query_is_video: bool, step: float) -> list[Segment]:
    """The best-aligned segment per reference (mirrored or not, whichever is stronger)."""
    groups: dict[tuple[int, bool], list[PicturePair]] = defaultdict(list)
    for pair in pairs:
        groups[(pair.reference_id, pair.mirrored)].append(pair)
    best: dict[int, Segment] = {}
    for (reference_id, _), group in groups.items():
        image_step = step if query_is_video else 0.0
        if group[0].reference_kind == 0 or not query_is_video:
            # A still on either side has no time axis: every pair counts.
            candidate = _segment(group, 1.0, image_step)
            if group[0].reference_kind == 0:
                candidate = _still_reference(candidate)
        else:
            candidate = None
            for speed in SPEEDS:
                window = _best_window(group, speed)
                if window and (candidate is None or
                               _evidence(window)[0] > candidate.evidence + 1e-9):
                    candidate = _segment(window, speed, step)
            if candidate is None or candidate.pictures < MIN_VIDEO_PICTURES:
                continue
        if reference_id not in best or candidate.evidence > best[reference_id].evidence:
            best[reference_id] = candidate
    return sorted(best.values(), key=lambda s: -s.evidence)


def _still_reference(segment: Segment) -> Segment:
    return Segment(segment.reference_id, segment.mirrored, segment.query_start,
                   segment.query_end, 0.0, 0.0, 1.0, segment.evidence, segment.pictures)
