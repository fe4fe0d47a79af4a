"""A party's statement for a period as a bilingual (中文 / English) A4 PDF, drawn with the
invoice's reportlab helpers (Helvetica, and the built-in Chinese CID font for what Helvetica
cannot draw). Money is formatted from integer minor units by Babel."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from clearinghouse.core.pdf_text import CJK
from clearinghouse.licensing.certificates.labels import format_money
from clearinghouse.licensing.payments.invoice_pdf import (
    AMOUNT,
    HEAD,
    NAVY,
    _both,
    _grid,
    _p,
    _style,
)
from clearinghouse.royalties.tables import StatementLine

PAGE = landscape(A4)
WIDTH = PAGE[0] - 30 * mm
_RIGHT = _style("r", 7.5, alignment=2)
_COLUMNS = (("作品", "Work"), ("许可", "Licence"), ("平台 · 地区", "Platform · territory"),
            ("播放", "Plays"), ("应得", "Earned"), ("预付款抵扣", "Recouped"),
            ("保底补足", "MG true-up"), ("服务费", "Owner fee"), ("应付", "Net payout"))


def _row(line: StatementLine) -> list[Any]:
    where = " ".join(line.channels) + " · " + " ".join(line.territories)
    return [_p(line.work_id), _p(line.license_id or "society"), _p(where),
            _p(f"{line.plays:,}", AMOUNT),
            _p(format_money(line.earned_minor, line.currency), AMOUNT),
            _p(format_money(line.recouped_minor, line.currency), AMOUNT),
            _p(format_money(line.true_up_minor, line.currency), AMOUNT),
            _p(format_money(line.owner_fee_minor, line.license_currency), AMOUNT),
            _p(format_money(line.holder_payout_minor, line.payout_currency), AMOUNT)]


def render_statement_pdf(period: str, party: str, lines: list[StatementLine]) -> bytes:
    header = [_both(zh, en, _RIGHT) if i >= 3 else _both(zh, en)
              for i, (zh, en) in enumerate(_COLUMNS)]
    widths = [45 * mm, 45 * mm, 40 * mm] + [(WIDTH - 130 * mm) / 6] * 6
    totals: dict[str, int] = defaultdict(int)
    for line in lines:
        totals[line.payout_currency] += line.holder_payout_minor
    total_rows = [[_both("应付合计", f"Total payout ({cur})"), _p(format_money(minor, cur), AMOUNT)]
                  for cur, minor in sorted(totals.items())]
    story: list[Any] = [
        Paragraph("版税结算单", _style("zh", 20, CJK, textColor=NAVY, alignment=1)),
        Paragraph("ROYALTY STATEMENT", _style("en", 12, "Helvetica-Bold", textColor=NAVY,
                                              alignment=1)),
        Spacer(1, 4),
        _grid([[_both("结算期", "Period"), _p(period)], [_both("当事方", "Party"), _p(party)]],
              [40 * mm, WIDTH - 40 * mm], header=False),
        _both("明细", "Lines (per work, licence, platform and territory)", HEAD),
        _grid([header] + [_row(ln) for ln in lines], widths),
        _both("合计", "Totals", HEAD),
        _grid(total_rows or [[_p("—"), _p("—")]], [WIDTH - 50 * mm, 50 * mm], header=False),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=15 * mm, rightMargin=15 * mm,
                      topMargin=15 * mm, bottomMargin=15 * mm,
                      title=f"Royalty statement {period}", author="Rights Clearinghouse",
                      creator="clearinghouse").build(story)
    return buffer.getvalue()
