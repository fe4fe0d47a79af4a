"""From a query's triplets to matches: look up, vote on a consistent speed and offset, verify.

Each hit pairs a query triplet with a stored one. Its band shift gives a speed estimate
(s = 2 ** (shift / BINS_PER_OCTAVE)), and with it the reference time at which the query's middle
would fall. Hits of a true match pile up in one (reference, speed, offset) cell; coincidences
scatter. The fullest cells are then verified: a straight line reference_time = speed ×
query_time + offset is fitted to the cell's hits (that is the precise speed), and the match's
strength is the number of distinct query triplets within a frame or two of that line whose band
shift agrees with the fitted speed.

The strength is turned into a false-match rate with a tail model fitted to the strengths of the
best candidate for non-matching queries (music not in the index, and speech): see
`false_match_rate` and docs/identification-audio.md.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from clearinghouse.core.media_match import MediaMatch
from clearinghouse.identification.audio.entries import decode_info
from clearinghouse.identification.audio.peaks import BINS_PER_OCTAVE, FRAMES_PER_SECOND
from clearinghouse.identification.audio.prints import AudioPrints
from clearinghouse.identification.audio.triplets import (
    QUERY_FANOUT,
    SPEED_RANGE,
    query_codes,
    triplets,
)


class Searchable(Protocol):
    total_seconds: float

    def lookup(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...

MAX_SHIFT = BINS_PER_OCTAVE * np.log2(1 + SPEED_RANGE) + 0.5  # bands
SHIFT_CELL = 1.5  # bands per speed cell
OFFSET_CELL = 8.0  # frames per offset cell
CANDIDATES = 24  # fullest cells verified per query
LINE_TOLERANCE = 1.5  # frames from the fitted line
SHIFT_TOLERANCE = 1.0  # bands from the fitted speed's shift
SCORE_HALF = 20  # consistent triplets at which the score is 0.5

# Tail model of the best non-matching candidate's strength k (consistent triplets), fitted by
# bench/identify_audio.py --calibrate on non-matching music and speech queries against the
# bench's references: P(K >= k) = exp(NULL_INTERCEPT - NULL_SLOPE * k), per CALIBRATION_HOURS
# of reference audio; scaled linearly for larger indexes (a union bound over references).
NULL_INTERCEPT = 2.417
NULL_SLOPE = 0.473
CALIBRATION_HOURS = 2.38  # 8 planetblupi tracks; 240 non-matching queries (median 6, max 14)
MIN_STRENGTH = 4


def false_match_rate(strength: int, reference_hours: float) -> float:
    scale = max(1.0, reference_hours / CALIBRATION_HOURS)
    return float(min(1.0, scale * np.exp(NULL_INTERCEPT - NULL_SLOPE * strength)))


def candidates(index: Searchable, prints: AudioPrints) -> list[tuple[int, int, float, float, float, float]]:
    """Verified candidates, strongest first, one per reference:
    (reference, strength, speed, query start, query end, reference start) — times in frames."""
    tr = triplets(prints.peaks, QUERY_FANOUT)
    if tr.t1.size == 0:
        return []
    codes, rows = query_codes(tr)
    position, ref, info = index.lookup(codes)
    if position.size == 0:
        return []
    row = rows[position]
    t_q, f_q = tr.t1[row].astype(np.float64), tr.f1[row].astype(np.float64)
    t_r, f_r = (a.astype(np.float64) for a in decode_info(info))
    shift = f_q - f_r
    near = np.abs(shift) <= MAX_SHIFT
    row, ref, t_q, t_r, shift = row[near], ref[near].astype(np.int64), t_q[near], t_r[near], shift[near]
    middle = float(np.median(tr.t1))
    offset = t_r - np.exp2(shift / BINS_PER_OCTAVE) * (t_q - middle)
    shift_cell = np.floor(shift / SHIFT_CELL).astype(np.int64) + 8
    offset_cell = np.floor(offset / OFFSET_CELL).astype(np.int64) + 1
    key = (ref << np.int64(28)) | (shift_cell << np.int64(24)) | offset_cell
    cells, counts = np.unique(key, return_counts=True)
    top = cells[np.argsort(-counts, kind="stable")[:CANDIDATES]]
    best: dict[int, tuple[int, int, float, float, float, float]] = {}
    for cell in top:
        reference = int(cell >> 28)
        centre_shift = (((int(cell) >> 24) & 0xF) - 8 + 0.5) * SHIFT_CELL
        centre_offset = ((int(cell) & 0xFFFFFF) - 1 + 0.5) * OFFSET_CELL
        pick = ((ref == reference) & (np.abs(shift - centre_shift) <= SHIFT_CELL * 1.5)
                & (np.abs(offset - centre_offset) <= OFFSET_CELL * 1.5))
        found = _verify(row[pick], t_q[pick], t_r[pick], shift[pick])
        if found is not None and found[0] > best.get(reference, (0,))[0]:
            best[reference] = found
    return sorted(((ref_id, *v) for ref_id, v in best.items()), key=lambda c: -c[1])


def _verify(row: np.ndarray, t_q: np.ndarray, t_r: np.ndarray,
            shift: np.ndarray) -> tuple[int, float, float, float, float] | None:
    """(strength, speed, query start, query end, reference start) of the line through the hits."""
    keep = np.ones(row.size, dtype=bool)
    for _ in range(2):
        if np.unique(t_q[keep].round()).size < 3:
            return None
        slope, intercept = np.polyfit(t_q[keep], t_r[keep], 1)
        if not (1 / (1 + SPEED_RANGE) <= slope <= 1 + SPEED_RANGE):
            slope = float(np.exp2(np.median(shift[keep]) / BINS_PER_OCTAVE))
            intercept = float(np.median(t_r[keep] - slope * t_q[keep]))
        keep = ((np.abs(t_r - (slope * t_q + intercept)) <= LINE_TOLERANCE)
                & (np.abs(shift - BINS_PER_OCTAVE * np.log2(slope)) <= SHIFT_TOLERANCE))
        if not keep.any():
            return None
    strength = int(np.unique(t_q[keep]).size)  # distinct first peaks: their triplets are not independent
    start, end = float(t_q[keep].min()), float(t_q[keep].max())
    return strength, float(slope), start, end, float(slope * start + intercept)


def search_index(index: Searchable, prints: AudioPrints, *, max_false_match_rate: float,
                 limit: int) -> list[MediaMatch]:
    hours = index.total_seconds / 3600
    matches = []
    for reference, strength, speed, q_start, q_end, r_start in candidates(index, prints):
        rate = false_match_rate(strength, hours)
        if strength < MIN_STRENGTH or rate > max_false_match_rate:
            continue
        query_start, query_end = q_start / FRAMES_PER_SECOND, q_end / FRAMES_PER_SECOND
        reference_start = r_start / FRAMES_PER_SECOND
        matches.append(MediaMatch(
            reference_id=reference, kind="audio",
            query_start=round(query_start, 3), query_end=round(query_end, 3),
            reference_start=round(reference_start, 3),
            reference_end=round(reference_start + speed * (query_end - query_start), 3),
            score=round(strength / (strength + SCORE_HALF), 4), false_match_rate=rate,
            speed=round(speed, 4)))
        if len(matches) >= limit:
            break
    return matches
