"""What one picture contributes: its quality, PDQ hashes (as seen and mirrored) and ORB keypoints.

One module per algorithm step with explicit parameters, so the index and the benchmark read the
same numbers. Pictures arrive as RGB uint8 arrays (media.load_image / media.iter_video_frames).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import pdqhash

MAX_SIDE = 480  # pixels; larger pictures are shrunk first (PDQ works on 64×64 anyway)
MIN_PDQ_QUALITY = 50  # PDQ's own advice: below 50 the hash says little about the picture
MIN_GRAY_STD = 8.0  # a darker or flatter picture (a fade, a title card) is dropped, not matched
IMAGE_KEYPOINTS = 800  # ORB keypoints kept for a still image
FRAME_KEYPOINTS = 200  # ORB keypoints kept for a video keyframe
PDQ_BYTES = 32  # 256 bits

UPSCALED_LEVELS = 0  # ORB pyramid levels above the picture; upscaling did not help half-size insets

GRID = 4  # keypoints are shared out over a GRID×GRID grid of the picture
DETECT_FACTOR = 8  # candidates detected per keypoint kept, so the grid has some to spread

_ORB_CACHE: dict[int, cv2.ORB] = {}


@dataclass(frozen=True)
class PictureFeatures:
    """The prints of one picture; `pdq` row 0 is the picture, row 1 its left-right mirror."""

    pdq: np.ndarray  # (2, 32) uint8
    quality: int
    keypoints: np.ndarray  # (n, 2) float32 x, y, strongest first
    descriptors: np.ndarray  # (n, 32) uint8 ORB
    mirrored_keypoints: np.ndarray
    mirrored_descriptors: np.ndarray


def shrink(rgb: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    if rgb.ndim == 2:
        rgb = cv2.cvtColor(rgb, cv2.COLOR_GRAY2RGB)
    elif rgb.shape[2] == 4:
        rgb = cv2.cvtColor(rgb, cv2.COLOR_RGBA2RGB)
    height, width = rgb.shape[:2]
    if max(height, width) <= max_side:
        return np.ascontiguousarray(rgb, dtype=np.uint8)
    scale = max_side / max(height, width)
    size = (max(2, round(width * scale)), max(2, round(height * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def pdq_hash(rgb: np.ndarray) -> tuple[np.ndarray, int]:
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb))
    return np.packbits(bits.astype(np.uint8)), int(quality)


def _orb(keypoints: int) -> cv2.ORB:
    if keypoints not in _ORB_CACHE:
        _ORB_CACHE[keypoints] = cv2.ORB_create(
            nfeatures=keypoints, scaleFactor=1.2, nlevels=8 + UPSCALED_LEVELS,
            firstLevel=UPSCALED_LEVELS, edgeThreshold=15, patchSize=31, fastThreshold=12)
    return _ORB_CACHE[keypoints]


def orb_features(gray: np.ndarray, keypoints: int) -> tuple[np.ndarray, np.ndarray]:
    """Up to `keypoints` ORB keypoints spread over a GRID×GRID grid, strongest first.

    Without the grid a textured background (grass, gravel, a crowd) takes every keypoint and a
    picture shrunk into one corner of it gets none.
    """
    orb = _orb(keypoints * DETECT_FACTOR)
    found = orb.detect(gray, None)
    if not found:
        return np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8)
    chosen = _spread(found, gray.shape, keypoints)
    chosen, descriptors = orb.compute(gray, chosen)
    if descriptors is None or not chosen:
        return np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8)
    order = np.argsort([-k.response for k in chosen], kind="stable")
    points = np.array([chosen[i].pt for i in order], dtype=np.float32).reshape(-1, 2)
    return points, np.ascontiguousarray(descriptors[order], dtype=np.uint8)


def _spread(found: tuple, shape: tuple[int, ...], keypoints: int) -> list:
    height, width = shape[:2]
    ranked = sorted(found, key=lambda k: -k.response)
    quota = max(1, keypoints // (GRID * GRID))
    per_cell: dict[tuple[int, int], int] = {}
    chosen, rest = [], []
    for keypoint in ranked:
        x, y = keypoint.pt
        cell = (min(GRID - 1, int(x * GRID / width)), min(GRID - 1, int(y * GRID / height)))
        if per_cell.get(cell, 0) < quota:
            per_cell[cell] = per_cell.get(cell, 0) + 1
            chosen.append(keypoint)
        else:
            rest.append(keypoint)
    return chosen + rest[: max(0, keypoints - len(chosen))]


def is_low_quality(gray: np.ndarray, pdq_quality: int) -> bool:
    return pdq_quality < MIN_PDQ_QUALITY or float(gray.std()) < MIN_GRAY_STD


def picture_features(rgb: np.ndarray, *, keypoints: int, with_orb: bool = True
                     ) -> PictureFeatures | None:
    """The prints of a picture, or None when it is too dark or flat to be matched safely."""
    rgb = shrink(rgb)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    hashed, quality = pdq_hash(rgb)
    if is_low_quality(gray, quality):
        return None
    mirrored_hash, _ = pdq_hash(np.ascontiguousarray(rgb[:, ::-1]))
    if with_orb:
        points, descriptors = orb_features(gray, keypoints)
        m_points, m_descriptors = orb_features(np.ascontiguousarray(gray[:, ::-1]), keypoints)
    else:
        points, descriptors = np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8)
        m_points, m_descriptors = points, descriptors
    return PictureFeatures(pdq=np.stack([hashed, mirrored_hash]), quality=quality,
                           keypoints=points, descriptors=descriptors,
                           mirrored_keypoints=m_points, mirrored_descriptors=m_descriptors)
