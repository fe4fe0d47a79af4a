"""Audio identification benchmark: our triplet fingerprints and audfprint2, on the same queries.

    .venv/bin/python -m bench.identify_audio [--per-track 25] [--hours 10] [--calibrate]

References: the Debian planetblupi music (`planetblupi-music-ogg`, ten tracks, 3.1 hours); the last
two tracks are held out as non-matching music. Queries are 5-second excerpts at seeded random
places, edited as short-video apps do (bench/identify_audio_edits.py): clean, AAC 64 kbit/s,
voice-over (asterisk's en_US_f_Allison prompts on top, the music 0-6 dB under the voice, white
noise 20 dB under it), and played 10 % faster and slower; non-matching queries are held-out music
(clean and sped up) and speech alone. Every query is made once at 16 kHz and resampled for each
system (ours 8 kHz, audfprint2 11.025 kHz), and both run in this process on the same samples.

Found = the best match is the right reference (any offset: the tracks loop). False match = a
non-matching query with any match at the default threshold (ours: false-match rate 1e-3;
audfprint2: its default minimum of 5 aligned hashes). Latency = extraction + search of one query.
`--hours N` then synthesises N hours of reference fingerprints into a fresh index (see
bench/identify_audio_scale.py) and measures bytes per hour and query latency at that size.
`--calibrate` fits the false-match tail model from the non-matching queries' best candidates.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from audfprint2 import Analyzer, HashTable, Matcher
from audfprint2.core.analyzer import landmarks2hashes
from rich.console import Console
from rich.table import Table

from bench.identify_audio_edits import (
    MUSIC_DIR,
    aac_round_trip,
    change_speed,
    excerpt,
    resample,
    speech,
    speech_prompts,
    voice_over,
)
from clearinghouse.identification.audio import SAMPLE_RATE, AudioIndex, extract
from clearinghouse.identification.audio.matching import candidates
from clearinghouse.identification.media import decode_audio

RATE = 16_000  # queries are made at this rate, then resampled for each system
PEER_RATE = 11_025  # audfprint2's analysis rate
QUERY_SECONDS = 5.0
HELD_OUT = 2  # the last tracks are non-matching music
console = Console(width=120)


@dataclass
class Tally:
    found: int = 0
    total: int = 0
    latencies: list[float] = field(default_factory=list)


class Audfprint:
    """audfprint2 in process: its analyzer's peaks and landmarks, its hash table and matcher."""

    def __init__(self) -> None:
        self.analyzer = Analyzer()
        self.table = HashTable(hashbits=20, depth=100, maxtime=1 << 18)
        self.matcher = Matcher()

    def hashes(self, samples: np.ndarray) -> np.ndarray:
        peaks = self.analyzer.find_peaks(samples.astype(np.float64), PEER_RATE)
        return landmarks2hashes(self.analyzer.peaks2landmarks(peaks))

    def add(self, name: int, samples: np.ndarray) -> None:
        self.table.store(str(name), self.hashes(samples))

    def best(self, samples: np.ndarray) -> int | None:
        results = self.matcher.match_hashes(self.table, self.hashes(samples))
        if len(results) == 0 or results[0][1] < self.matcher.threshcount:
            return None
        return int(self.table.names[int(results[0][0])])


def queries(tracks: dict[int, np.ndarray], others: list[np.ndarray], per_track: int,
            workdir: Path) -> list[tuple[str, int | None, np.ndarray]]:
    """(edit, expected track or None, samples at RATE)."""
    rng = np.random.default_rng(15)
    prompts = speech_prompts(RATE)
    made: list[tuple[str, int | None, np.ndarray]] = []
    longest = QUERY_SECONDS * 1.1 + 0.2
    for track, samples in tracks.items():
        for n in range(per_track):
            start = float(rng.uniform(0, samples.size / RATE - longest))
            clip = excerpt(samples, RATE, start, QUERY_SECONDS)
            made.append(("clean", track, clip))
            made.append(("aac 64k", track, aac_round_trip(clip, RATE, workdir / f"{track}-{n}.m4a")))
            voice = speech(prompts, QUERY_SECONDS, RATE, rng)
            made.append(("voice-over", track, voice_over(
                clip, voice, music_under_db=float(rng.uniform(0, 6)), noise_under_db=20, rng=rng)))
            for factor, name in ((1.1, "speed +10%"), (0.9, "speed -10%")):
                longer = excerpt(samples, RATE, start, QUERY_SECONDS * factor + 0.1)
                made.append((name, track, change_speed(longer, factor)[:int(QUERY_SECONDS * RATE)]))
    for n in range(per_track * len(tracks)):
        other = others[n % len(others)]
        start = float(rng.uniform(0, other.size / RATE - longest))
        made.append(("other music", None, excerpt(other, RATE, start, QUERY_SECONDS)))
        longer = excerpt(other, RATE, start, QUERY_SECONDS * 1.1 + 0.1)
        made.append(("other music +10%", None, change_speed(longer, 1.1)[:int(QUERY_SECONDS * RATE)]))
        made.append(("speech only", None, speech(prompts, QUERY_SECONDS, RATE, rng)))
    return made


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def fit_tail(strengths: list[int]) -> tuple[float, float]:
    """(intercept, slope) of log P(K >= k) = intercept - slope·k, least squares over the upper
    half of the empirical tail (the part a threshold lives in)."""
    values = np.array(sorted(strengths))
    ks = np.arange(int(np.median(values)), int(values.max()) + 1)
    survival = np.array([(values >= k).mean() for k in ks])
    slope, intercept = np.polyfit(ks, np.log(survival), 1)
    return float(intercept), float(-slope)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-track", type=int, default=25, help="queries per track and edit")
    parser.add_argument("--hours", type=float, default=10.0, help="synthetic hours for the scale part (0: skip)")
    parser.add_argument("--calibrate", action="store_true", help="fit the false-match tail model")
    parser.add_argument("--no-peer", action="store_true", help="skip audfprint2")
    args = parser.parse_args()

    paths = sorted(MUSIC_DIR.glob("*.ogg"))
    decoded = {i: decode_audio(p, sample_rate=RATE) for i, p in enumerate(paths)}
    tracks = {i: s for i, s in decoded.items() if i < len(paths) - HELD_OUT}
    others = [s for i, s in decoded.items() if i >= len(paths) - HELD_OUT]
    hours = sum(s.size for s in tracks.values()) / RATE / 3600
    workdir = Path(tempfile.mkdtemp(prefix="bench-audio-"))
    ours, peer = AudioIndex.open(workdir / "index"), Audfprint()
    cpu = {"ours": 0.0, "audfprint2": 0.0}
    for track, samples in tracks.items():
        ours_in, peer_in = resample(samples, RATE, SAMPLE_RATE), resample(samples, RATE, PEER_RATE)
        started = time.process_time()
        ours.add(track, extract(ours_in))
        cpu["ours"] += time.process_time() - started
        if not args.no_peer:
            started = time.process_time()
            peer.add(track, peer_in)
            cpu["audfprint2"] += time.process_time() - started
    ours.commit()
    console.print(f"references: {len(tracks)} tracks, {hours:.2f} h; index {ours.stats()}")

    made = queries(tracks, others, args.per_track, workdir)
    tallies: dict[tuple[str, str], Tally] = {}
    null_strengths: list[int] = []
    true_strengths: list[int] = []
    query_cpu: list[float] = []
    for edit, expected, samples in made:
        ours_q, peer_q = resample(samples, RATE, SAMPLE_RATE), resample(samples, RATE, PEER_RATE)
        started, cpu_started = time.perf_counter(), time.process_time()
        prints = extract(ours_q)
        matches = ours.search(prints)
        elapsed = (time.perf_counter() - started) * 1000
        query_cpu.append((time.process_time() - cpu_started) * 1000)
        best = candidates(ours, prints)
        if expected is None:
            null_strengths.append(best[0][1] if best else 0)
        else:
            true_strengths.append(next((c[1] for c in best if c[0] == expected), 0))
        got = matches[0].reference_id if matches else None
        _count(tallies, ("ours", edit), expected, got, elapsed)
        if not args.no_peer:
            started = time.perf_counter()
            got = peer.best(peer_q)
            _count(tallies, ("audfprint2", edit), expected, got,
                   (time.perf_counter() - started) * 1000)
    _report(tallies, cpu, hours, args.no_peer)
    console.print(f"ours, CPU per query: p50 {percentile(query_cpu, 50):.1f} ms, "
                  f"p95 {percentile(query_cpu, 95):.1f} ms (wall time above includes waiting "
                  f"for a CPU on a shared machine)")
    console.print(f"non-matching best-candidate strength: median {np.median(null_strengths):.0f}, "
                  f"max {max(null_strengths)}; matching queries' strength: median "
                  f"{np.median(true_strengths):.0f}, 5th percentile {np.percentile(true_strengths, 5):.0f}")
    if args.calibrate:
        intercept, slope = fit_tail(null_strengths)
        console.print(f"tail fit for {hours:.2f} h: NULL_INTERCEPT = {intercept:.3f}, NULL_SLOPE = {slope:.3f}")
    if args.hours > 0:
        from bench.identify_audio_scale import scale_report

        scale_report(args.hours, ours, tracks, made, workdir)


def _count(tallies: dict[tuple[str, str], Tally], key: tuple[str, str], expected: int | None,
           got: int | None, elapsed: float) -> None:
    tally = tallies.setdefault(key, Tally())
    tally.total += 1
    tally.latencies.append(elapsed)
    if expected is not None and got == expected:
        tally.found += 1
    if expected is None and got is not None:
        tally.found += 1  # for non-matching queries, `found` counts false matches


def _report(tallies: dict[tuple[str, str], Tally], cpu: dict[str, float], hours: float,
            no_peer: bool) -> None:
    systems = ["ours"] + ([] if no_peer else ["audfprint2"])
    table = Table(title="5-second queries: found (matching edits) / false matches (non-matching)")
    table.add_column("edit")
    for system in systems:
        table.add_column(f"{system}")
        table.add_column(f"{system} p50/p95 ms")
    edits = list(dict.fromkeys(edit for _, edit in tallies))
    for edit in edits:
        row = [edit]
        for system in systems:
            t = tallies[(system, edit)]
            row += [f"{t.found}/{t.total} ({100 * t.found / t.total:.1f} %)",
                    f"{percentile(t.latencies, 50):.1f} / {percentile(t.latencies, 95):.1f}"]
        table.add_row(*row)
    console.print(table)
    for system in systems:
        if cpu[system]:
            console.print(f"{system} extraction: {hours * 3600 / cpu[system]:.0f}× real time per CPU-second")


if __name__ == "__main__":
    main()
