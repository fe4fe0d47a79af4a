"""What the text formats share: reading bytes as lines in UTF-8 or GB18030, decimal money, codes.

Pure and streaming: the encoding is decided from the first block of the file (a UTF-8 byte-order
mark, else whether that block is valid UTF-8, else GB18030, which also reads GBK and GB2312), then
the file is decoded lazily. Bytes that are not valid in the chosen encoding are kept as lone
surrogates (``surrogateescape``) so that the one line holding them is refused with a reason
instead of the whole file failing or the bytes being dropped.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import BinaryIO

from clearinghouse.core import money
from clearinghouse.core.identifiers import normalize_identifier
from clearinghouse.core.territories import ALL_COUNTRIES
from clearinghouse.usage.records import Rejection

SNIFF_BYTES = 64 * 1024
READ_BYTES = 64 * 1024
UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
GB18030 = "gb18030"

# Plain decimals only: no exponents, no thousands separators (1,234 is 1.234 in half the world).
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")
_PERIOD = re.compile(r"(\d{4})-(\d{2})")
_UNDECODABLE = re.compile("[\udc80-\udcff]")


class ValueRefused(ValueError):
    """A cell that does not parse; the message names what was expected."""


def detect_encoding(head: bytes) -> str:
    """The encoding of a file starting with `head`: UTF-8 (`utf-8-sig`, which skips a byte-order
    mark and reads a file without one alike) when `head` is valid UTF-8, else GB18030."""
    if head.startswith(codecs.BOM_UTF8):
        return UTF8_SIG
    try:
        # final=False: a multi-byte character cut by the end of the sample is not an error.
        codecs.getincrementaldecoder(UTF8)().decode(head, final=False)
        return UTF8_SIG
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder(GB18030)().decode(head, final=False)
        return GB18030
    except UnicodeDecodeError:
        return UTF8_SIG  # neither: read as UTF-8 so each bad line is refused on its own


def text_lines(source: BinaryIO, encoding: str | None = None) -> Iterator[str]:
    """The file's lines, decoded, each with its ``\\n`` (a ``\\r`` before it stays).

    Only LF ends a line (not U+2028 or a form feed inside a title), so line numbers are the ones
    a text editor shows. Memory is one read block plus the longest line, whatever the file's size.
    """
    head = source.read(SNIFF_BYTES)
    chosen = encoding or detect_encoding(head)
    decoder = codecs.getincrementaldecoder(chosen)(errors="surrogateescape")
    pending = ""
    chunk, head = head, b""
    while chunk:
        pending += decoder.decode(chunk)
        start = 0  # one line at a time: a list of a block's lines would cost more than the block
        while (end := pending.find("\n", start)) != -1:
            yield pending[start : end + 1]
            start = end + 1
        pending = pending[start:]
        chunk = source.read(READ_BYTES)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def undecodable(text: str) -> bool:
    """True when `text` holds bytes the file's encoding could not decode."""
    return _UNDECODABLE.search(text) is not None


def cut_raw(text: str) -> str:
    """The line as a rejection keeps it: cut, and undecodable bytes shown as U+FFFD (Parquet and
    the database store only valid Unicode)."""
    return _UNDECODABLE.sub("\ufffd", text.rstrip("\r\n")[: Rejection.RAW_LIMIT])


def parse_decimal(text: str, what: str) -> Decimal:
    cell = text.strip()
    if not _DECIMAL.fullmatch(cell):
        raise ValueRefused(f"{what} {cell!r} is not a decimal number (write it like 1234.56)")
    return Decimal(cell)


def parse_int(text: str, what: str) -> int:
    cell = text.strip()
    if not _INTEGER.fullmatch(cell):
        raise ValueRefused(f"{what} {cell!r} is not a whole number")
    return int(cell)


def exact_minor_units(amount: Decimal, currency: str) -> int:
    """`amount` of `currency` in minor units, refused (`ValueRefused`) when it has more decimals
    than the currency has: a reported revenue is never rounded."""
    scaled = amount.scaleb(money.currency_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueRefused(f"{amount} has more decimals than {currency} allows")
    return int(scaled)


def minor_units(amount: Decimal, currency: str) -> int:
    """`amount` of `currency` in whole minor units, rounded half to even (CLDR's digits)."""
    return money.round_half_even(amount.scaleb(money.currency_exponent(currency)))


@lru_cache(maxsize=1024)  # a report names few currencies, countries and works, many times over
def currency_code(text: str, on: date) -> str:
    """An ISO 4217 code in circulation on `on`; `money.MoneyError` otherwise."""
    return money.check_circulating_currency(text.strip().upper(), on)


@lru_cache(maxsize=1024)
def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code `text` is, upper-cased, or None."""
    code = text.strip().upper()
    return code if code in ALL_COUNTRIES else None


@lru_cache(maxsize=65536)
def identifier(scheme: str, text: str) -> str:
    """The stored form of an ISRC or ISWC (`InvalidIdentifier` if it is none)."""
    return normalize_identifier(scheme, text)[1]


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a YYYY-MM period."""
    found = _PERIOD.fullmatch(period)
    if not found:
        raise ValueRefused(f"period {period!r} is not YYYY-MM")
    year, month = int(found[1]), int(found[2])
    if not 1 <= month <= 12:
        raise ValueRefused(f"period {period!r} has no month {month}")
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


class Replayed(io.RawIOBase):
    """A non-seekable source with its first chunk put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        chunk = self._rest.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)
