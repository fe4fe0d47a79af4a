"""The vectorised society statement reader against the per-line one: random statements of good
and bad rows (English and Chinese headers, comma, semicolon or tab, UTF-8 with or without BOM and
GBK, cut short or not, blank and wrong-width rows, quotes, bytes that do not decode), read by
both, give the same usage lines and the same rejections (reason, field, message, line, raw)."""

from __future__ import annotations

import io
import random
from datetime import date

import numpy as np
import pyarrow as pa
import pytest

from clearinghouse.usage.formats import society_fast
from clearinghouse.usage.formats.aggregate_fast import lines_table
from clearinghouse.usage.formats.society import Statement, read_society
from clearinghouse.usage.formats.society_fast import read_society_batches
from clearinghouse.usage.records import Rejection, RejectionReason, UsageLine

TODAY = date(2026, 11, 30)
PERIOD = "2026-10"

# field → (headers, good values, bad or unusual values): unusual ones still read, the reader decides.
FIELDS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "work_id": (["Work ID", "作品编号"], ["wrk_1", "wrk_2", "", "作品1"], [" wrk_3 ", "wr\u202ek"]),
    "iswc": (["ISWC"], ["", "T0345246801", "T-034.524.680-1"], ["T0345246802", "T12"]),
    "isrc": (["ISRC"], ["", "CNA012600001"], ["cna012600003", "CN-A01-26-00002", "CNA01"]),
    "title": (["Title", "作品名称"], ["月光", "Song 1", ""], ["\x07bell", " 空格 "]),
    "right": (["Right Type", "权利类型"], ["P", "M", "S", "PR", "表演权", ""], ["X", "mechanical", " m "]),
    "territory": (["Territory", "地区"], ["CN", "HR", ""], ["cn", "ZZ", " HK", "中国"]),
    "amount": (["Amount", "金额"], ["100.51", "0.01", "12", "-1.00", "3."],
               ["", "1.005", "1e3", "+2.50", " 4.20", "1,234.00", "99999999999999999", ".5",
                "-0.125", "x"]),
    "currency": (["Currency", "币种"], ["EUR", "CNY", "JPY", ""], ["eur", "XYZ", " CNY"]),
    "units": (["Units", "次数"], ["", "5", "0"], ["-2", "1.5", "1000000000001", " 7"]),
}


def _file(rng: random.Random) -> tuple[bytes, dict]:
    names = ["amount", *rng.sample([f for f in FIELDS if f != "amount"], rng.randint(1, 8))]
    rng.shuffle(names)
    delimiter = rng.choice([",", ",", ";", "\t"])
    header = [rng.choice(FIELDS[n][0]) for n in names] + (["Library"] if rng.random() < 0.3 else [])
    extra = len(header) > len(names)
    faults = 0.04 if rng.random() < 0.4 else 0.0
    newline = "\r\n" if rng.random() < 0.2 else "\n"
    lines = [delimiter.join(header)]
    for _ in range(rng.randint(0, 250)):
        roll = rng.random()
        if roll < faults / 3:
            lines.append("")
        elif roll < faults * 2 / 3:
            lines.append(delimiter * (len(header) - 1))
        elif roll < faults:
            lines.append(delimiter.join(["x"] * (len(header) + 1)))
        else:
            bad = rng.random() < 0.3
            cells = [rng.choice(FIELDS[n][2] if bad and rng.random() < 0.3 else FIELDS[n][1])
                     for n in names]
            lines.append(delimiter.join(cells + (["The Cool Music Library"] if extra else [])))
    if rng.random() < 0.05:
        lines.insert(rng.randint(1, len(lines)), '"quoted' + delimiter + ' at last"' + delimiter * (len(header) - 1))
    text = newline.join(lines) + (newline if rng.random() < 0.8 else "")
    encoding = rng.choice(["utf-8", "utf-8-sig", "gbk"])
    try:
        body = text.encode(encoding)
    except UnicodeEncodeError:
        body = text.encode()
    if rng.random() < 0.15 and len(body) > 10:
        body = body[: rng.randrange(len(body) // 2, len(body))]  # cut short
    if rng.random() < 0.05:
        body = body.replace(b"CN", b"C\xff", 1)  # bytes that do not decode
    options = {"currency": rng.choice([None, "EUR"]), "territory": rng.choice([None, "HR"]),
               "right": rng.choice([None, None, "M"]),
               "id_source": rng.choice(["work_id", "work_id", "iswc", "isrc"]),
               "allow_negative": rng.random() < 0.8}
    return body, options


def _both(body: bytes, **options) -> tuple[tuple[list[dict], list[Rejection]], tuple[list[dict], list[Rejection]]]:
    if Statement.item.__name__ == "per_row":  # the fast reader alone
        per_line: tuple[list[dict], list[Rejection]] = ([], [])
    else:
        items = list(read_society(io.BytesIO(body), period=PERIOD, today=TODAY, **options))
        per_line = (lines_table([i for i in items if isinstance(i, UsageLine)]).to_pylist(),
                    [i for i in items if isinstance(i, Rejection)])
    batches = list(read_society_batches(io.BytesIO(body), period=PERIOD, today=TODAY, **options))
    fast = (pa.concat_tables([b.lines for b in batches]).to_pylist() if batches else [],
            [r for b in batches for r in b.rejections])
    return per_line, fast


@pytest.mark.parametrize("block_bytes", [64, 900, 1 << 20])
def test_random_statements_read_the_same_by_both_readers(monkeypatch, block_bytes):
    monkeypatch.setattr(society_fast, "BLOCK_BYTES", block_bytes)
    rng = random.Random(block_bytes)
    for attempt in range(150):
        body, options = _file(rng)
        per_line, fast = _both(body, **options)
        assert fast == per_line, (attempt, options, body[:2000])


def test_a_django_music_publisher_statement_is_read_by_arrow_with_every_row(monkeypatch):
    body = ("Work ID,Title,Library,CD Identifier,Right type,Amount,ISRC\n" + "".join(
        f"MK{n:06d},Song {n},The Cool Music Library,Internet,{'PMS'[n % 3]},{n}.{n % 100:02d},"
        f"CNA01{n:07d}\n" for n in range(5000))).encode()
    options = {"currency": "EUR", "territory": "HR", "id_source": "isrc"}
    expected = _both(body, **options)[0]

    def per_row(*_args: object) -> None:
        raise AssertionError("a clean row went through the per-line reader")

    monkeypatch.setattr(Statement, "item", per_row)
    monkeypatch.setattr(Statement, "body", per_row)
    per_line, fast = expected, _both(body, **options)[1]
    assert fast == per_line
    assert len(fast[0]) == 5000 and fast[1] == []
    assert (fast[0][7]["line_no"], fast[0][7]["revenue_minor"],
                                               fast[0][7]["right"], fast[0][7]["isrc"]) == (
        9, 707, "mechanical", "CNA010000007")


def test_bad_rows_among_good_ones_are_refused_with_the_per_line_reasons():
    body = ("作品编号,地区,金额,币种\nwrk_1,CN,12.345,CNY\nwrk_2,ZZ,1.00,CNY\n,CN,1.00,CNY\n"
            "wrk_3,HK,-1.00,HKD\nwrk_4,CN,1.00\n").encode()
    per_line, fast = _both(body)
    assert fast == per_line
    assert [(ln["line_no"], ln["revenue_minor"]) for ln in fast[0]] == [(2, 1234), (5, -100)]
    assert [(r.line_no, r.reason) for r in fast[1]] == [
        (3, RejectionReason.UNKNOWN_TERRITORY), (4, RejectionReason.MISSING_FIELD),
        (6, RejectionReason.MALFORMED)]


def test_combinations_of_huge_dictionaries_are_found_without_one_number_per_row():
    """Where the dictionaries' sizes multiply past int64 the rows of indices are compared
    directly; both ways find the same combinations for the same rows."""
    indices = [np.array([3, 1, 3, 0]), np.array([7, 2, 7, 2])]
    small = society_fast._combinations(indices, [4, 8], 4)
    huge = society_fast._combinations(indices, [2**40, 2**40], 4)
    for combos, at in (small, huge):
        assert [combos[i] for i in at.tolist()] == [[3, 7], [1, 2], [3, 7], [0, 2]]
        assert len(combos) == 3
