"""Image and video prints: what extraction produces, what the index stores and what a batch ships.

A print is a table of pictures (one for an image, one per sampled frame for a video): each kept
picture has a time, PDQ hashes (as seen and mirrored) and, for keyframes, ORB keypoints with
descriptors (as seen and mirrored). Dark and flat pictures are dropped here, so nothing later can
match on them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, fields

import numpy as np

from clearinghouse.identification.media import UnreadableMedia
from clearinghouse.identification.visual.frames import (
    FRAME_KEYPOINTS,
    IMAGE_KEYPOINTS,
    PDQ_BYTES,
    picture_features,
)

VIDEO_FPS = 2.0  # frames sampled per second of video (media.iter_video_frames(fps=VIDEO_FPS))
ORB_EVERY = 1  # every sampled frame gets ORB keypoints (the index keeps fewer of a reference)
_FORMAT = 1


@dataclass(frozen=True, eq=False)
class _Prints:
    times: np.ndarray  # (F,) float32 seconds of each kept picture
    pdq: np.ndarray  # (F, 2, 32) uint8: [as seen, mirrored]
    quality: np.ndarray  # (F,) uint8 PDQ quality
    orb_frame: np.ndarray  # (K,) int32: which kept picture each keypoint belongs to
    orb_xy: np.ndarray  # (K, 2) float32 pixel position
    orb_desc: np.ndarray  # (K, 32) uint8
    mirror_frame: np.ndarray  # the same three for the mirrored picture
    mirror_xy: np.ndarray
    mirror_desc: np.ndarray
    duration: float  # seconds covered (0.0 for an image)
    dropped: int  # pictures dropped as too dark or flat

    @property
    def frames(self) -> int:
        return int(self.times.shape[0])

    def to_bytes(self) -> bytes:
        arrays = {f.name: getattr(self, f.name) for f in fields(self)
                  if isinstance(getattr(self, f.name), np.ndarray)}
        meta = np.array([_FORMAT, self.duration, self.dropped], dtype=np.float64)
        buffer = io.BytesIO()
        np.savez(buffer, _meta=meta, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes):  # noqa: ANN206 - returns the subclass it is called on
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as stored:
                meta = stored["_meta"]
                arrays = {f.name: stored[f.name] for f in fields(cls)
                          if f.name not in ("duration", "dropped")}
        except (ValueError, KeyError, OSError) as exc:
            raise UnreadableMedia(f"not visual prints: {exc}") from exc
        if int(meta[0]) != _FORMAT:
            raise UnreadableMedia(f"visual prints of format {int(meta[0])}, expected {_FORMAT}")
        return cls(duration=float(meta[1]), dropped=int(meta[2]), **arrays)


class ImagePrints(_Prints):
    """The prints of one still image (at most one picture, at time 0)."""


class VideoPrints(_Prints):
    """The prints of a video's sampled frames, in time order."""


def _collect(pictures: Iterable[tuple[float, np.ndarray, int]]) -> dict:
    times: list[float] = []
    hashes: list[np.ndarray] = []
    qualities: list[int] = []
    orb: list[list[np.ndarray]] = [[], [], [], [], [], []]
    dropped = 0
    last_time = 0.0
    for time, rgb, keypoints in pictures:
        last_time = max(last_time, time)
        features = picture_features(rgb, keypoints=max(keypoints, 1), with_orb=keypoints > 0)
        if features is None:
            dropped += 1
            continue
        index = len(times)
        times.append(time)
        hashes.append(features.pdq)
        qualities.append(features.quality)
        for slot, (points, descriptors) in enumerate(
                ((features.keypoints, features.descriptors),
                 (features.mirrored_keypoints, features.mirrored_descriptors))):
            orb[slot * 3].append(np.full(len(points), index, np.int32))
            orb[slot * 3 + 1].append(points)
            orb[slot * 3 + 2].append(descriptors)

    def cat(parts: list[np.ndarray], shape: tuple[int, ...], dtype: type) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(shape, dtype)

    return dict(
        times=np.asarray(times, np.float32),
        pdq=np.stack(hashes) if hashes else np.zeros((0, 2, PDQ_BYTES), np.uint8),
        quality=np.asarray(qualities, np.uint8),
        orb_frame=cat(orb[0], (0,), np.int32), orb_xy=cat(orb[1], (0, 2), np.float32),
        orb_desc=cat(orb[2], (0, 32), np.uint8),
        mirror_frame=cat(orb[3], (0,), np.int32), mirror_xy=cat(orb[4], (0, 2), np.float32),
        mirror_desc=cat(orb[5], (0, 32), np.uint8),
        dropped=dropped, last_time=last_time)


def extract_image(rgb: np.ndarray) -> ImagePrints:
    """PDQ (as seen and mirrored) and ORB keypoints of a still image; nothing if dark or flat."""
    collected = _collect([(0.0, rgb, IMAGE_KEYPOINTS)])
    collected.pop("last_time")
    return ImagePrints(duration=0.0, **collected)


def extract_video(frames: Iterable[tuple[float, np.ndarray]]) -> VideoPrints:
    """Prints of frames sampled at VIDEO_FPS (media.iter_video_frames(fps=VIDEO_FPS, ...))."""
    pictures = ((time, rgb, FRAME_KEYPOINTS if number % ORB_EVERY == 0 else 0)
                for number, (time, rgb) in enumerate(frames))
    collected = _collect(pictures)
    last_time = collected.pop("last_time")
    return VideoPrints(duration=float(last_time) + 1.0 / VIDEO_FPS, **collected)
