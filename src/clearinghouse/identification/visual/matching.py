"""From query prints to verified picture pairs: PDQ candidates, ORB votes, RANSAC homography.

PDQ (of the query and of its mirror) finds re-encoded and resized copies in one range search.
It fails on crops, caption bars and picture-in-picture, so every query keyframe's ORB
descriptors are also looked up among the references' descriptors; a reference picture that
collects enough ratio-tested matches is verified by a RANSAC homography, and the inlier count
becomes the pair's strength.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from clearinghouse.identification.visual.prints import _Prints
from clearinghouse.identification.visual.store import Segment

PDQ_MAX_DISTANCE = 31  # bits of 256: PDQ's published match threshold
ORB_NEIGHBOURS = 5  # nearest reference descriptors looked at per query descriptor
ORB_MAX_DISTANCE = 64  # bits of 256 beyond which two ORB descriptors never match
ORB_RATIO = 0.8  # Lowe's ratio, against the nearest descriptor of another reference
MIN_MATCHES = 8  # ratio-tested matches a picture pair needs before RANSAC is tried
PAIRS_PER_PICTURE = 4  # reference pictures verified per query picture and orientation
RANSAC_PIXELS = 6.0
RANSAC_ITERATIONS = 500
MIN_INLIERS = 10
FULL_INLIERS = 50  # this many inliers make a pair's strength 1.0
MAX_ANISOTROPY = 1.4  # largest ratio of the homography's two scales
MAX_PERSPECTIVE = 0.3  # how much the homography may tilt across the matched extent


@dataclass(frozen=True)
class PicturePair:
    """A query picture seen in a reference picture, how strongly, and whether mirrored."""

    reference_id: int
    reference_kind: int  # 0 image, 1 video
    mirrored: bool
    query_time: float
    reference_time: float
    strength: float  # in (0, 1]


def pdq_pairs(prints: _Prints, segment: Segment) -> list[PicturePair]:
    if prints.frames == 0 or segment.pdq_index.ntotal == 0:
        return []
    pairs: list[PicturePair] = []
    arrays = segment.arrays
    for mirrored in (False, True):
        queries = np.ascontiguousarray(prints.pdq[:, int(mirrored)])
        limits, distances, rows = segment.pdq_index.range_search(queries, PDQ_MAX_DISTANCE + 1)
        for picture in range(prints.frames):
            for at in range(limits[picture], limits[picture + 1]):
                row = int(rows[at])
                reference_id = int(arrays["frame_ref"][row])
                if reference_id in segment.removed:
                    continue
                pairs.append(PicturePair(
                    reference_id, int(arrays["frame_kind"][row]), mirrored,
                    float(prints.times[picture]), float(arrays["frame_time"][row]),
                    1.0 - float(distances[at]) / 64.0))
    return pairs


def orb_pairs(prints: _Prints, segment: Segment) -> list[PicturePair]:
    if segment.orb_index.ntotal == 0:
        return []
    pairs: list[PicturePair] = []
    for mirrored in (False, True):
        frame = prints.mirror_frame if mirrored else prints.orb_frame
        points = prints.mirror_xy if mirrored else prints.orb_xy
        descriptors = prints.mirror_desc if mirrored else prints.orb_desc
        if len(descriptors) == 0:
            continue
        distances, labels = segment.orb_index.search(np.ascontiguousarray(descriptors),
                                                     ORB_NEIGHBOURS)
        matches = _ratio_tested(distances, labels, segment)
        pairs.extend(_verified(matches, frame, points, prints, segment, mirrored))
    return pairs


def _ratio_tested(distances: np.ndarray, labels: np.ndarray, segment: Segment) -> np.ndarray:
    """(query keypoint, reference picture row, reference keypoint) for each accepted match."""
    valid = labels >= 0
    safe = np.where(valid, labels, 0)
    rows = np.asarray(segment.arrays["orb_frame"])[safe]
    references = np.asarray(segment.frame_ref)[rows]
    if segment.removed:
        valid &= ~np.isin(references, list(segment.removed))
    nearest = references[:, :1]
    other = valid & (references != nearest)
    # The competitor in Lowe's test is the nearest descriptor of a *different* reference: the
    # next frames of the same video are near-copies and would fail every true match.
    has_other = other.any(axis=1)
    first_other = np.where(has_other, other.argmax(axis=1), 0)
    competitor = np.where(has_other, distances[np.arange(len(labels)), first_other], 256)
    limit = np.minimum(ORB_MAX_DISTANCE, ORB_RATIO * competitor)[:, None]
    accepted = valid & (references == nearest) & (distances <= limit)
    query_kp, column = np.nonzero(accepted)
    found = np.stack([query_kp, rows[query_kp, column], labels[query_kp, column]], axis=1)
    return found.astype(np.int64)


def _verified(matches: np.ndarray, query_frame: np.ndarray, query_points: np.ndarray,
              prints: _Prints, segment: Segment, mirrored: bool) -> list[PicturePair]:
    if len(matches) == 0:
        return []
    pictures = query_frame[matches[:, 0]]
    keys = pictures.astype(np.int64) * (1 << 32) + matches[:, 1]
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    chosen: dict[int, list[int]] = {}
    for group in np.argsort(-counts, kind="stable"):
        if counts[group] < MIN_MATCHES:
            break
        picture = int(unique[group] >> 32)
        if len(chosen.setdefault(picture, [])) < PAIRS_PER_PICTURE:
            chosen[picture].append(int(group))
    pairs: list[PicturePair] = []
    arrays = segment.arrays
    reference_points = arrays["orb_xy"]
    for picture, groups in chosen.items():
        for group in groups:
            members = matches[inverse == group]
            inliers = _inliers(np.asarray(reference_points[members[:, 2]], np.float32),
                               query_points[members[:, 0]])
            if inliers < MIN_INLIERS:
                continue
            row = int(members[0, 1])
            pairs.append(PicturePair(
                int(arrays["frame_ref"][row]), int(arrays["frame_kind"][row]), mirrored,
                float(prints.times[picture]), float(arrays["frame_time"][row]),
                min(1.0, inliers / FULL_INLIERS)))
    return pairs


def _inliers(reference: np.ndarray, query: np.ndarray) -> int:
    """Inliers of a RANSAC homography from reference to query, 0 when it is implausible."""
    if len(reference) < MIN_MATCHES:
        return 0
    # OpenCV's USAC flavour of RANSAC: the same model, about ten times faster than cv2.RANSAC.
    homography, mask = cv2.findHomography(reference, query, cv2.USAC_FAST, RANSAC_PIXELS,
                                          maxIters=RANSAC_ITERATIONS, confidence=0.995)
    if homography is None or mask is None:
        return 0
    if not _plausible(homography, reference):
        return 0
    kept = mask.ravel().astype(bool)
    # Count distinct points, so many query keypoints piling onto one reference point do not.
    distinct = len(np.unique(np.round(reference[kept]), axis=0))
    return min(int(kept.sum()), distinct)


def _plausible(homography: np.ndarray, reference: np.ndarray) -> bool:
    """Edits scale, shift and crop a picture; they do not shear, flip or tilt it in 3-D.

    Random matches that RANSAC happens to line up need a distorted homography to do it, so
    those are refused: near-uniform scale between 1/8 and 8 (no flip, mirrored queries are
    tried separately) and little perspective across the reference's extent.
    """
    normalised = homography / homography[2, 2]
    singular = np.linalg.svd(normalised[:2, :2], compute_uv=False)
    if np.linalg.det(normalised[:2, :2]) <= 0 or singular[1] < 1e-6:
        return False
    if singular[0] / singular[1] > MAX_ANISOTROPY or not 1 / 8 < singular[1] <= singular[0] < 8:
        return False
    extent = float(np.ptp(reference, axis=0).max()) or 1.0
    return float(np.abs(normalised[2, :2]).sum()) * extent < MAX_PERSPECTIVE
