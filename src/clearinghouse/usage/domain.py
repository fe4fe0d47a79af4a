"""Usage reports, pure: their states, the period a report covers, the totals of its lines, and
which lines a reporter may report (its own platforms, its own licences)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from clearinghouse.usage.records import Rejection, RejectionReason, UsageLine


class ReportStatus(StrEnum):
    RECEIVED = "received"  # recorded, its landing not begun
    LANDING = "landing"  # being read into the lake; counts for nothing yet
    LANDED = "landed"  # its lake files count
    FAILED = "failed"  # the landing stopped (a crash, an unreadable file); sending it again redoes it
    SUPERSEDED = "superseded"  # a correction replaced it; its files no longer count
    QUARANTINED = "quarantined"  # the file ended early (truncated): nothing lands; its rejections say why


# A report in these states may be landed again from scratch by sending the same bytes.
REDOABLE = frozenset({ReportStatus.RECEIVED, ReportStatus.LANDING, ReportStatus.FAILED})
REPORTING_ROLES = ("platform", "licensee", "operator")
_PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def check_period(period: str, today: date) -> str | None:
    """Why `period` is no report period (None when it is one): YYYY-MM, not after this month."""
    match = _PERIOD.fullmatch(period)
    if match is None:
        return f"period {period!r} must be a month as YYYY-MM, e.g. 2026-10"
    if (int(match[1]), int(match[2])) > (today.year, today.month):
        return f"period {period} has not begun: usage is reported for past or current months"
    return None


@dataclass
class ReportTotals:
    """What a report's lines add up to: counts, plays, copies, revenue per currency."""

    accepted: int = 0
    rejected: int = 0
    plays: int = 0
    copies: int = 0
    revenue: Counter[str] = field(default_factory=Counter)  # currency → minor units
    reasons: Counter[str] = field(default_factory=Counter)  # rejection reason → lines

    def add(self, item: UsageLine | Rejection) -> None:
        if isinstance(item, Rejection):
            self.rejected += 1
            self.reasons[item.reason.value] += 1
            return
        self.accepted += 1
        self.plays += item.plays
        self.copies += item.copies
        if item.revenue_minor is not None and item.currency:
            self.revenue[item.currency] += item.revenue_minor

    @property
    def read(self) -> int:
        return self.accepted + self.rejected

    @property
    def truncated(self) -> bool:
        """The file ended early (a cut upload, a DSR file without its footer): none of it may count,
        since what is missing cannot be told apart from use that did not happen."""
        return self.reasons[RejectionReason.TRUNCATED.value] > 0

    def as_json(self) -> dict[str, Any]:
        return {"plays": self.plays, "copies": self.copies,
                "revenue": dict(sorted(self.revenue.items())),
                "rejections": dict(sorted(self.reasons.items()))}


@dataclass(frozen=True)
class ReporterScope:
    """What one reporter may report. The operator reporting for itself may report anything; a
    platform reports use on its own platforms (another platform's channel is foreign content);
    any other reporter (a licensee) reports use under its own licences."""

    reporter_id: str
    unrestricted: bool
    is_platform: bool
    own_platforms: frozenset[str] = frozenset()  # platform codes linked to the reporter's party
    all_platforms: frozenset[str] = frozenset()  # every platform code

    def screen(self, line: UsageLine, licensees: dict[str, str]) -> UsageLine | Rejection:
        """The line as reported, or a FOREIGN_CONTENT rejection; `licensees` maps the licence ids
        the lines name to their licensee (absent: no such licence)."""
        if self.unrestricted:
            return line
        if self.is_platform:
            if line.channel is None and len(self.own_platforms) == 1:
                return replace(line, channel=next(iter(self.own_platforms)))
            if line.channel in self.all_platforms and line.channel not in self.own_platforms:
                return Rejection(line.line_no, RejectionReason.FOREIGN_CONTENT,
                                 f"channel {line.channel} is another platform's: a platform "
                                 "reports use on its own platforms only", "channel")
            return line
        if line.license_id is not None and licensees.get(line.license_id) != self.reporter_id:
            return Rejection(line.line_no, RejectionReason.FOREIGN_CONTENT,
                             f"licence {line.license_id} is not one of yours: a licensee reports "
                             "use under its own licences only", "license_id")
        return line
