"""Opaque, stable, URL-safe identifiers such as `wrk_01jc…` (time-ordered, so indexes stay compact)."""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
_last_time: tuple[int, str] = (-1, "")  # (millisecond, its 10 digits): a bulk job repeats it


def _b32(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        out.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


_PAIRS = tuple(_b32(value, 2) for value in range(1024))


def _time_digits(millis: int) -> str:
    global _last_time
    last = _last_time  # one read: another thread may replace it, never half of it
    if last[0] != millis:
        last = _last_time = (millis, _b32(millis, 10))
    return last[1]


def _random_digits(rand: bytes) -> str:
    """10 bytes (80 bits) as 16 digits, most significant first, as `_b32` would write them:
    ten bits (two digits) per look-up, as a loop over single digits was most of an id's cost."""
    n = int.from_bytes(rand, "big")
    pairs = _PAIRS
    return (pairs[n >> 70] + pairs[(n >> 60) & 1023] + pairs[(n >> 50) & 1023]
            + pairs[(n >> 40) & 1023] + pairs[(n >> 30) & 1023] + pairs[(n >> 20) & 1023]
            + pairs[(n >> 10) & 1023] + pairs[n & 1023])


class _RandomBytes:
    """`os.urandom`, read 4 KiB at a time and handed out 10 bytes per id. A bulk import makes
    an id per holding while its writer thread runs: a system call per id let go of the GIL
    and waited to get it back each time. A forked child starts with none of the parent's."""

    SIZE = 4000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffer, self._used = b"", 0

    def take(self, count: int) -> bytes:
        with self._lock:
            if self._used + count > len(self._buffer):
                self._buffer, self._used = os.urandom(self.SIZE), 0
            start = self._used
            self._used += count
            return self._buffer[start:self._used]

    def forget(self) -> None:
        self._buffer, self._used = b"", 0
        self._lock = threading.Lock()


_random_bytes = _RandomBytes()
os.register_at_fork(after_in_child=_random_bytes.forget)


def new_id(prefix: str) -> str:
    """ULID-like: 48-bit millisecond time + 80 random bits, base32 (26 chars)."""
    millis = int(time.time() * 1000) & ((1 << 48) - 1)
    return f"{prefix}_{_time_digits(millis)}{_random_digits(_random_bytes.take(10))}"


def has_prefix(value: str, prefix: str) -> bool:
    return value.startswith(prefix + "_") and len(value) == len(prefix) + 27
