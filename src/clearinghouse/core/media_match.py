"""One shape for what every fingerprinter finds (identification) and enforcement acts on: a
reference heard or seen inside an upload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MediaKind = Literal["audio", "video", "image"]


@dataclass(frozen=True)
class MediaMatch:
    """A reference found in a query, with where in both and how sure.

    Times are seconds (an image has none: all four are 0.0). `speed` is how much faster the
    query plays the reference (1.1 = sped up by 10 %). `score` is in [0, 1]; `false_match_rate`
    is the calibrated chance that a non-matching query scores at least this much, so a caller
    can set its threshold as an error rate rather than as a magic number.
    """

    reference_id: int
    kind: MediaKind
    query_start: float
    query_end: float
    reference_start: float
    reference_end: float
    score: float
    false_match_rate: float
    speed: float = 1.0
    mirrored: bool = False  # found in the left-right mirror of the query (video, image)
