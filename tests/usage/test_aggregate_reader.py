"""The aggregated usage reader (CSV and JSON Lines): every line is a usage line or a rejection
with its reason, in UTF-8 or GBK, streamed, and a cut file is TRUNCATED, never half-counted."""

from __future__ import annotations

import io
from datetime import date

import pytest

from clearinghouse.usage.formats import reader_for
from clearinghouse.usage.formats.aggregate import GB18030, MAX_LINE, UTF8, detect_encoding, read_csv, read_jsonl
from clearinghouse.usage.records import Rejection, RejectionReason, ReportFormat, UsageKind, UsageLine

TODAY = date(2026, 11, 30)
HEADER_ZH = "日期,内容ID,地区,渠道,播放量,收入,币种"
HEADER = "date,platform_content_id,territory,channel,plays,revenue,currency"


def read(body: bytes, reader=read_csv, period: str = "2026-10") -> list[UsageLine | Rejection]:
    return list(reader(io.BytesIO(body), period=period, today=TODAY))


def reasons(items) -> dict[int, RejectionReason]:
    return {i.line_no: i.reason for i in items if isinstance(i, Rejection)}


class _Unseekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001
        chunk = self._data.read(min(len(buffer), 7))  # small pieces: chunk edges everywhere
        buffer[:len(chunk)] = chunk
        return len(chunk)

    def seekable(self) -> bool:
        return False


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_chinese_headers_read_the_same_in_utf8_with_or_without_bom_and_gbk(encoding):
    body = f"{HEADER_ZH}\n2026-10-01,v1,CN,抖音,1200,15.50,CNY\n2026-10-02,v2,HK,快手短视频,7,,\n"
    items = read(body.encode(encoding))
    assert items == [
        UsageLine(2, "2026-10", date(2026, 10, 1), "douyin", "CN", UsageKind.PLAYS, plays=1200,
                  revenue_minor=1550, currency="CNY", platform_content_id="v1"),
        UsageLine(3, "2026-10", date(2026, 10, 2), "kuaishou", "HK", UsageKind.PLAYS, plays=7,
                  platform_content_id="v2"),
    ]


def test_the_encoding_is_utf8_when_the_first_chunk_decodes_strictly_else_gb18030():
    assert detect_encoding("日期,播放量".encode()) == UTF8
    assert detect_encoding("\ufeff日期".encode()) == UTF8
    assert detect_encoding("日期,播放量".encode("gbk")) == GB18030
    # A multi-byte character cut by the end of the chunk is still UTF-8.
    assert detect_encoding("日期".encode()[:-1]) == UTF8


@pytest.mark.parametrize(("line", "reason", "field"), [
    ("2026-10-01,v1,CN,douyin,12", RejectionReason.MALFORMED, None),  # too few fields
    ("2026-10-01,,CN,douyin,12,,", RejectionReason.MISSING_FIELD, "license_id"),
    ("2026-10-01,v1,,douyin,12,,", RejectionReason.MISSING_FIELD, "territory"),
    ("2026-10-01,v1,CN,douyin,,,", RejectionReason.MISSING_FIELD, "plays"),
    ("2026-10-01,v1,CN,douyin,twelve,,", RejectionReason.BAD_VALUE, "plays"),
    ("2026-13-01,v1,CN,douyin,12,,", RejectionReason.BAD_VALUE, "date"),
    ("2026-10-01,v1,CN,douyin,-12,,", RejectionReason.NEGATIVE, "plays"),
    ("2026-10-01,v1,CN,douyin,12,-1.00,CNY", RejectionReason.NEGATIVE, "revenue"),
    ("2026-10-01,v1,CN,douyin,1000000000001,,", RejectionReason.ABSURD, "plays"),
    ("2026-12-01,v1,CN,douyin,12,,", RejectionReason.FUTURE, "date"),
    ("2026-09-30,v1,CN,douyin,12,,", RejectionReason.OUTSIDE_PERIOD, "date"),
    ("2026-10-01,v1,ZZ,douyin,12,,", RejectionReason.UNKNOWN_TERRITORY, "territory"),
    ("2026-10-01,v1,CN,dooyin,12,,", RejectionReason.UNKNOWN_CHANNEL, "channel"),
    ("2026-10-01,v1,CN,douyin,12,1.00,XYZ", RejectionReason.UNKNOWN_CURRENCY, "currency"),
    ("2026-10-01,v1,CN,douyin,12,1.00,", RejectionReason.MISSING_FIELD, "currency"),
    ("2026-10-01,v1,CN,douyin,12,1.001,CNY", RejectionReason.BAD_VALUE, "revenue"),
])
def test_each_bad_line_is_rejected_with_its_reason_and_the_good_lines_around_it_are_kept(line, reason, field):
    good = "2026-10-03,v9,CN,douyin,5,,"
    items = read(f"{HEADER}\n{good}\n{line}\n{good}\n".encode())
    assert [type(i) for i in items] == [UsageLine, Rejection, UsageLine]
    rejection = items[1]
    assert (rejection.line_no, rejection.reason, rejection.field) == (3, reason, field)
    assert rejection.raw == line
    assert rejection.message


def test_a_csv_cut_mid_line_is_truncated_but_a_complete_last_line_without_newline_counts():
    cut = read(f"{HEADER}\n2026-10-01,v1,CN,douyin,5,,\n2026-10-02,v2,CN,dou".encode())
    assert reasons(cut) == {3: RejectionReason.TRUNCATED}
    cut_in_number = read(f"{HEADER}\n2026-10-01,v1,CN,douyin,5,1.5,".encode())
    assert reasons(cut_in_number) == {2: RejectionReason.TRUNCATED}
    cut_in_quotes = read(f'{HEADER}\n2026-10-01,"v1,CN'.encode())
    assert reasons(cut_in_quotes) == {2: RejectionReason.TRUNCATED}
    whole = read(f"{HEADER}\n2026-10-01,v1,CN,douyin,5,,".encode())
    assert [type(i) for i in whole] == [UsageLine]


def test_a_json_lines_file_cut_inside_its_last_object_is_truncated():
    good = b'{"date": "2026-10-01", "isrc": "CN-A01-17-00001", "territory": "CN", "plays": 3}\n'
    items = read(good + b'{"date": "2026-10-01", "isrc": "CN-A0', read_jsonl)
    assert isinstance(items[0], UsageLine) and items[0].isrc == "CNA011700001"
    assert reasons(items) == {2: RejectionReason.TRUNCATED}
    # A broken object in the middle of the file is malformed, not truncated.
    assert reasons(read(b"{oops\n" + good, read_jsonl)) == {1: RejectionReason.MALFORMED}


def test_json_lines_take_the_same_columns_aliases_and_checks():
    body = ('{"日期": "2026-10-05", "作品ID": "wrk_1", "地区": "CN", "播放量": 10, '
            '"收入": "0.30", "币种": "CNY"}\n'
            '{"license_id": "lic_1", "territory": "CN", "copies": 2}\n'
            '{"license_id": "lic_1", "territory": "CN", "plays": 2.5}\n'
            '[1, 2]\n'
            '{"license_id": "lic_1", "territory": "CN", "plays": 1, "colour": "red"}\n').encode()
    items = read(body, read_jsonl)
    assert items[0] == UsageLine(1, "2026-10", date(2026, 10, 5), None, "CN", UsageKind.PLAYS,
                                 plays=10, revenue_minor=30, currency="CNY", work_id="wrk_1")
    assert items[1].kind == UsageKind.COPIES and items[1].copies == 2 and items[1].usage_date is None
    assert reasons(items) == {3: RejectionReason.BAD_VALUE, 4: RejectionReason.MALFORMED,
                              5: RejectionReason.MALFORMED}


def test_a_report_for_a_month_not_yet_begun_has_only_future_lines():
    items = read(f"{HEADER}\n,v1,CN,douyin,5,,\n".encode(), period="2027-01")
    assert reasons(items) == {2: RejectionReason.FUTURE}


def test_an_unknown_header_refuses_the_file_with_the_column_list():
    items = read(b"date,plays,colour\n2026-10-01,5,red\n")
    assert len(items) == 1 and items[0].reason == RejectionReason.MALFORMED
    assert "colour" in items[0].message and "platform_content_id" in items[0].message


def test_an_over_long_line_is_refused_alone_without_being_held():
    body = (f"{HEADER}\n2026-10-01,{'x' * (MAX_LINE * 3)},CN,douyin,5,,\n"
            "2026-10-02,v2,CN,douyin,6,,\n").encode()
    items = read(body)
    assert reasons(items) == {2: RejectionReason.MALFORMED}
    assert items[1] == UsageLine(3, "2026-10", date(2026, 10, 2), "douyin", "CN", UsageKind.PLAYS,
                                 plays=6, platform_content_id="v2")


def test_bytes_that_do_not_decode_make_only_their_line_malformed():
    body = f"{HEADER}\n2026-10-01,v1,CN,douyin,5,,\n".encode() + b"2026-10-02,v\xff\xfe,CN,douyin,6,,\n"
    assert reasons(read(body)) == {3: RejectionReason.MALFORMED}


def test_a_stream_that_cannot_seek_reads_the_same_gbk_lines():
    body = f"{HEADER_ZH}\n2026-10-01,v1,CN,抖音,1200,15.50,CNY\n".encode("gbk") * 1
    source = io.BufferedReader(_Unseekable(body))
    assert list(read_csv(source, period="2026-10", today=TODAY)) == read(body)


def test_the_format_registry_finds_both_readers():
    assert reader_for(ReportFormat.AGGREGATE_CSV) is read_csv
    assert reader_for(ReportFormat.AGGREGATE_JSONL) is read_jsonl


def test_revenue_is_a_plain_decimal_read_as_every_text_format_reads_money():
    # One money parser for every text format (usage/formats/text_input.py): exponents and
    # special values are not amounts, and a revenue is never rounded.
    lines = [f"2026-10-0{n},v{n},CN,web,1,{revenue},CNY" for n, revenue in
             enumerate(["15.50", "1e3", "NaN", "0.005", "2."], start=1)]
    items = read(("\n".join([HEADER, *lines]) + "\n").encode())
    assert reasons(items) == {3: RejectionReason.BAD_VALUE, 4: RejectionReason.BAD_VALUE,
                              5: RejectionReason.BAD_VALUE}
    assert [i.revenue_minor for i in items if isinstance(i, UsageLine)] == [1550, 200]
