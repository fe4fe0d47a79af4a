"""Finding registered images and videos in uploads: PDQ, ORB + RANSAC, temporal alignment.

The contract the references and uploads packages rely on:

- `extract_image(rgb) -> ImagePrints`, `extract_video(frames) -> VideoPrints`, frames being
  `media.iter_video_frames(path, fps=VIDEO_FPS, max_side=MAX_SIDE)` (or `media.load_image`);
- both prints have `to_bytes()` / `from_bytes(data)`;
- `VisualIndex.open(directory)`, `add_image`, `add_video`, `remove`, `commit`, `search_image`,
  `search_video` (each returning `MediaMatch`es), `stats()`.
"""

from clearinghouse.identification.visual.frames import MAX_SIDE
from clearinghouse.identification.visual.index import VisualIndex
from clearinghouse.identification.visual.prints import (
    VIDEO_FPS,
    ImagePrints,
    VideoPrints,
    extract_image,
    extract_video,
)

__all__ = ["MAX_SIDE", "VIDEO_FPS", "ImagePrints", "VideoPrints", "VisualIndex",
           "extract_image", "extract_video"]
