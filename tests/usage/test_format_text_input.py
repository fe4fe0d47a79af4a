"""What both statement readers rely on: encoding detection, line splitting across read blocks, money."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from clearinghouse.core.money import MoneyError
from clearinghouse.usage.formats.text_input import (
    READ_BYTES,
    SNIFF_BYTES,
    ValueRefused,
    currency_code,
    detect_encoding,
    minor_units,
    parse_decimal,
    period_bounds,
    text_lines,
)


def test_a_utf8_character_cut_by_the_sniffed_block_is_still_utf8() -> None:
    data = b"a" * (SNIFF_BYTES - 1) + "月".encode()  # the block ends inside the character
    assert detect_encoding(data[:SNIFF_BYTES]) == "utf-8-sig"  # utf-8-sig reads a file without a BOM alike


def test_gbk_bytes_are_read_as_gb18030_and_a_bom_as_utf8() -> None:
    assert detect_encoding("作品编号,金额\n".encode("gbk")) == "gb18030"
    assert detect_encoding(b"\xef\xbb\xbfWork ID\n") == "utf-8-sig"


def test_lines_split_across_read_blocks_come_back_whole_with_their_numbers() -> None:
    rows = [f"{n},{'月' * (n % 7)},{'x' * (n % 300)}\r\n" for n in range(40_000)]
    data = "".join(rows).encode()
    assert len(data) > SNIFF_BYTES + 3 * READ_BYTES
    assert list(text_lines(io.BytesIO(data))) == rows  # CRLF kept: the readers strip it


def test_only_lf_ends_a_line() -> None:
    got = list(text_lines(io.BytesIO("a\u2028b\x0cc\nd".encode())))
    assert got == ["a\u2028b\x0cc\n", "d"]


@pytest.mark.parametrize("text", ["1e3", "1,234.00", "NaN", "Infinity", "", "--1", "1.2.3", "0x10"])
def test_only_plain_decimals_are_money(text: str) -> None:
    with pytest.raises(ValueRefused):
        parse_decimal(text, "amount")


def test_minor_units_round_half_to_even_by_the_currencys_digits() -> None:
    assert [minor_units(Decimal(v), c) for v, c in [("0.005", "CNY"), ("0.015", "CNY"), ("2.5", "JPY"),
                                                    ("0.0005", "BHD"), ("-0.125", "USD")]] == [0, 2, 2, 0, -12]


def test_currencies_must_circulate() -> None:
    assert currency_code(" cny ", date(2026, 11, 30)) == "CNY"
    for code in ("XAU", "XXX", "DEM", "RMB"):
        with pytest.raises(MoneyError):
            currency_code(code, date(2026, 11, 30))


def test_period_bounds() -> None:
    assert period_bounds("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_bounds("2028-02") == (date(2028, 2, 1), date(2028, 2, 29))
    with pytest.raises(ValueRefused):
        period_bounds("2026-13")
