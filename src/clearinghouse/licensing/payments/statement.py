"""A bank statement (CSV) read whole and checked before anything is written. Pure: no database.

Columns (the header row names them; order free, other columns ignored):
  date      交易日期 / 日期 / value date / booking date   YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD
  amount    金额 / 交易金额 / 收入金额 / credit             12.34 or 1,234.00 (a credit; <= 0 is skipped)
  currency  币种 / 货币 / ccy                              ISO 4217 code (CNY, USD)
  remark    摘要 / 附言 / 备注 / reference / description   free text holding our reference (CH…)
  payer     付款人 / 对方户名 / payer name / counterparty   optional
UTF-8 (with or without BOM) or GB18030, as Chinese banks export.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from clearinghouse.core.errors import PayloadTooLarge, ValidationFailed
from clearinghouse.core.money import Money, MoneyError

MAX_STATEMENT_BYTES = 512 * 1024
MAX_ROWS = 5000
MAX_ERRORS_SHOWN = 20

HEADERS: dict[str, tuple[str, ...]] = {
    "date": ("date", "value date", "booking date", "transaction date", "交易日期", "日期", "记账日期"),
    "amount": ("amount", "credit", "credit amount", "金额", "交易金额", "收入金额", "贷方金额"),
    "currency": ("currency", "ccy", "币种", "货币"),
    "remark": ("remark", "reference", "description", "memo", "摘要", "附言", "备注", "用途"),
    "payer": ("payer", "payer name", "counterparty", "付款人", "对方户名", "付款人名称"),
}
REQUIRED = ("date", "amount", "currency", "remark")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d")
AMOUNT = re.compile(r"^-?[0-9][0-9,]*(\.[0-9]+)?$")


@dataclass(frozen=True)
class StatementRow:
    line: int  # the row's line in the file (the header is line 1), to name it to the operator
    on: date
    amount: Money
    remark: str
    payer: str


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("the statement is neither UTF-8 nor GB18030 text", field="statement")


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = " ".join(name.strip().lower().replace("_", " ").split())
        for column, spellings in HEADERS.items():
            if key in spellings and column not in found:
                found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise ValidationFailed(
            f"the statement's header has no {', '.join(missing)} column; expected columns: "
            "date, amount, currency, remark (or 交易日期, 金额, 币种, 摘要), payer optional",
            field="statement", details=[{"field": "statement", "message": f"missing column {c}"}
                                        for c in missing])
    return found


def _date(text: str) -> date:
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is not YYYY-MM-DD")


def _amount(text: str, currency: str) -> Money:
    cleaned = text.strip().replace(" ", "")
    if not AMOUNT.match(cleaned):
        raise ValueError(f"amount {text!r} is not a number such as 1234.50")
    try:
        return Money.from_decimal(currency.strip().upper(), Decimal(cleaned.replace(",", "")))
    except (MoneyError, InvalidOperation) as exc:
        raise ValueError(str(exc)) from exc


def read_statement(raw: bytes) -> list[StatementRow]:
    """Every incoming row of the statement, or one ValidationFailed naming every bad row."""
    if len(raw) > MAX_STATEMENT_BYTES:
        raise PayloadTooLarge(f"a statement may have at most {MAX_STATEMENT_BYTES} bytes; split it",
                              field="statement")
    reader = csv.reader(io.StringIO(_decode(raw), newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ValidationFailed("the statement is empty", field="statement")
        columns = _columns(header)
        rows: list[StatementRow] = []
        errors: list[dict[str, str]] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                raise ValidationFailed(f"a statement may have at most {MAX_ROWS} rows; split it",
                                       field="statement")
            line = reader.line_num
            cell = {c: (cells[i] if i < len(cells) else "") for c, i in columns.items()}
            try:
                amount = _amount(cell["amount"], cell["currency"])
                on = _date(cell["date"])
            except ValueError as exc:
                errors.append({"field": f"line {line}", "message": str(exc)})
                continue
            if amount.minor > 0:  # money going out of the account is no licensee's payment
                rows.append(StatementRow(line, on, amount, cell["remark"].strip()[:500],
                                         cell.get("payer", "").strip()[:300]))
    except csv.Error as exc:
        raise ValidationFailed(f"the statement is not valid CSV: {exc}", field="statement") from exc
    if errors:
        raise ValidationFailed(
            f"{len(errors)} row(s) of the statement are wrong; nothing was confirmed",
            field="statement", details=errors[:MAX_ERRORS_SHOWN])
    return rows
