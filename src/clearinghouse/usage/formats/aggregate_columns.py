"""The columns of an aggregated usage report (CSV or JSON Lines) and the checks of one line.

Column names are English (docs/usage.md); the obvious Chinese headers and a few English variants
are accepted through `ALIASES`. A line becomes a `UsageLine` or a `Rejection` naming the first
field at fault; nothing is dropped without a reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clearinghouse.core import platforms
from clearinghouse.core.identifiers import InvalidIdentifier, normalize_identifier
from clearinghouse.core.money import MoneyError, check_circulating_currency
from clearinghouse.core.territories import ALL_COUNTRIES
from clearinghouse.licensing.terms import resolve_channel
from clearinghouse.usage.formats.text_input import ValueRefused, exact_minor_units, parse_decimal
from clearinghouse.usage.records import Rejection, RejectionReason, UsageKind, UsageLine

COLUMNS = ("date", "period", "platform_content_id", "license_id", "work_id", "isrc", "iswc",
           "territory", "channel", "plays", "unique_viewers", "copies", "revenue",
           "revenue_minor", "currency")
IDENTIFIER_COLUMNS = ("license_id", "work_id", "isrc", "iswc", "platform_content_id")
# Header → column. Matched after NFKC, case folding and trimming (see `column_for`).
ALIASES: dict[str, str] = {
    "licence_id": "license_id", "licence": "license_id", "license": "license_id",
    "content_id": "platform_content_id", "video_id": "platform_content_id",
    "country": "territory", "region": "territory", "platform": "channel",
    "views": "plays", "streams": "plays", "uv": "unique_viewers", "viewers": "unique_viewers",
    "usage_date": "date", "day": "date",
    "日期": "date", "使用日期": "date", "期间": "period", "账期": "period", "结算期": "period",
    "内容id": "platform_content_id", "平台内容id": "platform_content_id", "视频id": "platform_content_id",
    "许可证号": "license_id", "许可编号": "license_id", "许可证id": "license_id",
    "作品id": "work_id", "作品编号": "work_id",
    "地区": "territory", "国家": "territory", "国家/地区": "territory",
    "渠道": "channel", "平台": "channel",
    "播放量": "plays", "播放次数": "plays", "独立观众": "unique_viewers", "独立访客": "unique_viewers",
    "观看人数": "unique_viewers", "复制数": "copies", "份数": "copies", "拷贝数": "copies",
    "收入": "revenue", "收益": "revenue", "金额": "revenue", "币种": "currency", "货币": "currency",
}
# Bounds beyond which a number is a mistake, not a busy month (documented in docs/usage.md).
MAX_COUNT = 10**12  # plays or copies on one line
MAX_VIEWERS = 10**10  # more than the world's people
MAX_REVENUE_MINOR = 10**15  # per line, in minor units
MAX_TEXT = 200  # an identifier or code
_DATE = re.compile(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})")
_PERIOD = re.compile(r"(\d{4})-?(\d{2})")


def column_for(header: str) -> str | None:
    key = unicodedata.normalize("NFKC", header).strip().lstrip("\ufeff").casefold()
    key = re.sub(r"[\s\-]+", "_", key)
    if key in COLUMNS:
        return key
    return ALIASES.get(key)


class Refused(Exception):
    def __init__(self, reason: RejectionReason, message: str, field: str | None) -> None:
        super().__init__(message)
        self.reason, self.message, self.field = reason, message, field


@dataclass
class LineChecker:
    """Checks lines of one report: its period, today, and the channels already resolved."""

    period: str
    today: date
    _channels: dict[str, str] = field(default_factory=dict)  # name → code
    _unknown_channels: dict[str, str] = field(default_factory=dict)  # name → why
    _currencies: dict[str, str] = field(default_factory=dict)  # as written → ISO code

    def __post_init__(self) -> None:
        year, month = (int(part) for part in self.period.split("-"))
        self.first = date(year, month, 1)
        self.last = date(year + month // 12, month % 12 + 1, 1)  # exclusive
        self.future_period = self.first > self.today

    def line(self, line_no: int, values: Mapping[str, Any], raw: str) -> UsageLine | Rejection:
        try:
            return self._line(line_no, values)
        except Refused as exc:
            return Rejection(line_no, exc.reason, exc.message, exc.field, raw[:Rejection.RAW_LIMIT])

    def _line(self, line_no: int, values: Mapping[str, Any]) -> UsageLine:
        text = {k: _text(k, v) for k, v in values.items()}
        usage_date = self._date(text.get("date"))
        self._period(text.get("period"), usage_date)
        ids = {k: text.get(k) for k in IDENTIFIER_COLUMNS}
        if not any(ids.values()):
            raise Refused(RejectionReason.MISSING_FIELD, "the line names no work: give license_id, "
                          "work_id, isrc, iswc or platform_content_id", "license_id")
        for scheme in ("isrc", "iswc"):
            if ids[scheme]:
                try:
                    ids[scheme] = normalize_identifier(scheme, ids[scheme] or "")[1]
                except InvalidIdentifier as exc:
                    raise Refused(RejectionReason.BAD_VALUE, f"{scheme}: {exc}", scheme) from None
        territory = self._territory(text.get("territory"))
        channel = self._channel(text.get("channel"))
        plays = _count(values, "plays", MAX_COUNT)
        copies = _count(values, "copies", MAX_COUNT)
        if plays is None and copies is None:
            raise Refused(RejectionReason.MISSING_FIELD, "give plays (or copies)", "plays")
        viewers = _count(values, "unique_viewers", MAX_VIEWERS)
        revenue, currency = self._revenue(values, text)
        kind = UsageKind.COPIES if plays is None else UsageKind.PLAYS
        return UsageLine(
            line_no=line_no, period=self.period, usage_date=usage_date, channel=channel,
            territory=territory, kind=kind, plays=plays or 0, copies=copies or 0,
            unique_viewers=viewers, revenue_minor=revenue, currency=currency,
            license_id=ids["license_id"], work_id=ids["work_id"], isrc=ids["isrc"],
            iswc=ids["iswc"], platform_content_id=ids["platform_content_id"])

    def _date(self, value: str | None) -> date | None:
        if value is None:
            if self.future_period:
                raise Refused(RejectionReason.FUTURE, f"the period {self.period} has not begun",
                              "period")
            return None
        try:  # ISO dates first: nearly every line has one
            day = date.fromisoformat(value) if len(value) == 10 and value[4] == "-" else None
        except ValueError:
            day = None
        if day is None and (match := _DATE.fullmatch(value)) is not None:
            try:
                day = date(*(int(g) for g in match.groups()))
            except ValueError:
                day = None
        if day is None:
            raise Refused(RejectionReason.BAD_VALUE, f"date {value!r} is not a date such as "
                          "2026-10-31", "date")
        if day > self.today:
            raise Refused(RejectionReason.FUTURE, f"date {day} is in the future", "date")
        if not self.first <= day < self.last:
            raise Refused(RejectionReason.OUTSIDE_PERIOD,
                          f"date {day} is outside the report's period {self.period}", "date")
        return day

    def _period(self, value: str | None, usage_date: date | None) -> None:
        if value is None:
            return
        match = _PERIOD.fullmatch(value)
        if match is None:
            raise Refused(RejectionReason.BAD_VALUE, f"period {value!r} is not YYYY-MM", "period")
        if f"{match[1]}-{match[2]}" != self.period:
            raise Refused(RejectionReason.OUTSIDE_PERIOD,
                          f"period {value} is not the report's period {self.period}", "period")

    @staticmethod
    def _territory(value: str | None) -> str:
        if value is None:
            raise Refused(RejectionReason.MISSING_FIELD, "territory is missing (a country code "
                          "such as CN)", "territory")
        code = value.upper()
        if code not in ALL_COUNTRIES:
            raise Refused(RejectionReason.UNKNOWN_TERRITORY, f"territory {value!r} is not an ISO "
                          "3166-1 country code such as CN or HK", "territory")
        return code

    def _channel(self, value: str | None) -> str | None:
        if value is None:
            return None
        # A report names few channels: each is resolved once.
        if value not in self._channels and value not in self._unknown_channels:
            try:
                self._channels[value] = str(resolve_channel(value))
            except platforms.UnknownPlatform as exc:
                self._unknown_channels[value] = str(exc)
        if value in self._unknown_channels:
            raise Refused(RejectionReason.UNKNOWN_CHANNEL, self._unknown_channels[value], "channel")
        return self._channels[value]

    def _revenue(self, values: Mapping[str, Any], text: Mapping[str, str | None]
                 ) -> tuple[int | None, str | None]:
        amount, minor = text.get("revenue"), values.get("revenue_minor")
        currency = text.get("currency")
        if amount is None and minor in (None, ""):
            return None, None
        if currency is None:
            raise Refused(RejectionReason.MISSING_FIELD, "revenue needs its currency", "currency")
        code = self._currencies.get(currency)
        if code is None:
            try:
                code = self._currencies[currency] = check_circulating_currency(currency, self.today)
            except MoneyError as exc:
                raise Refused(RejectionReason.UNKNOWN_CURRENCY, str(exc), "currency") from None
        if amount is not None:
            try:
                value = exact_minor_units(parse_decimal(amount, "revenue"), code)
            except ValueRefused as exc:
                raise Refused(RejectionReason.BAD_VALUE, f"revenue: {exc}" if "decimals" in str(exc)
                              else str(exc), "revenue") from None
            name = "revenue"
        else:
            value = _integer(minor, "revenue_minor")
            name = "revenue_minor"
        if value < 0:
            raise Refused(RejectionReason.NEGATIVE, f"{name} {value} is negative", name)
        if value > MAX_REVENUE_MINOR:
            raise Refused(RejectionReason.ABSURD, f"{name} is over {MAX_REVENUE_MINOR:,} minor "
                          "units on one line", name)
        return value, code


def _text(name: str, value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        if value is not None:
            raise Refused(RejectionReason.BAD_VALUE, f"{name} must be a single value", name)
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text) > MAX_TEXT and name in IDENTIFIER_COLUMNS + ("territory", "channel", "currency"):
        raise Refused(RejectionReason.BAD_VALUE, f"{name} is longer than {MAX_TEXT} characters",
                      name)
    return text


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise Refused(RejectionReason.BAD_VALUE, f"{name} must be a whole number", name)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise Refused(RejectionReason.BAD_VALUE, f"{name} {value} is not a whole number", name)
    text = str(value).strip()
    if text.isascii() and text.isdigit() and len(text) <= 19:
        return int(text)
    text = text.replace(",", "").replace("_", "")
    if not re.fullmatch(r"[+-]?\d{1,19}", text):
        raise Refused(RejectionReason.BAD_VALUE, f"{name} {value!r} is not a whole number", name)
    return int(text)


def _count(values: Mapping[str, Any], name: str, bound: int) -> int | None:
    value = values.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _integer(value, name)
    if number < 0:
        raise Refused(RejectionReason.NEGATIVE, f"{name} {number} is negative", name)
    if number > bound:
        raise Refused(RejectionReason.ABSURD, f"{name} {number:,} is over {bound:,} on one line",
                      name)
    return number
