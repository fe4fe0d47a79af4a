"""The DSR flat-file reader on files the tests write from Part 8's layouts (tests/usage/dsr_files.py)."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from clearinghouse.usage.formats import reader_for
from clearinghouse.usage.formats.dsr import read_dsr
from clearinghouse.usage.records import Rejection, RejectionReason, ReportFormat, UsageKind, UsageLine
from tests.usage import dsr_files as f

TODAY = date(2026, 11, 30)
R = RejectionReason


def read(data: bytes, **options: object) -> list[UsageLine | Rejection]:
    return list(read_dsr(io.BytesIO(data), period="2026-10", today=TODAY, **options))  # type: ignore[arg-type]


def lines(results: list[UsageLine | Rejection]) -> list[UsageLine]:
    return [r for r in results if isinstance(r, UsageLine)]


def rejections(results: list[UsageLine | Rejection]) -> list[Rejection]:
    return [r for r in results if isinstance(r, Rejection)]


def test_basic_audio_streams_become_plays_with_identifiers_money_and_channel() -> None:
    results = read(f.dsr_bytes(f.basic_audio()))
    assert rejections(results) == []
    by_resource, by_release = lines(results)
    # SU02 carries streams and a price; the revenue is the summary's 100.00 CNY, shared by
    # streams (1,500 and 10): 9933.77 and 66.23 fen, the unit left to the larger remainder.
    assert by_resource == UsageLine(
        line_no=5, period="2026-10", usage_date=None, channel="douyin", territory="CN",
        kind=UsageKind.PLAYS, plays=1500, isrc="CNA011700001", iswc="T0345246801",
        platform_content_id="RES-1", title="月光", revenue_minor=9934, currency="CNY",
    )
    # A release-level record: the DSP's release id is what matching has to go on.
    assert (by_release.line_no, by_release.platform_content_id, by_release.plays) == (8, "REL-1", 10)
    assert (by_release.revenue_minor, by_release.currency) == (66, "CNY")
    assert (by_release.isrc, by_release.title) == (None, "An Album")


def test_the_registered_reader_for_dsr_is_this_one() -> None:
    assert reader_for(ReportFormat.DSR) is read_dsr


def test_ugc_usage_takes_the_video_id_and_the_master_recordings_identifiers() -> None:
    (line,) = read(f.dsr_bytes(f.ugc()))
    assert isinstance(line, UsageLine)
    assert (line.platform_content_id, line.isrc, line.iswc, line.plays, line.revenue_minor) == (
        "UGC-VIDEO-9", "CNA011700001", "T0345246801", 400, 50)


@pytest.mark.parametrize("record_type", ["SU03.01", "SU03.02"])
def test_ugc_profile_version_one_reads_its_swapped_cells(record_type: str) -> None:
    records = [*f.ugc()[:3], f.ugc_usage("1", record_type=record_type, usages="7")]
    (line,) = read(f.dsr_bytes(records))
    assert isinstance(line, UsageLine) and line.plays == 7 and line.territory == "CN"


def test_downloads_become_copies() -> None:
    records = [f.head(), f.summary(record_type="SY01.03"), f.resource("1"), f.downloads("1", sales="3")]
    (line,) = read(f.dsr_bytes(records))
    assert isinstance(line, UsageLine)
    # The summary's 100.00 CNY pays for its 1,000 usages: 3 downloads carry 0.30.
    assert (line.kind, line.copies, line.plays, line.revenue_minor) == (UsageKind.COPIES, 3, 0, 30)


def test_revenue_is_rounded_half_even_to_the_currencys_minor_units_exactly() -> None:
    records = [f.head(profile="UgcProfile"), f.summary(), f.summary("2", currency="JPY"),
               f.resource("1", record_type="AS02.04"),
               f.ugc_usage("1", revenue="0.125"), f.ugc_usage("1", revenue="0.135", transaction="T-2"),
               f.ugc_usage("1", summary_id="2", revenue="12.5", transaction="T-3"),
               f.ugc_usage("1", revenue="123456789012.345", transaction="T-4")]
    got = [(line.revenue_minor, line.currency) for line in lines(read(f.dsr_bytes(records)))]
    # 0.125 → 12 and 0.135 → 14 (to even); JPY has no minor unit; no float ever touches the value.
    assert got == [(12, "CNY"), (14, "CNY"), (12, "JPY"), (12345678901234, "CNY")]


def test_subscription_and_market_share_summaries_give_territory_and_currency() -> None:
    # SY05 (use per licensor): Territory 7, CurrencyOfReporting 18; SY09: Territory 5, currency 16.
    sy05 = ["SY05.02", "5", "", "", "SubscriptionModel", "Stream", "HK", "Premium", "SOC", "", "PerformingRight",
            "1000", "100", "0.1", "10.00", "10.00", "0.1", "HKD"]
    sy09 = ["SY09.02", "9", "SubscriptionModel", "Stream", "TW", "Premium", "", "SOC", "", "MechanicalRight",
            "1000", "100", "10.00", "", "0.1", "TWD"]
    records = [f.head(profile="UgcProfile"), sy05, sy09, f.resource("1", record_type="AS02.04"),
               f.ugc_usage("1", summary_id="5"), f.ugc_usage("1", summary_id="9", transaction="T-2")]
    got = [(x.territory, x.currency, x.revenue_minor) for x in lines(read(f.dsr_bytes(records)))]
    assert got == [("HK", "HKD", 50), ("TW", "TWD", 50)]


def test_fractional_ugc_usages_are_rounded_to_whole_plays() -> None:
    records = [*f.ugc()[:3], f.ugc_usage("1", usages="400.5")]
    assert lines(read(f.dsr_bytes(records)))[0].plays == 400


def test_a_file_without_foot_is_truncated() -> None:
    results = read(f.dsr_bytes(f.basic_audio(), with_foot=False))
    assert len(lines(results)) == 2  # read, but the file as a whole is refused:
    (cut,) = rejections(results)
    assert (cut.line_no, cut.reason) == (0, R.TRUNCATED)
    assert "FOOT" in cut.message


def test_a_file_cut_in_the_middle_of_a_record_is_truncated() -> None:
    data = f.dsr_bytes(f.basic_audio())
    cut_at = data.index(b"SU02.03\t2") + 12
    results = read(data[:cut_at])
    assert [r.reason for r in rejections(results)][-1] == R.TRUNCATED


@pytest.mark.parametrize("counts", [{"lines": 99}, {"summaries": 3}, {"blocks": 1}])
def test_foot_counts_that_disagree_with_the_file_are_truncated(counts: dict[str, int]) -> None:
    results = read(f.dsr_bytes(f.basic_audio(), **counts))
    (bad,) = rejections(results)
    assert (bad.reason, bad.line_no) == (R.TRUNCATED, 9)
    assert bad.field is not None and bad.field in bad.message


def test_foot_counts_include_empty_lines_and_ignored_lines() -> None:
    records = f.basic_audio()
    data = f.dsr_bytes(records, lines=len(records) + 3)
    data = data.replace(b"SY02.04", b"\n#comment\nSY02.04", 1)
    assert rejections(read(data)) == []


def test_records_of_types_not_read_are_refused_by_name_not_ignored() -> None:
    records = [*f.ugc(), ["LI01.02", "1", "1", "T-U", "SACEM", "200", "0.25"], ["SY07.01", "9", "x"],
               ["LC01.01", "1", "1", "RES-1", "CNA011700001", "月光"]]
    results = read(f.dsr_bytes(records))
    refused = {r.raw.split("\t")[0]: r for r in rejections(results) if r.raw}
    assert set(refused) == {"LI01.02", "SY07.01"}  # LC01 is read and skipped, as documented
    assert all(r.reason == R.UNSUPPORTED and r.raw.split("\t")[0] in r.message for r in refused.values())


def test_another_profile_refuses_every_record_with_the_reason() -> None:
    records = [f.head(profile="AudioVisualProfile"), *f.basic_audio()[1:]]
    results = read(f.dsr_bytes(records))
    assert lines(results) == []
    assert {r.reason for r in rejections(results)} == {R.UNSUPPORTED}
    assert len(rejections(results)) == len(records)  # every record accounted for, HEAD included
    assert "AudioVisualProfile" in rejections(results)[0].message


def test_the_single_record_block_variant_is_refused_whole() -> None:
    data = b"SRHE\tdsrf/30\tBasicAudioProfile\t1.2\n" \
           b"SY02.02\t1\t\t\tAdvertisementSupportedModel\tStream\tCN\tFree\t1\t1\tCNY\t1.00\n" \
           b"SR02\t1\tRES-1\tCNA011700001\tMoon\n" \
           b"SRFO\t4\t1\n"
    results = read(data)
    assert lines(results) == [] and len(results) == 4  # every line refused once, nothing truncated
    assert {r.reason for r in rejections(results)} == {R.UNSUPPORTED}
    assert "single-record" in rejections(results)[0].message


def test_a_multi_file_message_is_refused() -> None:
    results = read(f.dsr_bytes([f.head(files="3"), *f.basic_audio()[1:]]))
    assert lines(results) == [] and rejections(results)[0].field == "NumberOfFiles"


@pytest.mark.parametrize(("start", "end", "reason"), [
    ("2026-09-01", "2026-09-30", R.OUTSIDE_PERIOD),
    ("2026-10-01", "2026-11-30", R.OUTSIDE_PERIOD),
    ("2026-10", "2026-10", None),
    ("2026-10-01", "2026-10-31", None),
])
def test_the_files_period_must_lie_in_the_reports(start: str, end: str, reason: RejectionReason | None) -> None:
    results = read(f.dsr_bytes([f.head(start=start, end=end), *f.basic_audio()[1:]]))
    assert {r.reason for r in rejections(results)} == ({reason} if reason else set())


def test_a_period_not_yet_over_is_future() -> None:
    data = f.dsr_bytes(f.basic_audio())
    results = list(read_dsr(io.BytesIO(data), period="2026-10", today=date(2026, 10, 15)))
    assert lines(results) == [] and rejections(results)[0].reason == R.FUTURE


def test_a_file_naming_another_platform_is_foreign_content() -> None:
    results = read(f.dsr_bytes(f.basic_audio()), channel="kuaishou")
    assert lines(results) == []
    assert rejections(results)[0].reason == R.FOREIGN_CONTENT and "douyin" in rejections(results)[0].message


def test_the_channel_argument_names_the_platform_when_the_file_names_none() -> None:
    records = [f.head(sender="Some Label Services Ltd"), *f.basic_audio()[1:]]
    assert {line.channel for line in lines(read(f.dsr_bytes(records)))} == {None}
    assert {line.channel for line in lines(read(f.dsr_bytes(records), channel="kuaishou"))} == {"kuaishou"}


def test_a_summarys_distribution_channel_names_the_platform() -> None:
    records = [f.head(sender="Aggregator Inc"), f.summary(channel="快手"), *f.basic_audio()[2:]]
    assert {line.channel for line in lines(read(f.dsr_bytes(records)))} == {"kuaishou"}


@pytest.mark.parametrize(("usages", "reason"), [
    ("-5", R.NEGATIVE),
    ("10000000000000", R.ABSURD),
    ("many", R.BAD_VALUE),
    ("1,000", R.BAD_VALUE),
    ("1e3", R.BAD_VALUE),
    ("", R.MISSING_FIELD),
])
def test_bad_counts_are_refused_per_record(usages: str, reason: RejectionReason) -> None:
    records = [*f.basic_audio()[:4], f.streams("1", usages=usages), *f.basic_audio()[5:]]
    results = read(f.dsr_bytes(records))
    (bad,) = rejections(results)
    assert (bad.line_no, bad.reason) == (5, reason)
    assert bad.raw is not None and bad.raw.startswith("SU02.03")
    assert len(lines(results)) == 1  # the other block still reads


@pytest.mark.parametrize(("revenue", "reason"), [
    ("-1.00", R.NEGATIVE), ("1,00", R.BAD_VALUE), ("1e3", R.BAD_VALUE), ("1" + "0" * 20, R.ABSURD),
])
def test_bad_revenue_is_refused_per_record(revenue: str, reason: RejectionReason) -> None:
    (bad,) = read(f.dsr_bytes([*f.ugc(), f.ugc_usage("1", revenue=revenue, transaction="T-2")]))[1:]
    assert isinstance(bad, Rejection) and (bad.line_no, bad.reason, bad.field) == (5, reason, "NetRevenue")


def test_summary_problems_refuse_the_summary_and_the_usage_that_points_to_it() -> None:
    records = [f.head(), f.summary("1", territory="Worldwide"), f.summary("2", currency="XYZ"),
               f.resource("1"), f.streams("1", summary_id="1"), f.streams("1", summary_id="2"),
               f.streams("1", summary_id="3")]
    reasons = [(r.line_no, r.reason) for r in rejections(read(f.dsr_bytes(records)))]
    assert reasons == [(2, R.UNKNOWN_TERRITORY), (3, R.UNKNOWN_CURRENCY), (5, R.BAD_VALUE),
                       (6, R.BAD_VALUE), (7, R.BAD_VALUE)]


def test_revenue_without_any_currency_is_missing_a_field_unless_the_report_names_one() -> None:
    records = [f.head(), f.summary(currency=""), f.resource("1", record_type="AS02.04"), f.ugc_usage("1")]
    assert rejections(read(f.dsr_bytes(records)))[0].reason == R.MISSING_FIELD
    (line,) = read(f.dsr_bytes(records), currency="USD")
    assert isinstance(line, UsageLine) and line.currency == "USD"


def test_a_bad_isrc_is_refused_on_its_record_and_the_use_still_counts() -> None:
    records = [f.head(), f.summary(), f.resource("1", isrc="NOT-AN-ISRC"), f.streams("1")]
    results = read(f.dsr_bytes(records))
    (bad,) = rejections(results)
    assert (bad.line_no, bad.reason, bad.field) == (3, R.BAD_VALUE, "ResourceISRC")
    (line,) = lines(results)
    assert (line.isrc, line.platform_content_id) == (None, "RES-1")


def test_usage_of_a_resource_the_block_does_not_describe_is_refused() -> None:
    records = [f.head(), f.summary(), f.resource("1"), f.streams("1", resource_ref="9")]
    assert rejections(read(f.dsr_bytes(records)))[0].field == "TransactedResourceReference"


def test_non_royalty_bearing_use_is_refused_as_unsupported() -> None:
    for usage in (f.streams("1", royalty="false"), f.ugc_usage("1", royalty="false")):
        records = [f.head(), f.summary(), f.resource("1", record_type="AS02.04"), usage]
        (refused,) = rejections(read(f.dsr_bytes(records)))
        assert (refused.reason, refused.field) == (R.UNSUPPORTED, "IsRoyaltyBearing")


def test_an_escaped_tab_stays_in_its_cell() -> None:
    records = [f.head(), f.summary(), f.resource("1", title="Moon\\\tlight"), f.streams("1")]
    (line,) = read(f.dsr_bytes(records))
    assert isinstance(line, UsageLine) and line.title == "Moon\tlight" and line.plays == 1500


def test_records_before_head_and_after_foot_are_malformed() -> None:
    data = f.dsr_bytes(f.basic_audio())
    stray = b"SU02.03\t1\t1\tT-9\t\t1\ttrue\t5\t0.01\n"
    results = read(stray + data)
    assert rejections(results)[0].line_no == 1 and rejections(results)[0].reason == R.MALFORMED
    results = read(data + stray)
    assert rejections(results)[-1].reason == R.MALFORMED and "after FOOT" in rejections(results)[-1].message


def test_column_name_rows_let_a_sender_put_cells_elsewhere() -> None:
    # A sender whose SU02 has NetRevenue before the usage count, announced by a '#' column row.
    records = [*f.basic_audio()[:4]]
    moved = ["SU02.03", "1", "1", "T-1", "", "1", "true", "9.99", "77"]
    data = f.dsr_bytes([*records, moved], lines=len(records) + 3)
    names = "#SU02.03\tBlockId\tSummaryRecordId\tSalesTransactionId\tTransactedReleaseReference\t" \
            "TransactedResourceReference\tIsRoyaltyBearing\tNetRevenue\tNumberOfStreams\n"
    data = data.replace(b"SU02.03", names.encode() + b"SU02.03", 1)
    (line,) = read(data)
    assert isinstance(line, UsageLine) and (line.plays, line.revenue_minor) == (77, 999)


def test_gb18030_files_read_and_undecodable_lines_are_refused_alone() -> None:
    results = read(f.dsr_bytes(f.basic_audio(), encoding="gb18030"))
    assert rejections(results) == [] and lines(results)[0].title == "月光"
    data = f.dsr_bytes(f.basic_audio()).replace("月光".encode(), b"\xff\xfe", 1)
    bad = rejections(read(data))
    assert (bad[0].line_no, bad[0].reason) == (3, R.MALFORMED)
    assert bad[0].raw is not None and "\ufffd" in bad[0].raw  # storable: no lone surrogates
    # The records of that block that needed the refused one say so; the next block reads.
    assert [r.line_no for r in bad[1:]] == [4, 5] and len(lines(read(data))) == 1


def test_crlf_line_endings_read() -> None:
    data = f.dsr_bytes(f.basic_audio()).replace(b"\n", b"\r\n")
    assert rejections(read(data)) == [] and len(lines(read(data))) == 2


def _big_file(blocks: int) -> Iterator[bytes]:
    yield ("\t".join(f.head()) + "\n" + "\t".join(f.summary()) + "\n").encode()
    for n in range(blocks):
        block = str(n)
        yield ("\t".join(f.resource(block, dsp_id=f"RES-{n}")) + "\n"
               + "\t".join(f.streams(block, transaction=f"T-{n}")) + "\n").encode()
    yield f"FOOT\t{2 * blocks + 3}\t\t1\t{blocks}\t\n".encode()


class _Chunks(io.RawIOBase):
    """A file generated as it is read, so the test holds no copy of it."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks, self.buffer = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray) -> int:  # type: ignore[override]
        while len(self.buffer) < len(target):
            piece = next(self.chunks, b"")
            if not piece:
                break
            self.buffer += piece
        size = min(len(target), len(self.buffer))
        target[:size], self.buffer = self.buffer[:size], self.buffer[size:]
        return size


def test_a_large_file_streams_in_bounded_memory() -> None:
    blocks = 15_000
    size = sum(len(chunk) for chunk in _big_file(blocks))
    source = io.BufferedReader(_Chunks(_big_file(blocks)), buffer_size=64 * 1024)
    read(f.dsr_bytes(f.basic_audio()))  # load the platform list and currency data first
    tracemalloc.start()
    count = 0
    for item in read_dsr(source, period="2026-10", today=TODAY):
        assert isinstance(item, UsageLine)
        count += 1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == blocks
    assert size > 1_500_000 and peak < 1024 * 1024  # a read block or two, never the whole file


def test_the_documented_example_reads_as_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "usage-formats.md").read_text("utf-8")
    example = docs.split("A basic audio file", 1)[1].split("```\n", 2)[1]
    (line,) = read(example.replace("→", "\t").encode())
    assert isinstance(line, UsageLine)
    assert (line.channel, line.territory, line.plays, line.revenue_minor, line.isrc, line.iswc,
            line.platform_content_id, line.title) == (
        "douyin", "CN", 1500, 10000, "CNA011700001", "T0345246801", "RES-1", "月光")
