"""Speed-invariant hashes from triplets of spectral peaks.

Method after Joren Six, "Panako: a scalable audio search system", ISMIR 2014 / JOSS 2022, and the
scale-invariant quad hashes of Sonnleitner & Widmer, "Robust quad-based audio fingerprinting",
IEEE/ACM TASLP 24(3), 2016: a playback-speed factor s moves every log-frequency peak by the same
number of bins and divides every time difference by s, so for three peaks (t1, f1), (t2, f2),
(t3, f3) with t1 < t2 < t3

- the ratio (t2 - t1) / (t3 - t1) and the band differences f2 - f1 and f3 - f1 do not change;
- f1 and the span t3 - t1 change by a bounded amount (speed within ±SPEED_RANGE), so they enter
  the hash coarsely and a query looks up every coarse cell its triplet could have come from.

A reference stores one code per triplet; a query expands each triplet to the codes of every cell
within the quantisation error and speed range, so a field near a cell border still finds its
reference. Hash layout (23 bits): ratio 3 | d12 6 | d13 6 | f1 band 4 | span band 4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clearinghouse.identification.audio.peaks import BANDS, BINS_PER_OCTAVE, Peaks

SPEED_RANGE = 0.12  # speeds within ×(1 ± 12 %) are searched
REFERENCE_FANOUT = (4, 3)  # partners tried for p2, then for p3 (see `triplets`)
QUERY_FANOUT = (8, 6)  # a query reaches further: voice-over and noise insert extra peaks
MIN_GAP = 2.0  # frames between consecutive peaks of a triplet
MAX_SPAN = 120.0  # frames (1.9 s) from first to last peak
MAX_BAND_DIFF = 32.0  # bands (four thirds of an octave) between the first peak and the others

RATIO_LEVELS = 8
DIFF_WIDTH = 2.0  # bands per level of f2 - f1 and f3 - f1
DIFF_LEVELS = int(2 * MAX_BAND_DIFF / DIFF_WIDTH) + 1  # 33
F1_WIDTH = 12.0  # bands per coarse f1 level (half an octave)
F1_LEVELS = int(np.ceil(BANDS / F1_WIDTH))  # 9
SPAN_WIDTH = 0.25  # natural-log units per coarse span level
SPAN_LEVELS = int(np.ceil(np.log(MAX_SPAN / (2 * MIN_GAP)) / SPAN_WIDTH)) + 1  # 15

# How far a query field may be from the reference's, per field (in the field's units).
RATIO_SLACK = 0.04
DIFF_SLACK = 0.6
F1_SLACK = BINS_PER_OCTAVE * np.log2(1 + SPEED_RANGE) + 0.6
SPAN_SLACK = np.log(1 + SPEED_RANGE) + 0.06


@dataclass(frozen=True)
class Triplets:
    """One row per triplet: the time and band of its first peak (for alignment), and its fields."""

    t1: np.ndarray  # frames (float32)
    f1: np.ndarray  # bands (float32)
    ratio: np.ndarray
    d12: np.ndarray
    d13: np.ndarray
    log_span: np.ndarray


def triplets(peaks: Peaks, fanout: tuple[int, int]) -> Triplets:
    """Triplets (p1, p2, p3): p2 among the first `fanout[0]` peaks at least MIN_GAP after p1, p3
    among the first `fanout[1]` at least MIN_GAP after p2 (onsets light many bands at once, so
    partners are chosen by time, not by position in the list)."""
    t, f = peaks.times.astype(np.float64), peaks.bands.astype(np.float64)
    n = t.size
    after = np.searchsorted(t, t + MIN_GAP)  # first peak at least MIN_GAP later
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for a in range(fanout[0]):
        first = np.arange(n)
        second = after + a
        ok = second < n
        first, second = first[ok], second[ok]
        for b in range(fanout[1]):
            third = after[second] + b
            ok = third < n
            i, j, k = first[ok], second[ok], third[ok]
            keep = ((t[k] - t[i] <= MAX_SPAN) & (np.abs(f[j] - f[i]) <= MAX_BAND_DIFF)
                    & (np.abs(f[k] - f[i]) <= MAX_BAND_DIFF))
            parts.append((i[keep], j[keep], k[keep]))
    if parts:
        first, second, third = (np.concatenate(p) for p in zip(*parts, strict=True))
    else:
        first = second = third = np.zeros(0, dtype=np.int64)
    span = t[third] - t[first]
    return Triplets(
        t1=t[first].astype(np.float32), f1=f[first].astype(np.float32),
        ratio=((t[second] - t[first]) / np.maximum(span, 1e-9)).astype(np.float32),
        d12=(f[second] - f[first]).astype(np.float32), d13=(f[third] - f[first]).astype(np.float32),
        log_span=np.log(np.maximum(span, 1e-9) / (2 * MIN_GAP)).astype(np.float32),
    )


def _levels(tr: Triplets) -> list[tuple[np.ndarray, int, int]]:
    """(real-valued level, slack in levels, number of levels) per hash field, high bits first."""
    return [
        (tr.ratio * RATIO_LEVELS, RATIO_SLACK * RATIO_LEVELS, RATIO_LEVELS),
        ((tr.d12 + MAX_BAND_DIFF + DIFF_WIDTH / 2) / DIFF_WIDTH, DIFF_SLACK / DIFF_WIDTH, DIFF_LEVELS),
        ((tr.d13 + MAX_BAND_DIFF + DIFF_WIDTH / 2) / DIFF_WIDTH, DIFF_SLACK / DIFF_WIDTH, DIFF_LEVELS),
        (tr.f1 / F1_WIDTH, F1_SLACK / F1_WIDTH, F1_LEVELS),
        (tr.log_span / SPAN_WIDTH, SPAN_SLACK / SPAN_WIDTH, SPAN_LEVELS),
    ]


_BITS = (3, 6, 6, 4, 4)


def reference_codes(tr: Triplets) -> np.ndarray:
    """One uint32 code per triplet: each field's own cell."""
    code = np.zeros(tr.t1.size, dtype=np.uint32)
    for (value, _, levels), bits in zip(_levels(tr), _BITS, strict=True):
        cell = np.clip(np.floor(value), 0, levels - 1).astype(np.uint32)
        code = (code << np.uint32(bits)) | cell
    return code


def query_codes(tr: Triplets) -> tuple[np.ndarray, np.ndarray]:
    """(codes, triplet row) with every cell each field could have come from, within its slack."""
    code = np.zeros(tr.t1.size, dtype=np.uint32)
    row = np.arange(tr.t1.size)
    for (value, slack, levels), bits in zip(_levels(tr), _BITS, strict=True):
        v = value[row]
        low = np.clip(np.floor(v - slack), 0, levels - 1).astype(np.int64)
        high = np.clip(np.floor(v + slack), 0, levels - 1).astype(np.int64)
        count = high - low + 1
        repeat = np.repeat(np.arange(row.size), count)
        step = np.arange(repeat.size) - np.repeat(np.cumsum(count) - count, count)
        cell = (low[repeat] + step).astype(np.uint32)
        code = (code[repeat] << np.uint32(bits)) | cell
        row = row[repeat]
    return code, row
