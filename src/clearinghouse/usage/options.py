"""What a submitter tells a reader that its file does not say: a society statement's currency,
territory and right (for a statement without those columns) and a DSR file's currency (where a
summary record gives none). Checked when the report is submitted, so a bad option is the
caller's 422 and never a landing that fails; and a DSR file is read as the reporting platform's
own (`channel=`), so a file naming another platform is foreign content."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from clearinghouse.core import money
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.usage.domain import ReporterScope
from clearinghouse.usage.formats.society_columns import RIGHTS, right_of
from clearinghouse.usage.formats.text_input import country_code, currency_code
from clearinghouse.usage.records import ReportFormat


@dataclass(frozen=True)
class ReadOptions:
    currency: str | None = None
    territory: str | None = None
    right: str | None = None

    def given(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value is not None}


ACCEPTED: dict[ReportFormat, frozenset[str]] = {
    ReportFormat.SOCIETY: frozenset({"currency", "territory", "right"}),
    ReportFormat.DSR: frozenset({"currency"}),
}


def check_options(fmt: ReportFormat, options: ReadOptions, today: date) -> ReadOptions:
    """The options in their stored form; ValidationFailed names the first bad one."""
    accepted = ACCEPTED.get(fmt, frozenset())
    for name in options.given():
        if name not in accepted:
            raise ValidationFailed(f"{name} is an option of "
                                   f"{' and '.join(f for f, names in ACCEPTED.items() if name in names)} "
                                   f"reports, not of {fmt}", field=name)
    currency = territory = right = None
    if options.currency is not None:
        try:
            currency = currency_code(options.currency, today)
        except money.MoneyError as exc:
            raise ValidationFailed(f"currency {options.currency!r}: {exc}", field="currency") from None
    if options.territory is not None:
        territory = country_code(options.territory)
        if territory is None:
            raise ValidationFailed(f"territory {options.territory!r} is not an ISO 3166-1 country code "
                                   "(CN, HK, US, …)", field="territory")
    if options.right is not None:
        right = right_of(options.right)
        if right is None:
            raise ValidationFailed(f"right {options.right!r} is not one of {', '.join(RIGHTS)}",
                                   field="right")
    return ReadOptions(currency, territory, right)


def reader_arguments(fmt: ReportFormat, options: ReadOptions, scope: ReporterScope) -> dict[str, Any]:
    """The keyword arguments the format's reader takes besides the period and today."""
    arguments: dict[str, Any] = dict(options.given())
    if fmt is ReportFormat.DSR and scope.is_platform and len(scope.own_platforms) == 1:
        arguments["channel"] = next(iter(scope.own_platforms))
    return arguments
