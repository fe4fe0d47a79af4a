"""The event-log reader: CSV (with a header row) or JSON Lines, UTF-8 or GB18030/GBK, one event a
line, streamed. Each line becomes an `Event` or a `records.Rejection` naming the field and value.

Columns (CSV header names = JSON keys): device_id, event_time (ISO 8601 with its offset, e.g.
2026-10-03T20:15:00+08:00), event_type (`events.EventType`), watch_seconds, territory, province,
age_band, gender, channel (a platform code or alias), platform_content_id, work_id, isrc,
license_id, content_seconds. A quoted CSV field may not span lines (one event, one line).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import BinaryIO, Literal

from clearinghouse.core import platforms
from clearinghouse.core.identifiers import InvalidIdentifier, normalize_identifier
from clearinghouse.core.territories import ALL_COUNTRIES
from clearinghouse.usage.cleaning.events import CONTENT_EVENTS, Event, EventType
from clearinghouse.usage.records import Rejection, RejectionReason

LogFormat = Literal["csv", "jsonl"]
COLUMNS = ("device_id", "event_time", "event_type", "watch_seconds", "territory", "province",
           "age_band", "gender", "channel", "platform_content_id", "work_id", "isrc", "license_id",
           "content_seconds")
REQUIRED = ("device_id", "event_time", "event_type", "territory", "channel")
TEXT_MAX = 200  # longest id or label a line may carry
SNIFF_BYTES = 1 << 16


class _Refused(Exception):
    def __init__(self, reason: RejectionReason, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.reason, self.message, self.field = reason, message, field


def sniff_encoding(head: bytes) -> str:
    """UTF-8 when the file's first bytes are UTF-8 (a character cut at the end allowed), else GB18030
    (a superset of GBK, which Chinese platforms' exports use)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return "gb18030"
    return "utf-8"


def read_event_log(source: BinaryIO, *, fmt: LogFormat, period: str, today: date) -> Iterator[Event | Rejection]:
    """The log's events in order, each an `Event` or a `Rejection`; `period` is YYYY-MM."""
    peek = getattr(source, "peek", None)
    head = peek(SNIFF_BYTES)[:SNIFF_BYTES] if peek else b""
    encoding = sniff_encoding(head) if head else "utf-8-sig"
    header: list[str] | None = None
    lookups = _Lookups()
    for line_no, raw in enumerate(source, start=1):
        try:
            text = raw.decode(encoding).rstrip("\r\n").lstrip("\ufeff")
        except UnicodeDecodeError:
            if encoding == "gb18030":
                yield _rejection(line_no, RejectionReason.MALFORMED, "line is neither UTF-8 nor GB18030 text", raw)
                continue
            encoding = "gb18030"  # the start of the file was ASCII: this is the first Chinese line
            text = raw.decode(encoding, errors="replace").rstrip("\r\n")
        if not text.strip():
            continue
        if fmt == "csv" and header is None:
            header = [h.strip() for h in next(csv.reader([text]))]
            if missing := [c for c in REQUIRED if c not in header]:
                yield _rejection(line_no, RejectionReason.MISSING_FIELD,
                                 f"the header lacks the column(s) {', '.join(missing)}", raw)
                return
            continue
        try:
            fields = _fields(text, fmt, header or [])
            yield _event(line_no, fields, period, today, lookups)
        except _Refused as refused:
            if not raw.endswith(b"\n"):  # the last line, cut short: say so rather than blame a field
                yield _rejection(line_no, RejectionReason.TRUNCATED,
                                 f"the file ends in the middle of this line ({refused.message})", raw, refused.field)
            else:
                yield _rejection(line_no, refused.reason, refused.message, raw, refused.field)


def _rejection(line_no: int, reason: RejectionReason, message: str, raw: bytes,
               field: str | None = None) -> Rejection:
    text = raw.decode("utf-8", errors="replace").rstrip("\r\n")[:Rejection.RAW_LIMIT]
    return Rejection(line_no=line_no, reason=reason, message=message, field=field, raw=text)


def _fields(text: str, fmt: LogFormat, header: list[str]) -> dict[str, str]:
    if fmt == "csv":
        values = next(csv.reader([text]))
        if len(values) != len(header):
            raise _Refused(RejectionReason.MALFORMED,
                           f"{len(values)} fields where the header has {len(header)}")
        return {k: v.strip() for k, v in zip(header, values, strict=True) if k in COLUMNS}
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise _Refused(RejectionReason.MALFORMED, f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise _Refused(RejectionReason.MALFORMED, "a line should be a JSON object")
    return {k: "" if v is None else str(v).strip() for k, v in obj.items() if k in COLUMNS}


def _text(fields: dict[str, str], name: str) -> str | None:
    value = fields.get(name) or None
    if value is not None and len(value) > TEXT_MAX:
        raise _Refused(RejectionReason.BAD_VALUE, f"{name} is longer than {TEXT_MAX} characters", name)
    return value


def _seconds(fields: dict[str, str], name: str) -> int | None:
    value = fields.get(name)
    if not value:
        return None
    if value.isdigit() and len(value) < 10:  # the usual case, without Decimal's cost
        return int(value)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _Refused(RejectionReason.BAD_VALUE, f"{name} {value!r} is not a number of seconds", name) from None
    if not number.is_finite() or abs(number) > 10**9:
        raise _Refused(RejectionReason.ABSURD, f"{name} {value!r} is not a real number of seconds", name)
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _event_time(value: str, period: str, today: date) -> tuple[datetime, date]:  # period: YYYY-MM
    try:
        written = datetime.fromisoformat(value)
    except ValueError:
        raise _Refused(RejectionReason.BAD_VALUE, f"event_time {value!r} is not ISO 8601",
                       "event_time") from None
    if written.tzinfo is None:
        raise _Refused(RejectionReason.BAD_VALUE,
                       f"event_time {value!r} has no offset (write e.g. +08:00 or Z)", "event_time")
    local_day = written.date()
    if local_day > today:
        raise _Refused(RejectionReason.FUTURE, f"event_time {value!r} is after today", "event_time")
    if (local_day.year, local_day.month) != (int(period[:4]), int(period[5:7])):
        raise _Refused(RejectionReason.OUTSIDE_PERIOD,
                       f"event_time {value!r} is outside the report's period {period}", "event_time")
    return written.astimezone(UTC), local_day


class _Lookups:
    """Channel codes and ISRCs already resolved in this log (a log names few of each, many times)."""

    LIMIT = 100_000  # entries kept per kind, so memory stays bounded on a log of unique ISRCs

    def __init__(self) -> None:
        self.channels: dict[str, str] = {}
        self.isrcs: dict[str, str] = {}

    def channel(self, name: str) -> str:
        code = self.channels.get(name)
        if code is None:
            try:
                code = platforms.current().resolve(name)
            except platforms.UnknownPlatform as exc:
                raise _Refused(RejectionReason.UNKNOWN_CHANNEL, str(exc), "channel") from None
            self._keep(self.channels, name, code)
        return code

    def isrc(self, value: str) -> str:
        normal = self.isrcs.get(value)
        if normal is None:
            try:
                normal = normalize_identifier("isrc", value)[1]
            except InvalidIdentifier as exc:
                raise _Refused(RejectionReason.BAD_VALUE, str(exc), "isrc") from None
            self._keep(self.isrcs, value, normal)
        return normal

    def _keep(self, cache: dict[str, str], key: str, value: str) -> None:
        if len(cache) >= self.LIMIT:
            cache.clear()
        cache[key] = value


def _event(line_no: int, fields: dict[str, str], period: str, today: date, lookups: _Lookups) -> Event:
    for name in REQUIRED:
        if not fields.get(name):
            raise _Refused(RejectionReason.MISSING_FIELD, f"{name} is missing", name)
    try:
        event_type = EventType(fields["event_type"].lower())
    except ValueError:
        known = ", ".join(t.value for t in EventType)
        raise _Refused(RejectionReason.BAD_VALUE,
                       f"event_type {fields['event_type']!r} is not one of {known}", "event_type") from None
    event_time, event_date = _event_time(fields["event_time"], period, today)
    territory = fields["territory"].upper()
    if territory not in ALL_COUNTRIES:
        raise _Refused(RejectionReason.UNKNOWN_TERRITORY,
                       f"territory {fields['territory']!r} is not an ISO 3166-1 country code", "territory")
    province = (_text(fields, "province") or "").upper() or None
    if province is not None and not province.startswith(f"{territory}-"):
        raise _Refused(RejectionReason.BAD_VALUE,
                       f"province {province!r} is not a subdivision of {territory} (e.g. {territory}-XX)",
                       "province")
    channel = lookups.channel(fields["channel"])
    isrc = _text(fields, "isrc")
    if isrc is not None:
        isrc = lookups.isrc(isrc)
    content = (_text(fields, "platform_content_id"), _text(fields, "work_id"), isrc)
    if event_type in CONTENT_EVENTS and not any(content):
        raise _Refused(RejectionReason.MISSING_FIELD,
                       f"a {event_type.value} event names no content (platform_content_id, work_id or isrc)",
                       "platform_content_id")
    content_seconds = _seconds(fields, "content_seconds")
    if content_seconds is not None and content_seconds <= 0:
        raise _Refused(RejectionReason.BAD_VALUE, "content_seconds should be positive", "content_seconds")
    return Event(
        line_no=line_no, device_id=_text(fields, "device_id") or "", event_time=event_time,
        event_date=event_date, event_type=event_type, watch_seconds=_seconds(fields, "watch_seconds") or 0,
        territory=territory, province=province, age_band=_text(fields, "age_band"),
        gender=_text(fields, "gender"), channel=channel, platform_content_id=content[0],
        work_id=content[1], isrc=content[2], license_id=_text(fields, "license_id"),
        content_seconds=content_seconds,
    )
