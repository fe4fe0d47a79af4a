"""The vectorised CSV reader against the per-line one: random files of good and bad lines, in
UTF-8 (with or without BOM) and GBK, cut short or not, read by both, give the same usage lines
and the same rejections (reason, field, message, line number, raw line)."""

from __future__ import annotations

import io
import random
import sys
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from clearinghouse.usage.formats import aggregate_fast
from clearinghouse.usage.formats.aggregate import MAX_LINE, read_csv
from clearinghouse.usage.formats.aggregate_fast import lines_table, read_csv_batches
from clearinghouse.usage.records import Rejection, RejectionReason, UsageLine

TODAY = date(2026, 11, 30)
PERIOD = "2026-10"

# column → (good values, bad or unusual values): unusual ones still read, the checker decides.
VALUES: dict[str, tuple[list[str], list[str]]] = {
    "date": (["2026-10-01", "2026-10-31", "2026-10-15"],
             ["", "2026/10/02", "20261003", "2026-10-32", "2026-11-01", "2026-12-01", "2026-09-30",
              " 2026-10-04", "yesterday"]),
    "period": (["", "2026-10"], ["202610", "2026-11", "2026-1", " 2026-10 "]),
    "license_id": (["lic_1", "lic_2", "", "许可1"], [" lic_3 ", "x" * 201, "\u3000lic\u3000"]),
    "work_id": (["", "wrk_1"], ["\u00a0wrk_2"]),
    "isrc": (["", "CNA012600001"], ["CN-A01-26-00002", "cna012600003", "CNA01"]),
    "platform_content_id": (["v1", "", "视频9"], ["\tv2"]),
    "territory": (["CN", "HK"], ["", "cn", "ZZ", " CN", "中国"]),
    "channel": (["douyin", "kuaishou", ""], ["抖音", "快手短视频", "dooyin", " douyin", "BILIBILI"]),
    "plays": (["12", "0", "1000000000000"], ["", "-3", "1000000000001", "１２", "3.0",
                                             " 7", "000000000000012"]),
    "unique_viewers": (["", "5"], ["-1", "10000000001", "x"]),
    "copies": ([""], ["2", "-2"]),
    "revenue": (["", "1.50", "15", "0.01"], ["1.001", "-1.00", "1e3", ".5", "1.", "99999999999999999",
                                             " 2.5"]),
    "revenue_minor": ([""], ["150", "-1", "1000000000000001", " "]),
    "currency": (["CNY", ""], ["JPY", "cny", "XYZ", " CNY"]),
}
ALIASES = {"license_id": "许可证号", "territory": "地区", "plays": "播放量", "date": "日期"}


def _file(rng: random.Random) -> tuple[bytes, str]:
    names = rng.sample(list(VALUES), rng.randint(4, len(VALUES)))
    if rng.random() < 0.8:  # most files name the required columns; the rest are refused a lot
        names = ["license_id", "territory", "plays", *[n for n in names if n not in
                                                       ("license_id", "territory", "plays")]]
    faults = 0.03 if rng.random() < 0.3 else 0.0  # blank lines, lines of commas, wrong widths
    header = [ALIASES.get(n, n) if rng.random() < 0.3 else n for n in names]
    newline = "\r\n" if rng.random() < 0.2 else "\n"
    lines = [",".join(header)]
    for _ in range(rng.randint(0, 300)):
        roll = rng.random()
        if roll < faults / 2:
            lines.append("")
        elif roll < faults * 2 / 3:
            lines.append("," * (len(names) - 1))
        elif roll < faults:
            lines.append(",".join(["x"] * (len(names) + 1)))
        else:
            bad = rng.random() < 0.3
            lines.append(",".join(
                rng.choice(VALUES[n][1] if bad and rng.random() < 0.3 else VALUES[n][0])
                for n in names))
    if rng.random() < 0.05:
        lines.append('"quoted, at last",1')
    text = newline.join(lines) + (newline if rng.random() < 0.8 else "")
    encoding = rng.choice(["utf-8", "utf-8-sig", "gbk"])
    try:
        body = text.encode(encoding)
    except UnicodeEncodeError:
        encoding, body = "utf-8", text.encode()
    if rng.random() < 0.2 and len(body) > 10:
        body = body[: rng.randrange(len(body) // 2, len(body))]  # cut short
    if rng.random() < 0.05:
        body = body.replace(b"CN", b"C\xff", 1)  # bytes that do not decode
    return body, encoding


def _both(body: bytes) -> tuple[tuple[list[dict], list[Rejection]], tuple[list[dict], list[Rejection]]]:
    items = list(read_csv(io.BytesIO(body), period=PERIOD, today=TODAY))
    per_line = (lines_table([i for i in items if isinstance(i, UsageLine)]).to_pylist(),
                [i for i in items if isinstance(i, Rejection)])
    batches = list(read_csv_batches(io.BytesIO(body), period=PERIOD, today=TODAY))
    fast = (pa.concat_tables([b.lines for b in batches]).to_pylist() if batches else [],
            [r for b in batches for r in b.rejections])
    return per_line, fast


@pytest.mark.parametrize("block_bytes", [64, 700, 1 << 20])
def test_random_files_read_the_same_by_both_readers(monkeypatch, block_bytes):
    monkeypatch.setattr(aggregate_fast, "BLOCK_BYTES", block_bytes)
    rng = random.Random(block_bytes)
    for attempt in range(150):
        body, encoding = _file(rng)
        per_line, fast = _both(body)
        assert fast == per_line, (attempt, encoding, body[:2000])


def test_a_clean_file_is_read_by_arrow_and_gives_every_line():
    body = ("license_id,date,territory,channel,plays,revenue,currency\n" + "".join(
        f"lic_{n},2026-10-{1 + n % 31:02d},CN,douyin,{n},{n}.25,CNY\n" for n in range(5000))).encode()
    per_line, fast = _both(body)
    assert fast == per_line
    assert len(fast[0]) == 5000 and fast[1] == []
    assert fast[0][7]["revenue_minor"] == 725 and fast[0][7]["line_no"] == 9


def test_a_cut_last_line_is_truncated_in_both():
    body = b"license_id,territory,plays\nlic_1,CN,5\nlic_2,CN,6\nlic_3,C"
    per_line, fast = _both(body)
    assert fast == per_line
    assert [(r.line_no, r.reason) for r in fast[1]] == [(4, RejectionReason.TRUNCATED)]


@pytest.mark.parametrize("block_bytes", [1000, 1 << 20])
def test_an_over_long_line_is_refused_the_same_without_being_held(monkeypatch, block_bytes):
    monkeypatch.setattr(aggregate_fast, "BLOCK_BYTES", block_bytes)
    body = b"license_id,territory,plays\nlic_1,CN,5\nlic_2," + b"C" * (MAX_LINE + 10) + b",6\nlic_3,CN,7\n"
    per_line, fast = _both(body)
    assert fast == per_line
    assert [line["line_no"] for line in fast[0]] == [2, 4]
    assert [(r.line_no, r.reason) for r in fast[1]] == [(3, RejectionReason.MALFORMED)]


def test_a_gbk_file_reads_in_blocks(monkeypatch):
    monkeypatch.setattr(aggregate_fast, "BLOCK_BYTES", 100)
    body = ("许可证号,地区,渠道,播放量\n" + "".join(f"许可{n},CN,抖音,{n}\n" for n in range(200))).encode("gbk")
    per_line, fast = _both(body)
    assert fast == per_line and len(fast[0]) == 200
    assert fast[0][199]["license_id"] == "许可199" and fast[0][199]["channel"] == "douyin"


def test_arrow_trims_the_same_whitespace_as_python():
    """The vectorised checks trim with Arrow where the checker uses str.strip."""
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    cells = pa.array([f"{c}x{c}" for c in chars])
    trimmed = pc.utf8_trim_whitespace(cells).to_pylist()
    assert trimmed == [f"{c}x{c}".strip() for c in chars]
