"""Reading a deal-flow CSV (columns month, company, business, category, round, amount_text,
investors — the shape of the 2017 report's table): every line checked, every problem reported
with its line and column, and nothing imported unless all of it reads."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from clearinghouse.analytics.deals.domain import (
    CATEGORY_ALIASES,
    AmountError,
    Conventions,
    Deal,
    canonical_round,
    parse_amount,
)

MAX_BYTES = 1_000_000
MAX_ROWS = 10_000
MAX_PROBLEMS = 100  # shown; the count says how many there were
REQUIRED = ("month", "company", "category", "round", "amount_text")
OPTIONAL = ("business", "investors")
LIMITS = {"company": 200, "business": 300, "round": 40, "amount_text": 60, "investors": 1000}
_MONTH = re.compile(r"^(19[89]\d|20\d\d)-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Problem:
    line: int  # 1 is the header
    field: str | None
    message: str


@dataclass(frozen=True)
class ReadDeals:
    deals: list[Deal]
    problems: list[Problem]
    problem_count: int


def read_deals(data: bytes) -> ReadDeals:
    """UTF-8 (a byte-order mark is fine). Limits: MAX_BYTES and MAX_ROWS."""
    if len(data) > MAX_BYTES:
        return _fail(Problem(0, None, f"the file is over {MAX_BYTES} bytes"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _fail(Problem(0, None, f"the file is not UTF-8 (byte {exc.start})"))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return _fail(Problem(1, None, "missing columns: " + ", ".join(missing)))
    reader.fieldnames = header
    deals: list[Deal] = []
    problems: list[Problem] = []
    count = 0
    for row in reader:
        line = reader.line_num
        if len(deals) + count >= MAX_ROWS:
            return _fail(Problem(line, None, f"more than {MAX_ROWS} deals in one file"))
        if None in row:
            problems.append(Problem(line, None, "more cells than columns"))
            count += 1
            continue
        deal, found = _deal(row, line)
        if found:
            problems.extend(found)
            count += 1
        elif deal is not None:
            deals.append(deal)
    if not deals and not problems:
        problems.append(Problem(1, None, "the file has no deals"))
    return ReadDeals(deals if not problems else [], problems[:MAX_PROBLEMS], len(problems))


def _deal(row: dict[str, str | None], line: int) -> tuple[Deal | None, list[Problem]]:
    values = {k: (row.get(k) or "").strip() for k in (*REQUIRED, *OPTIONAL)}
    if not any(values.values()):
        return None, []  # a blank line
    found = [Problem(line, k, f"{k} is empty") for k in REQUIRED if not values[k]
             and k != "amount_text"]
    found += [Problem(line, k, f"{k} is longer than {n} characters")
              for k, n in LIMITS.items() if len(values[k]) > n]
    if values["month"] and not _MONTH.match(values["month"]):
        found.append(Problem(line, "month", f"{values['month']!r} is not a month as YYYY-MM"))
    category = CATEGORY_ALIASES.get(values["category"].casefold())
    if values["category"] and category is None:
        found.append(Problem(line, "category", f"{values['category']!r} is not content, app or "
                                               "service"))
    try:
        parse_amount(values["amount_text"], Conventions())
    except AmountError as exc:
        found.append(Problem(line, "amount_text", str(exc)))
    if found or category is None:
        return None, found
    return Deal(month=values["month"], company=values["company"], business=values["business"],
                category=category, round=canonical_round(values["round"]),
                amount_text=values["amount_text"], investors=values["investors"]), []


def _fail(problem: Problem) -> ReadDeals:
    return ReadDeals([], [problem], 1)
