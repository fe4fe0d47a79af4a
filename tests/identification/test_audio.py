"""Audio identification on real decoded music: a 5-second excerpt of a reference is found under
the edits short-video apps make, with its place in both recordings and its speed; music that is
not a reference, and speech alone, match nothing; the on-disk index survives reopening, removal
and a crash mid-commit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bench.identify_audio_edits import (
    aac_round_trip,
    change_speed,
    excerpt,
    speech,
    voice_over,
)

from clearinghouse.core.media_match import MediaMatch
from clearinghouse.identification.audio import (
    SAMPLE_RATE,
    AudioIndex,
    AudioPrints,
    BadAudioPrints,
    extract,
)

# Three references: 40 seconds from each of three tracks. Reference ids are arbitrary ints.
REFERENCES = {11: ("music004", 30.0), 12: ("music005", 30.0), 13: ("music006", 30.0)}
REFERENCE_SECONDS = 40.0
START = 12.0  # where in the reference the query's excerpt begins
OFFSET_TOLERANCE = 0.2  # seconds (AAC adds an encoder delay of about 0.13 s)


@pytest.fixture(scope="session")
def reference_audio(music: dict[str, np.ndarray]) -> dict[int, np.ndarray]:
    return {ref: excerpt(music[track], SAMPLE_RATE, start, REFERENCE_SECONDS)
            for ref, (track, start) in REFERENCES.items()}


@pytest.fixture(scope="session")
def reference_prints(reference_audio: dict[int, np.ndarray]) -> dict[int, AudioPrints]:
    return {ref: extract(samples) for ref, samples in reference_audio.items()}


def build(directory: Path, prints: dict[int, AudioPrints]) -> AudioIndex:
    index = AudioIndex.open(directory)
    for ref, p in prints.items():
        index.add(ref, p)
    index.commit()
    return index


@pytest.fixture(scope="session")
def index(tmp_path_factory: pytest.TempPathFactory,
          reference_prints: dict[int, AudioPrints]) -> AudioIndex:
    return build(tmp_path_factory.mktemp("audio-index"), reference_prints)


def clip(reference_audio: dict[int, np.ndarray], ref: int, seconds: float = 5.0,
         start: float = START) -> np.ndarray:
    return excerpt(reference_audio[ref], SAMPLE_RATE, start, seconds)


def assert_found(matches: list[MediaMatch], ref: int, *, speed: float = 1.0,
                 start: float = START) -> MediaMatch:
    assert matches, "nothing found"
    best = matches[0]
    assert best.reference_id == ref
    assert best.kind == "audio"
    assert 0.0 < best.score <= 1.0 and best.false_match_rate <= 1e-3
    assert best.speed == pytest.approx(speed, rel=0.02)
    # The matched stretch of the query maps onto the same stretch of the reference.
    assert best.reference_start - best.query_start * best.speed == pytest.approx(
        start, abs=OFFSET_TOLERANCE)
    assert 0.0 <= best.query_start < best.query_end <= 5.0
    assert best.reference_end - best.reference_start == pytest.approx(
        (best.query_end - best.query_start) * best.speed, abs=0.05)
    assert best.query_end - best.query_start >= 2.0  # most of the 5 seconds, not one moment
    return best


@pytest.mark.parametrize("ref", sorted(REFERENCES))
def test_a_clean_five_second_excerpt_is_found_with_its_place_in_both(index, reference_audio, ref):
    assert_found(index.search(extract(clip(reference_audio, ref))), ref)


def test_an_excerpt_reencoded_as_aac_64k_is_found(index, reference_audio, tmp_path):
    query = aac_round_trip(clip(reference_audio, 12), SAMPLE_RATE, tmp_path / "query.m4a")
    assert_found(index.search(extract(query)), 12)


def voice_over_queries(reference_audio, prompts):
    """Twelve excerpts, the music 0, 3 or 6 dB under the voice, white noise 20 dB under it."""
    rng = np.random.default_rng(15)
    for n, (ref, start) in enumerate((r, s) for r in sorted(REFERENCES) for s in (2, 12, 22, 32)):
        yield ref, start, voice_over(clip(reference_audio, ref, start=start),
                                     speech(prompts, 5.0, SAMPLE_RATE, rng),
                                     music_under_db=3.0 * (n % 3), noise_under_db=20.0, rng=rng)


def test_under_a_voice_over_a_match_is_never_another_reference(index, reference_audio, prompts):
    found = 0
    for ref, start, query in voice_over_queries(reference_audio, prompts):
        matches = index.search(extract(query))
        assert all(m.reference_id == ref for m in matches)
        if matches:
            assert_found(matches, ref, start=start)
            found += 1
    assert found >= 1


@pytest.mark.xfail(strict=True, reason="voice-over recall at the calibrated threshold is below "
                   "target (docs/identification-audio.md); remove this mark when it is not")
def test_under_a_voice_over_most_excerpts_are_found(index, reference_audio, prompts):
    found = sum(bool(index.search(extract(query)))
                for _, _, query in voice_over_queries(reference_audio, prompts))
    assert found >= 11  # the 95 % target, on twelve


@pytest.mark.parametrize("factor", [1.1, 0.9])
@pytest.mark.parametrize("ref", sorted(REFERENCES))
def test_a_sped_up_or_slowed_excerpt_is_found_with_its_speed(index, reference_audio, ref, factor):
    query = change_speed(clip(reference_audio, ref, 5.0 * factor + 0.1), factor)[:5 * SAMPLE_RATE]
    assert_found(index.search(extract(query)), ref, speed=factor)


def test_other_music_and_speech_alone_match_nothing(index, music, prompts):
    rng = np.random.default_rng(7)
    other = music["music007"]
    queries = [excerpt(other, SAMPLE_RATE, start, 5.0) for start in range(20, 500, 40)]
    queries.append(change_speed(excerpt(other, SAMPLE_RATE, 100.0, 5.6), 1.1)[:5 * SAMPLE_RATE])
    queries += [speech(prompts, 5.0, SAMPLE_RATE, rng) for _ in range(4)]
    for query in queries:
        assert index.search(extract(query)) == []


def test_silence_and_a_too_short_query_match_nothing(index):
    assert index.search(extract(np.zeros(5 * SAMPLE_RATE, dtype=np.float32))) == []
    assert index.search(extract(np.zeros(10, dtype=np.float32))) == []


def test_the_index_reopens_memory_mapped_and_still_finds(tmp_path, reference_prints,
                                                         reference_audio):
    build(tmp_path, reference_prints)
    reopened = AudioIndex.open(tmp_path)
    assert all(isinstance(s.codes, np.memmap) for s in reopened._segments)
    stats = reopened.stats()
    assert stats["references"] == 3 and stats["seconds"] == pytest.approx(3 * REFERENCE_SECONDS)
    assert stats["bytes"] > 0 and stats["bytes_per_hour"] > stats["bytes"]
    assert_found(reopened.search(extract(clip(reference_audio, 13))), 13)


def test_a_removed_reference_is_no_longer_found_even_after_reopening(tmp_path, reference_prints,
                                                                      reference_audio):
    index = build(tmp_path, reference_prints)
    index.remove(12)
    index.commit()
    assert all(m.reference_id != 12 for m in index.search(extract(clip(reference_audio, 12))))
    reopened = AudioIndex.open(tmp_path)
    assert all(m.reference_id != 12 for m in reopened.search(extract(clip(reference_audio, 12))))
    assert_found(reopened.search(extract(clip(reference_audio, 11))), 11)
    assert reopened.stats()["references"] == 2
    # Added again later, it is found again.
    reopened.add(12, reference_prints[12])
    reopened.commit()
    assert_found(AudioIndex.open(tmp_path).search(extract(clip(reference_audio, 12))), 12)


def test_a_crash_between_segment_and_manifest_leaves_the_previous_index_readable(
        tmp_path, reference_prints, reference_audio, monkeypatch):
    build(tmp_path, {11: reference_prints[11]})
    index = AudioIndex.open(tmp_path)
    index.add(12, reference_prints[12])
    index.remove(11)

    def power_cut(*args, **kwargs):
        raise OSError("power cut before the manifest was replaced")

    with monkeypatch.context() as patch:
        patch.setattr(AudioIndex, "_write_manifest", power_cut)
        with pytest.raises(OSError):
            index.commit()
    assert list(tmp_path.glob("seg-*.npy"))  # the new segment's files did reach the disk
    survivor = AudioIndex.open(tmp_path)
    assert survivor.stats()["references"] == 1
    assert_found(survivor.search(extract(clip(reference_audio, 11))), 11)
    assert survivor.search(extract(clip(reference_audio, 12))) == []
    # The next commit writes over the orphaned files and works.
    survivor.add(12, reference_prints[12])
    survivor.commit()
    assert_found(AudioIndex.open(tmp_path).search(extract(clip(reference_audio, 12))), 12)


def test_prints_travel_as_bytes_and_other_bytes_are_refused(reference_prints, reference_audio,
                                                            index):
    prints = extract(clip(reference_audio, 11))
    again = AudioPrints.from_bytes(prints.to_bytes())
    assert again.seconds == prints.seconds
    np.testing.assert_array_equal(again.peaks.times, prints.peaks.times)
    assert index.search(again) == index.search(prints)
    data = prints.to_bytes()
    for bad in (b"", b"not prints at all", data[:-3], data[:8] + b"\xff" * (len(data) - 8)):
        with pytest.raises(BadAudioPrints):
            AudioPrints.from_bytes(bad)
