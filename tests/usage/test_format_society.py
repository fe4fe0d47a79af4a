"""The society / DSP statement reader on statements the tests write (English, Chinese, DMP's shape)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from clearinghouse.usage.formats import reader_for
from clearinghouse.usage.formats.society import read_society
from clearinghouse.usage.records import Rejection, RejectionReason, ReportFormat, UsageKind, UsageLine

TODAY = date(2026, 11, 30)
R = RejectionReason
ENGLISH = "Work ID,ISWC,Title,Right,Territory,Amount,Currency,Units\n"
ENGLISH_NO_UNITS = ENGLISH.replace(",Units", "")
CHINESE = "作品编号,ISWC,作品名称,权利类型,地区,金额,币种\n"
# The shape of django-music-publisher's own sample statement: any header row, the work id, the
# right and the amount somewhere among columns it does not read; no currency, no territory.
DMP = ('Something,Work ID,Something Else,Right,"Something, Again",Amount,Nonsense\n'
       '"A title, maybe, must be long, really long",X126,Who knows?,PR,100.51Really?,100.51,Really')


def read(text: str | bytes, **options: object) -> list[UsageLine | Rejection]:
    data = text.encode() if isinstance(text, str) else text
    return list(read_society(io.BytesIO(data), period="2026-10", today=TODAY, **options))  # type: ignore[arg-type]


def lines(results: list[UsageLine | Rejection]) -> list[UsageLine]:
    return [r for r in results if isinstance(r, UsageLine)]


def rejections(results: list[UsageLine | Rejection]) -> list[Rejection]:
    return [r for r in results if isinstance(r, Rejection)]


def test_an_english_statement_row_is_an_amount_to_split_among_holders() -> None:
    (line,) = read(ENGLISH + "wrk_1,T-034.524.680-1,Moonlight,Performance,CN,1234.56,CNY,300\n")
    assert line == UsageLine(
        line_no=2, period="2026-10", usage_date=None, channel=None, territory="CN",
        kind=UsageKind.AMOUNT, plays=300, revenue_minor=123456, currency="CNY", work_id="wrk_1",
        iswc="T0345246801", title="Moonlight", right="performance",
    )


def test_the_registered_reader_for_society_statements_is_this_one() -> None:
    assert reader_for(ReportFormat.SOCIETY) is read_society


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_chinese_headers_in_utf8_and_gb18030(encoding: str) -> None:
    data = (CHINESE + "W1,T0345246801,月光,表演权,CN,12.34,CNY\nW2,,,机械复制权,HK,5,HKD\n").encode(encoding)
    first, second = read(data)
    assert isinstance(first, UsageLine) and isinstance(second, UsageLine)
    assert (first.title, first.right, first.revenue_minor) == ("月光", "performance", 1234)
    assert (second.work_id, second.right, second.territory, second.revenue_minor) == ("W2", "mechanical", "HK", 500)


def test_django_music_publishers_sample_statement_reads_with_the_reports_currency_and_territory() -> None:
    (line,) = read(DMP, currency="EUR", territory="HR")
    assert isinstance(line, UsageLine)
    assert (line.work_id, line.right, line.revenue_minor, line.currency, line.territory) == (
        "X126", "performance", 10051, "EUR", "HR")


def test_django_music_publishers_column_and_id_choices() -> None:
    # As its form: work id in column 1 holding ISWCs, amount in column 5, one right for the file.
    text = "a,b,c,d,e,f\nx,T-034.524.680-1,y,z,w,7.5\n"
    (line,) = read(text, currency="USD", territory="US", right="m", id_source="iswc",
                   columns={"work_id": 1, "amount": 5})
    assert isinstance(line, UsageLine)
    assert (line.iswc, line.work_id, line.right, line.revenue_minor) == ("T0345246801", None, "mechanical", 750)


def test_amounts_are_exact_decimals_rounded_half_even_to_minor_units() -> None:
    rows = ["a,,,,CN,0.125,CNY", "b,,,,CN,0.135,CNY", "c,,,,JP,1234.5,JPY", "d,,,,BH,1.2345,BHD",
            "e,,,,CN,987654321012.99,CNY"]
    got = [(line.revenue_minor, line.currency) for line in lines(read(ENGLISH_NO_UNITS + "\n".join(rows)))]
    assert got == [(12, "CNY"), (14, "CNY"), (1234, "JPY"), (1234, "BHD"), (98765432101299, "CNY")]


def test_negative_amounts_are_adjustments_kept_unless_the_report_takes_none() -> None:
    text = ENGLISH_NO_UNITS + "wrk_1,,,,CN,-10.00,CNY\n"
    (line,) = read(text)
    assert isinstance(line, UsageLine) and line.revenue_minor == -1000
    (refused,) = read(text, allow_negative=False)
    assert isinstance(refused, Rejection) and refused.reason == R.NEGATIVE


@pytest.mark.parametrize(("row", "reason", "field"), [
    ("wrk_1,,,,CN,,CNY", R.MISSING_FIELD, "amount"),
    ("wrk_1,,,,CN,12.3.4,CNY", R.BAD_VALUE, "amount"),
    ("wrk_1,,,,CN,1e3,CNY", R.BAD_VALUE, "amount"),
    ("wrk_1,,,,CN,12.00,RMB", R.UNKNOWN_CURRENCY, "currency"),
    ("wrk_1,,,,CN,12.00,XAU", R.UNKNOWN_CURRENCY, "currency"),
    ("wrk_1,,,,China,12.00,CNY", R.UNKNOWN_TERRITORY, "territory"),
    ("wrk_1,,,,CN,12.00,", R.MISSING_FIELD, "currency"),
    ("wrk_1,,,,,12.00,CNY", R.MISSING_FIELD, "territory"),
    (",,,,CN,12.00,CNY", R.MISSING_FIELD, "work_id"),
    ("wrk_1,T0345246802,,,CN,12.00,CNY", R.BAD_VALUE, "iswc"),
    ("wrk_1,,,Lyrics,CN,12.00,CNY", R.BAD_VALUE, "right"),
    ("wrk_1,,,,CN,99999999999999999,CNY", R.ABSURD, "amount"),
    ("wrk_1,,,,CN,1.00,CNY,-3", R.NEGATIVE, "units"),
    ("wrk_1,,,,CN,1.00,CNY,2.5", R.BAD_VALUE, "units"),
    ("wrk_1,,Bad\u202etitle,,CN,1.00,CNY", R.BAD_VALUE, "title"),
])
def test_bad_rows_are_refused_with_reason_and_the_next_row_still_reads(
        row: str, reason: RejectionReason, field: str) -> None:
    header = ENGLISH if row.count(",") == 7 else ENGLISH_NO_UNITS
    results = read(header + row + "\nwrk_2,,,,CN,1.00,CNY" + ("," if row.count(",") == 7 else "") + "\n")
    (bad,) = rejections(results)
    assert (bad.line_no, bad.reason, bad.field) == (2, reason, field)
    assert bad.raw is not None and bad.raw.startswith(row[:5])
    assert [line.line_no for line in lines(results)] == [3]


def test_a_header_without_amount_refuses_every_row_and_says_why() -> None:
    results = read("Work ID,Title,Money\nwrk_1,A,1\nwrk_2,B,2\n", currency="CNY", territory="CN")
    assert [(r.line_no, r.reason) for r in rejections(results)] == [(1, R.MALFORMED), (2, R.MALFORMED),
                                                                    (3, R.MALFORMED)]
    assert "amount" in rejections(results)[0].message and lines(results) == []


def test_rows_with_the_wrong_number_of_cells_are_malformed() -> None:
    results = read(ENGLISH + "wrk_1,,,,CN,1.00\n")
    assert rejections(results)[0].reason == R.MALFORMED


def test_a_quote_left_open_at_the_end_is_truncated() -> None:
    results = read(ENGLISH + 'wrk_1,,,,CN,1.00,CNY,1\nwrk_2,,"Moon,,CN,2.00,CNY,1\n')
    assert [line.line_no for line in lines(results)] == [2]
    assert rejections(results)[-1].reason == R.TRUNCATED


def test_quoted_cells_hold_separators_and_line_numbers_stay_the_editors() -> None:
    results = read(ENGLISH + 'wrk_1,,"Moon, light",,CN,1.00,CNY,1\n'
                   'wrk_2,,"Moon\nlight",,CN,2.00,CNY,1\nwrk_3,,,,CN,3.00,CNY,1\n')
    first, third = lines(results)
    assert (first.title, first.line_no, third.line_no) == ("Moon, light", 2, 5)
    (broken,) = rejections(results)  # a title is one line: the row that breaks it is refused
    assert (broken.line_no, broken.reason, broken.field) == (3, R.BAD_VALUE, "title")


def test_semicolons_and_tabs_separate_as_well() -> None:
    for separator in (";", "\t"):
        text = ENGLISH.replace(",", separator) + separator.join(["wrk_1", "", "", "", "CN", "1.50", "CNY", ""])
        (line,) = read(text)
        assert isinstance(line, UsageLine) and line.revenue_minor == 150


def test_a_period_not_begun_is_future() -> None:
    data = (ENGLISH + "wrk_1,,,,CN,1.00,CNY,\n").encode()
    results = list(read_society(io.BytesIO(data), period="2027-01", today=TODAY))
    assert [r.reason for r in rejections(results)] == [R.FUTURE]


def test_undecodable_bytes_refuse_their_row_only() -> None:
    data = (ENGLISH + "wrk_1,,Moon,,CN,1.00,CNY,\n").encode() + b"wrk_2,,\xff\xfe,,CN,1.00,CNY,\n"
    results = read(data)
    assert [line.line_no for line in lines(results)] == [2]
    (bad,) = rejections(results)
    assert (bad.line_no, bad.reason) == (3, R.MALFORMED) and "\ufffd" in (bad.raw or "")


def test_a_bad_report_wide_default_is_the_callers_error() -> None:
    with pytest.raises(ValueError, match="currency"):
        read(ENGLISH, currency="RMB")
    with pytest.raises(ValueError, match="id_source"):
        read(ENGLISH, id_source="society")


def test_an_empty_file_is_refused() -> None:
    assert [r.reason for r in rejections(read(b""))] == [R.MALFORMED]


def test_the_documented_examples_read_as_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "usage-formats.md").read_text("utf-8")
    dmp = docs.split("its sample statement", 1)[1].split("```\n", 2)[1]
    (line,) = read(dmp, currency="EUR", territory="HR")
    assert isinstance(line, UsageLine) and (line.work_id, line.right, line.revenue_minor) == (
        "X126", "performance", 10051)
    chinese = docs.split("A Chinese statement", 1)[1].split("```\n", 2)[1]
    for encoding in ("utf-8", "gb18030"):
        got = [(x.right, x.territory, x.revenue_minor) for x in lines(read(chinese.encode(encoding)))]
        assert got == [("performance", "CN", 1234), ("mechanical", "HK", -100)]
