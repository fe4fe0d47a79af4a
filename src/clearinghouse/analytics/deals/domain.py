"""Deal records and the report's conventions for their amounts. Pure: text in, Decimals out.

The 2017 report counts vague amounts by convention — "数百万" (several million) as 1,000,000 and
"数千万" (tens of millions) as 10,000,000 — and converts USD at 6.6 CNY. Those numbers are data,
not code: `Conventions` carries them, each summary says which it used, and an undisclosed amount
(未透露) counts as an event with no money rather than as zero.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import StrEnum

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e13")  # ten trillion: no deal is larger; a bigger number is a typo


class Category(StrEnum):
    CONTENT = "content"  # 内容机构: studios and MCNs making short video
    APP = "app"  # 应用: shooting, editing and viewing apps
    SERVICE = "service"  # 服务: analytics, distribution, recruiting and other services


CATEGORY_ALIASES = {"content": Category.CONTENT, "内容": Category.CONTENT, "内容机构": Category.CONTENT,
                    "app": Category.APP, "应用": Category.APP, "service": Category.SERVICE,
                    "服务": Category.SERVICE}

# The rounds in the order a chart reads them; any other round is kept as written, after these.
ROUND_ORDER = ("种子轮", "天使轮", "Pre-A轮", "A轮", "A+轮", "Pre-B轮", "B轮", "B+轮", "C轮", "C+轮",
               "D轮", "E轮", "Pre-IPO", "IPO", "战略投资", "并购")
_ROUND_KEYS = {r.casefold(): r for r in ROUND_ORDER}

UNDISCLOSED = frozenset({"", "未透露", "未披露", "不详", "undisclosed", "n/a"})


class AmountError(ValueError):
    """An amount the conventions cannot read; the message says what was expected."""


@dataclass(frozen=True)
class Conventions:
    """How vague amounts and foreign currency count. Defaults are the 2017 report's."""

    several_hundred_thousand: Decimal = Decimal(100_000)  # 数十万
    several_million: Decimal = Decimal(1_000_000)  # 数百万
    tens_of_millions: Decimal = Decimal(10_000_000)  # 数千万
    hundreds_of_millions: Decimal = Decimal(100_000_000)  # 数亿
    usd_cny: Decimal = Decimal("6.6")  # CNY per USD

    def vague(self) -> dict[str, Decimal]:
        return {"数十万": self.several_hundred_thousand, "数百万": self.several_million,
                "数千万": self.tens_of_millions, "数亿": self.hundreds_of_millions}


@dataclass(frozen=True)
class Amount:
    value: Decimal  # in `currency`'s major unit
    currency: str  # CNY or USD
    estimated: bool  # a vague amount counted by convention

    def in_cny(self, conventions: Conventions) -> Decimal:
        return self.value * conventions.usd_cny if self.currency == "USD" else self.value


_CURRENCIES = (("美元", "USD"), ("usd", "USD"), ("人民币", "CNY"), ("元", "CNY"), ("cny", "CNY"),
               ("rmb", "CNY"))
_UNITS = {"亿": Decimal(100_000_000), "万": Decimal(10_000), "": Decimal(1)}
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)\s*(亿|万)?$")


def parse_amount(text: str, conventions: Conventions) -> Amount | None:
    """`数百万美元` → 1,000,000 USD (estimated); `1.47亿人民币` → 147,000,000 CNY; `未透露` → None."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    if cleaned.casefold() in UNDISCLOSED:
        return None
    currency = "CNY"  # the report's amounts without a currency word are in 元
    lowered = cleaned.casefold()
    for word, code in _CURRENCIES:
        if lowered.endswith(word):
            cleaned, currency = cleaned[: len(cleaned) - len(word)].strip(), code
            break
    estimated = False
    for prefix in ("近", "超", "约", "逾"):  # "nearly", "over", "about": counted as the number
        if cleaned.startswith(prefix):
            cleaned, estimated = cleaned[1:], True
    if cleaned in conventions.vague():
        return Amount(conventions.vague()[cleaned], currency, True)
    match = _NUMBER.match(cleaned)
    if match is None:
        raise AmountError(f"{text!r} is not an amount: write e.g. 600万人民币, 1.47亿人民币, "
                          "数千万元, 4000万美元 or 未透露")
    try:
        value = Decimal(match.group(1)) * _UNITS[match.group(2) or ""]
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise AmountError(f"{text!r} is not a number") from exc
    if value <= 0 or value > MAX_AMOUNT:
        raise AmountError(f"{text!r} is out of range (above 0, at most {MAX_AMOUNT:,.0f})")
    return Amount(value, currency, estimated)


def canonical_round(text: str) -> str:
    """`PRE-A轮` and `pre-a轮` are the report's `Pre-A轮`; an unknown round is kept as written."""
    cleaned = text.strip()
    return _ROUND_KEYS.get(cleaned.casefold(), cleaned)


def round_rank(name: str) -> tuple[int, str]:
    return (ROUND_ORDER.index(name), "") if name in ROUND_ORDER else (len(ROUND_ORDER), name)


@dataclass(frozen=True)
class Deal:
    """One investment event, as imported (the amount stays text: conventions apply when read)."""

    month: str  # YYYY-MM
    company: str
    business: str
    category: Category
    round: str
    amount_text: str
    investors: str


@dataclass
class Tally:
    events: int = 0
    disclosed: int = 0  # events with an amount
    estimated: int = 0  # of those, amounts counted by convention
    cny: Decimal = Decimal(0)

    def add(self, amount: Amount | None, conventions: Conventions) -> None:
        self.events += 1
        if amount is not None:
            self.disclosed += 1
            self.estimated += amount.estimated
            self.cny += amount.in_cny(conventions)

    def usd(self, conventions: Conventions) -> Decimal:
        return (self.cny / conventions.usd_cny).quantize(CENT, ROUND_HALF_EVEN)


@dataclass
class DealSummary:
    conventions: Conventions
    total: Tally = field(default_factory=Tally)
    by_month: dict[str, Tally] = field(default_factory=dict)
    by_round: dict[str, Tally] = field(default_factory=dict)
    by_category: dict[Category, Tally] = field(default_factory=dict)

    def headline_hundred_millions(self) -> int:
        """The report's "估算吸金超N亿元": whole 亿 (100 million CNY) the estimate is above."""
        return int(self.total.cny // Decimal(100_000_000))


def summarize(deals: Iterable[Deal], conventions: Conventions) -> DealSummary:
    summary = DealSummary(conventions)
    for deal in deals:
        amount = parse_amount(deal.amount_text, conventions)
        for tally in (summary.total, summary.by_month.setdefault(deal.month, Tally()),
                      summary.by_round.setdefault(deal.round, Tally()),
                      summary.by_category.setdefault(deal.category, Tally())):
            tally.add(amount, conventions)
    summary.by_month = dict(sorted(summary.by_month.items()))
    summary.by_round = dict(sorted(summary.by_round.items(), key=lambda kv: round_rank(kv[0])))
    summary.by_category = {c: summary.by_category[c] for c in Category if c in summary.by_category}
    return summary


def months_of_quarter(quarter: str) -> Sequence[str]:
    """`2017Q3` → 2017-07, 2017-08, 2017-09."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", quarter)
    if match is None:
        raise ValueError(f"{quarter!r} is not a quarter such as 2017Q3")
    year, q = match.group(1), int(match.group(2))
    return [f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


def count_by(deals: Iterable[Deal], key: str) -> Counter[str]:
    return Counter(str(getattr(d, key)) for d in deals)
