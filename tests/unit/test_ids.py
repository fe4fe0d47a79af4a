"""Ids keep their format and their sort order (time first) whatever encodes them."""

from __future__ import annotations

import os

import pytest

from clearinghouse.core import ids


@pytest.mark.parametrize(("rand", "digits"), [
    (bytes(range(10)), "000g40r40m30e209"),
    (b"\xff" * 10, "zzzzzzzzzzzzzzzz"),
    (bytes([0x8a, 0x3c, 0x01, 0xfe, 0x77, 0x10, 0x00, 0xab, 0xcd, 0xef]), "h8y03zkq200aqkff"),
])
def test_random_part_is_crockford_base32_most_significant_first(rand, digits):
    assert ids._random_digits(rand) == digits
    assert ids._random_digits(rand) == ids._b32(int.from_bytes(rand, "big"), 16)


@pytest.mark.parametrize(("millis", "digits"), [
    (0, "0000000000"), ((1 << 48) - 1, "7zzzzzzzzz"), (1_764_504_000_000, "01kbaa4ng0")])
def test_time_part_is_ten_digits(millis, digits):
    assert ids._time_digits(millis) == digits
    assert ids._time_digits(millis) == digits  # and again, from the remembered millisecond


def test_ids_sort_by_time_then_randomness():
    made = [f"wrk_{ids._time_digits(ms)}{ids._random_digits(os.urandom(10))}"
            for ms in (1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000)]
    assert made == sorted(made)
    for _ in range(200):
        a, b = os.urandom(10), os.urandom(10)
        assert (ids._random_digits(a) < ids._random_digits(b)) == (a < b)


def test_new_id_shape():
    value = ids.new_id("wrk")
    assert ids.has_prefix(value, "wrk") and set(value[4:]) <= set(ids._ALPHABET)


def test_ids_made_from_buffered_randomness_are_distinct_and_a_fork_reads_afresh():
    made = {ids.new_id("hld") for _ in range(5000)}  # more than one 4 KiB read
    assert len(made) == 5000
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child's next id must not be the parent's next one
        os.write(writer, ids._random_bytes.take(10))
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(reader, 10)
    os.close(reader)
    os.close(writer)
    assert len(child) == 10 and child != ids._random_bytes.take(10)
