"""Reading a bank statement and matching its rows to our payments: pure, no database."""

from __future__ import annotations

from datetime import date

import pytest

from clearinghouse.core.errors import PayloadTooLarge, ValidationFailed
from clearinghouse.core.money import Money
from clearinghouse.licensing.payments import matching
from clearinghouse.licensing.payments.statement import MAX_STATEMENT_BYTES, read_statement

PAID_REF, PENDING_REF, OTHER_REF, CANCELLED_REF = "CHAAAAAAAAAA", "CHBBBBBBBBBB", "CHCCCCCCCCCC", "CHDDDDDDDDDD"
PAYMENTS = {
    PENDING_REF: matching.PaymentFacts("pay_1", PENDING_REF, "lic_1", "pending", Money("CNY", 12_345)),
    OTHER_REF: matching.PaymentFacts("pay_2", OTHER_REF, "lic_2", "pending", Money("CNY", 500)),
    PAID_REF: matching.PaymentFacts("pay_3", PAID_REF, "lic_3", "paid", Money("CNY", 100)),
    CANCELLED_REF: matching.PaymentFacts("pay_4", CANCELLED_REF, "lic_4", "cancelled", Money("CNY", 100)),
}


def test_english_headers_in_any_order_with_a_thousands_separator_and_debits_skipped():
    rows = read_statement(
        b"Payer,Remark,Currency,Amount,Date\n"
        b'Ada,"licence CHBBBBBBBBBB",cny,"1,234.50",2026-11-02\n'
        b"Bank,fee,CNY,-3.00,2026-11-02\n"
        b"\n"
    )
    assert len(rows) == 1
    assert rows[0].amount == Money("CNY", 123_450)
    assert rows[0].on == date(2026, 11, 2) and rows[0].payer == "Ada" and rows[0].line == 2


def test_chinese_headers_from_a_gb18030_export_are_read():
    text = "交易日期,金额,币种,摘要,付款人\n2026/11/03,123.45,CNY,许可费 CHBBBBBBBBBB,晨光饮品\n"
    rows = read_statement(text.encode("gb18030"))
    assert rows[0].amount == Money("CNY", 12_345)
    assert rows[0].payer == "晨光饮品" and rows[0].on == date(2026, 11, 3)


def test_every_bad_row_is_named_and_nothing_is_returned():
    with pytest.raises(ValidationFailed) as refused:
        read_statement(b"date,amount,currency,remark\n2026-13-01,1.00,CNY,x\n"
                       b"2026-11-01,1.005,CNY,y\n2026-11-01,1.00,ZZZ,z\n2026-11-01,12.00,CNY,fine\n")
    fields = [d["field"] for d in refused.value.details]
    assert fields == ["line 2", "line 3", "line 4"]


def test_a_missing_column_names_the_columns_expected():
    with pytest.raises(ValidationFailed, match="no amount"):
        read_statement(b"date,currency,remark\n2026-11-01,CNY,x\n")


def test_a_statement_over_the_size_bound_is_refused_before_it_is_read():
    with pytest.raises(PayloadTooLarge):
        read_statement(b"date,amount,currency,remark\n" + b"x" * MAX_STATEMENT_BYTES)


def _rows(*lines: str):  # noqa: ANN202
    return read_statement(("date,amount,currency,remark\n" + "\n".join(lines)).encode())


def test_each_row_gets_one_outcome_with_its_reason():
    rows = _rows(
        "2026-11-01,123.45,CNY,pay ch bbbb bbbb bb thanks",  # reference broken by spaces, lower case
        "2026-11-01,123.45,CNY,again CHBBBBBBBBBB",  # the same payment twice in one statement
        "2026-11-01,5.01,CNY,CHCCCCCCCCCC",  # a cent too much
        "2026-11-01,5.00,USD,CHCCCCCCCCCC",  # right number, wrong currency
        "2026-11-01,1.00,CNY,CHAAAAAAAAAA",  # paid before
        "2026-11-01,1.00,CNY,CHDDDDDDDDDD",  # cancelled
        "2026-11-01,5.00,CNY,CHCCCCCCCCCC and CHBBBBBBBBBB",  # names two of ours
        "2026-11-01,9.00,CNY,rent",  # none of ours
        "2026-11-01,9.00,CNY,CHZZZZZZZZZZ",  # looks like one, is not ours
    )
    outcomes = matching.classify(rows, PAYMENTS)
    assert [o.result for o in outcomes] == [
        matching.MATCHED, matching.DUPLICATE, matching.AMOUNT_MISMATCH, matching.AMOUNT_MISMATCH,
        matching.ALREADY_PAID, matching.NOT_PAYABLE, matching.AMBIGUOUS, matching.UNMATCHED,
        matching.UNMATCHED]
    assert outcomes[0].payment is not None and outcomes[0].payment.id == "pay_1"
    assert "line 2 already pays" in outcomes[1].reason


def test_only_the_references_the_rows_name_are_looked_up():
    rows = _rows("2026-11-01,1.00,CNY,CHAAAAAAAAAA / CHBBBBBBBBBB", "2026-11-01,1.00,CNY,nothing")
    assert matching.wanted_references(rows) == {PAID_REF, PENDING_REF}
