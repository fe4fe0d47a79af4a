"""The scale part of bench/identify_audio.py: N hours of SYNTHETIC reference fingerprints.

Decoding and fingerprinting 1,000 hours of real music is not possible on a development machine,
and no such catalogue ships in a package, so the entries are synthesised directly into a fresh
index: as many entries per hour as the real references have, codes and bands drawn from the real
references' own distribution (so the index is as skewed as a real one), times uniform within
3-minute synthetic recordings. The real references are added too, and the real matching and
non-matching queries are run against the whole: bytes per hour, recall and latency at that size.

    .venv/bin/python -m bench.identify_audio --per-track 4 --hours 1000
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from rich.console import Console

from bench.identify_audio_edits import resample
from clearinghouse.identification.audio import SAMPLE_RATE, AudioIndex, extract

SYNTHETIC_SECONDS = 180.0  # length of each synthetic recording
FIRST_SYNTHETIC_ID = 1_000_000
RATE = 16_000
console = Console()


def _real_entries(index: AudioIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    parts = [[np.load(p.with_name(p.name.replace(".codes.", f".{part}.")))
              for part in ("codes", "refs", "info")]
             for p in sorted(index.directory.glob("seg-*.codes.npy"))]
    codes, refs, info = (np.concatenate(p) for p in zip(*parts, strict=True))
    return codes, refs, info


def scale_report(hours: float, real: AudioIndex, tracks: dict[int, np.ndarray],
                 made: list[tuple[str, int | None, np.ndarray]], workdir: Path) -> None:
    codes, refs, info = _real_entries(real)
    per_second = codes.size / real.total_seconds
    rng = np.random.default_rng(1000)
    index = AudioIndex.open(workdir / f"scale-{hours:g}h")
    started = time.perf_counter()
    per_recording = int(round(per_second * SYNTHETIC_SECONDS))
    recordings = int(np.ceil(hours * 3600 / SYNTHETIC_SECONDS))
    chunk = 2000  # recordings drawn at a time
    for first in range(0, recordings, chunk):
        count = min(chunk, recordings - first)
        picks = rng.integers(0, codes.size, size=count * per_recording)
        frames = rng.integers(0, int(SYNTHETIC_SECONDS * SAMPLE_RATE / 128),
                              size=picks.size).astype(np.uint32)
        synthetic_info = (frames << np.uint32(9)) | (info[picks] & np.uint32(511))
        for n in range(count):
            part = slice(n * per_recording, (n + 1) * per_recording)
            index.add_entries(FIRST_SYNTHETIC_ID + first + n, SYNTHETIC_SECONDS,
                              codes[picks[part]], synthetic_info[part])
    for track in tracks:
        mine = refs == track
        index.add_entries(track, real.seconds_of(track) or 0.0, codes[mine], info[mine])
    index.commit()
    build = time.perf_counter() - started
    index = AudioIndex.open(index.directory)  # memory-mapped, as a server would open it
    stats = index.stats()
    console.print(f"scale: {hours:g} h synthetic + {len(tracks)} real tracks; built in {build:.0f} s; "
                  f"{stats['entries']:,} entries, {stats['bytes'] / 1e9:.2f} GB, "
                  f"{stats['bytes_per_hour'] / 1e6:.2f} MB per hour")
    found = total = false = nonmatching = 0
    latencies: list[float] = []
    cpu: list[float] = []
    for _edit, expected, samples in made:
        query = resample(samples, RATE, SAMPLE_RATE)
        t0, c0 = time.perf_counter(), time.process_time()
        matches = index.search(extract(query))
        latencies.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        got = matches[0].reference_id if matches else None
        if expected is None:
            nonmatching += 1
            false += got is not None
        else:
            total += 1
            found += got == expected
    q = np.percentile(latencies[5:], [50, 95])  # the first few touch cold pages
    c = np.percentile(cpu[5:], [50, 95])
    console.print(f"scale: found {found}/{total} ({100 * found / max(total, 1):.1f} %), false "
                  f"matches {false}/{nonmatching}; query p50 {q[0]:.0f} ms, p95 {q[1]:.0f} ms "
                  f"(CPU p50 {c[0]:.0f} ms, p95 {c[1]:.0f} ms)")
