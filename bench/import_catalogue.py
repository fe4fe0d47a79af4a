"""A synthetic catalogue for the import benchmark: compositions, recordings that embody them and
short videos that contain the recordings, each with a holding; relations point both backwards
and forwards in the file. Seeded, so every run imports the same file."""

from __future__ import annotations

import csv
import random
from pathlib import Path

HEADER = ("ref", "type", "title", "creators", "identifiers", "relations", "holder_id", "rights",
          "share", "territories", "valid_from", "warranty")


def write_csv(path: Path, works: int, holder_id: str, seed: int = 7, first: int = 0) -> None:
    """`works` rows in triples: song, recording (embodies the song), video (contains the
    recording); every other triple lists the video first, so its relation refers forwards.
    `first` numbers the rows on from an earlier file (refs, titles and ISRCs stay unique)."""
    rng = random.Random(seed + first)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for start in range(first, first + works, 3):
            song, rec, video = (f"s{start}", f"r{start}", f"v{start}")
            rows = [
                (song, "musical_composition", f"歌曲 {start} Song", f"作者{rng.randrange(500)}:composer",
                 "", "", holder_id, "synchronisation;mechanical", "100", "CN", "2020-01-01", "yes"),
                (rec, "sound_recording", f"录音 {start} Recording", "",
                 f"isrc:CNA{start // 100000 % 100:02d}17{start % 100000:05d}", f"embodies={song}",
                 holder_id, "master_use", "100", "WORLD", "2020-01-01", "yes"),
                (video, "short_video", f"视频 {start} Video", "", "", f"contains={rec}", holder_id,
                 "reproduce;distribute", "100", "GREATER_CHINA", "2020-01-01", "yes"),
            ]
            rows = rows[: first + works - start]
            if start % 2 and len(rows) == 3:
                rows.reverse()  # forward references: the video before its recording and song
            writer.writerows(rows)
