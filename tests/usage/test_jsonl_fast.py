"""The vectorised JSON Lines reader against the per-line one: random files of good and bad lines
(numbers and text, keys missing, unknown or given twice, lines that are not objects, Chinese
text), in UTF-8 (with or without BOM) and GB18030, cut short or not, read by both, give the same
usage lines and the same rejections (reason, field, message, line number, raw line)."""

from __future__ import annotations

import io
import json
import random

import pyarrow as pa
import pytest

from clearinghouse.usage.formats import jsonl_fast
from clearinghouse.usage.formats.aggregate import MAX_LINE, read_jsonl
from clearinghouse.usage.formats.aggregate_fast import lines_table
from clearinghouse.usage.formats.jsonl_fast import read_jsonl_batches
from clearinghouse.usage.records import Rejection, RejectionReason, UsageLine
from tests.usage.test_aggregate_fast import PERIOD, TODAY, VALUES

# column → (good, odd) JSON values that are not text: numbers as platforms write them, and odd ones.
NUMBERS: dict[str, tuple[list[object], list[object]]] = {
    "plays": ([12, 0, 1500, 1000000000000], [-3, 3.0, 2.5, 1e3, True, None, [1], {"n": 1}]),
    "unique_viewers": ([5, 9], [None, -1, 7.0]),
    "copies": ([2], [-2]),
    "revenue": ([1.5, 15.0, 0.01, 12.34, 0.1], [15, 1.001, -1.0, 1e20, 123456789012.34, None]),
    "revenue_minor": ([150], [-1, 1000000000000001, 1.0]),
    "platform_content_id": ([7012345, 42], [1.5, 12345678901234567890123, "v1"]),
    "work_id": ([42], [None, "wrk_1"]),
}
ALIASES = {"license_id": "许可证号", "territory": "地区", "plays": "播放量", "date": "日期",
           "platform_content_id": "视频ID"}


def _value(rng: random.Random, column: str, numeric: bool, bad: bool) -> object:
    good, odd = NUMBERS[column] if numeric and column in NUMBERS else VALUES[column]
    return rng.choice(odd if bad else good)


def _file(rng: random.Random) -> tuple[bytes, str]:
    names = rng.sample(list(VALUES), rng.randint(3, len(VALUES)))
    if rng.random() < 0.8:
        names = ["license_id", "territory", "plays", *[n for n in names if n not in
                                                       ("license_id", "territory", "plays")]]
    keys = {n: ALIASES.get(n, n) if rng.random() < 0.3 else n for n in names}
    numeric = {n: rng.random() < 0.7 for n in names}  # numbers as numbers, else as text
    faults = 0.04 if rng.random() < 0.4 else 0.0
    odd = rng.choice([0.3, 0.03, 0.003])
    newline = "\r\n" if rng.random() < 0.2 else "\n"
    lines: list[str] = []
    for _ in range(rng.randint(0, 300)):
        roll = rng.random()
        if roll < faults / 8:
            lines.append(rng.choice(["", "   ", "\t"]))
        elif roll < faults * 2 / 8:
            lines.append(rng.choice(["[1, 2]", "42", '"text"', "null", "{}"]))
        elif roll < faults * 3 / 8:
            lines.append('{"license_id": "lic_1", "territory": "CN", "plays": 5')  # cut
        elif roll < faults * 4 / 8:
            lines.append('{"license_id": "lic_1", "plays": 1, "plays": 2, "territory": "CN"}')
        elif roll < faults * 5 / 8:
            lines.append('{"license_id": "lic_1", "territory": "CN", "plays": 1, "colour": "red"}')
        elif roll < faults * 6 / 8:
            lines.append('{"licence": "lic_1", "territory": "CN", "plays": 1}')  # another alias
        elif roll < faults * 7 / 8:
            lines.append('{"license_id": "a", "territory": "CN", "plays": 1}{"plays": 2}')
        elif roll < faults:
            lines.append('{"license_id": "月\\u5149", "territory": "CN", "plays": 1, "title": 1}')
        else:
            bad = rng.random() < odd
            row = {}
            for n in names:
                if rng.random() < 0.05:
                    continue  # a key left out
                row[keys[n]] = _value(rng, n, numeric[n], bad and rng.random() < 0.3)
            lines.append(json.dumps(row, ensure_ascii=rng.random() < 0.2))
    if rng.random() < 0.03:
        lines.append('{"license_id": "lic_1", "territory": "CN", "plays": 1}\r{"plays": 2}')
    text = newline.join(lines) + (newline if rng.random() < 0.8 else "")
    encoding = rng.choice(["utf-8", "utf-8-sig", "gb18030"])
    body = text.encode(encoding)
    if rng.random() < 0.2 and len(body) > 10:
        body = body[: rng.randrange(len(body) // 2, len(body))]  # cut short
    if rng.random() < 0.05:
        body = body.replace(b"CN", b"C\xff", 1)  # bytes that do not decode
    if rng.random() < 0.03:
        body = body.replace(b"lic_", b"lic\x01", 1)  # a control character
    return body, encoding


def _both(body: bytes) -> tuple[tuple[list[dict], list[Rejection]], tuple[list[dict], list[Rejection]]]:
    items = list(read_jsonl(io.BytesIO(body), period=PERIOD, today=TODAY))
    per_line = (lines_table([i for i in items if isinstance(i, UsageLine)]).to_pylist(),
                [i for i in items if isinstance(i, Rejection)])
    batches = list(read_jsonl_batches(io.BytesIO(body), period=PERIOD, today=TODAY))
    fast = (pa.concat_tables([b.lines for b in batches]).to_pylist() if batches else [],
            [r for b in batches for r in b.rejections])
    return per_line, fast


@pytest.mark.parametrize("block_bytes", [64, 900, 1 << 20])
def test_random_files_read_the_same_by_both_readers(monkeypatch, block_bytes):
    monkeypatch.setattr(jsonl_fast, "BLOCK_BYTES", block_bytes)
    rng = random.Random(block_bytes)
    for attempt in range(150):
        body, encoding = _file(rng)
        per_line, fast = _both(body)
        assert fast == per_line, (attempt, encoding, body[:3000])


def _clean(count: int) -> bytes:
    return "".join(json.dumps({"license_id": f"lic_{n}", "date": f"2026-10-{1 + n % 31:02d}",
                               "territory": "CN", "channel": "抖音", "plays": n,
                               "revenue": n + 0.25, "currency": "CNY"}, ensure_ascii=False) + "\n"
                   for n in range(count)).encode()


def test_a_clean_file_is_read_by_arrow_and_gives_every_line(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a clean file went line by line")
    monkeypatch.setattr(jsonl_fast, "json_line", refuse)
    monkeypatch.setattr(jsonl_fast, "read_jsonl_rows", refuse)
    lines = pa.concat_tables([b.lines for b in read_jsonl_batches(
        io.BytesIO(_clean(5000)), period=PERIOD, today=TODAY)]).to_pylist()
    assert len(lines) == 5000
    assert lines[7]["revenue_minor"] == 725 and lines[7]["line_no"] == 8
    assert lines[7]["channel"] == "douyin" and lines[7]["plays"] == 7


def test_a_malformed_line_is_refused_with_its_number_and_the_others_kept(monkeypatch):
    monkeypatch.setattr(jsonl_fast, "BLOCK_BYTES", 200)
    body = _clean(40).replace(b'"lic_20"', b'"lic_20",,', 1) + b'{"license_id": "lic_x", "territory'
    per_line, fast = _both(body)
    assert fast == per_line
    assert len(fast[0]) == 39
    assert [(r.line_no, r.reason) for r in fast[1]] == [
        (21, RejectionReason.MALFORMED), (41, RejectionReason.TRUNCATED)]
    assert fast[1][0].message.startswith("not valid JSON")


def test_a_gb18030_file_with_chinese_keys_reads_in_blocks(monkeypatch):
    monkeypatch.setattr(jsonl_fast, "BLOCK_BYTES", 100)
    body = "".join(json.dumps({"许可证号": f"许可{n}", "地区": "CN", "渠道": "快手", "播放量": n},
                              ensure_ascii=False) + "\n" for n in range(200)).encode("gb18030")
    per_line, fast = _both(body)
    assert fast == per_line and len(fast[0]) == 200
    assert fast[0][199]["license_id"] == "许可199" and fast[0][199]["channel"] == "kuaishou"


def test_an_over_long_line_is_refused_the_same(monkeypatch):
    monkeypatch.setattr(jsonl_fast, "BLOCK_BYTES", 1000)
    long_line = json.dumps({"license_id": "x" * (MAX_LINE + 10), "territory": "CN", "plays": 1})
    body = _clean(3) + long_line.encode() + b"\n" + _clean(2)
    per_line, fast = _both(body)
    assert fast == per_line
    assert [(r.line_no, r.reason) for r in fast[1]] == [(4, RejectionReason.MALFORMED)]


def test_a_line_that_is_not_an_object_is_refused_without_crashing_arrow():
    """pyarrow 26's JSON reader dies on a line `null`; such a block goes line by line."""
    body = _clean(3) + b"null\n[1]\n" + _clean(2)
    per_line, fast = _both(body)
    assert fast == per_line and len(fast[0]) == 5
    assert [(r.line_no, r.reason) for r in fast[1]] == [(4, RejectionReason.MALFORMED),
                                                         (5, RejectionReason.MALFORMED)]


def test_escapes_read_the_same_and_a_lone_surrogate_is_refused_in_both():
    body = (_clean(3) + b'{"license_id": "a\\ud800", "territory": "CN", "plays": 1}\n'
            + b'{"license_id": "\\ud83d\\ude00\\u6708", "territory": "CN", "plays": 1}\n' + _clean(2))
    per_line, fast = _both(body)
    assert fast == per_line
    assert [(r.line_no, r.reason) for r in fast[1]] == [(4, RejectionReason.MALFORMED)]
    assert fast[0][3]["license_id"] == "😀月"
