"""Audio identification: speed-invariant fingerprints of recordings and an on-disk index.

    prints = extract(media.decode_audio(path, sample_rate=SAMPLE_RATE))
    index = AudioIndex.open(directory); index.add(reference_id, prints); index.commit()
    index.search(extract(query_samples)) -> list[MediaMatch]

Peaks on a log-frequency spectrum (peaks.py) are joined into triplets whose hashes do not change
when a recording is played faster or slower (triplets.py); the index (index.py) maps hashes to
where they occur; matching.py votes for a consistent speed and offset and calibrates the result.
"""

from clearinghouse.identification.audio.index import AudioIndex
from clearinghouse.identification.audio.peaks import SAMPLE_RATE
from clearinghouse.identification.audio.prints import AudioPrints, BadAudioPrints, extract

__all__ = ["SAMPLE_RATE", "AudioIndex", "AudioPrints", "BadAudioPrints", "extract"]
