"""Opaque, stable, URL-safe identifiers such as `wrk_01jc…` (time-ordered, so indexes stay compact)."""

from __future__ import annotations

import os
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


def new_id(prefix: str) -> str:
    """ULID-like: 48-bit millisecond time + 80 random bits, base32 (26 chars)."""
    millis = int(time.time() * 1000) & ((1 << 48) - 1)
    return f"{prefix}_{_time_digits(millis)}{_random_digits(os.urandom(10))}"


def has_prefix(value: str, prefix: str) -> bool:
    return value.startswith(prefix + "_") and len(value) == len(prefix) + 27
