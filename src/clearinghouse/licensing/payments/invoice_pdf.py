"""The pro-forma invoice as a bilingual (中文 / English) A4 PDF, drawn like the certificate:
reportlab, Helvetica for Latin text and Adobe's built-in Chinese CID font (no font file to ship)
for everything Helvetica cannot draw. Money is formatted from integer minor units by Babel."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from clearinghouse.core.pdf_text import CJK, mixed_markup
from clearinghouse.licensing.certificates.labels import format_money, term
from clearinghouse.licensing.payments.invoice import Invoice

NAVY, RULE, SHADE = colors.HexColor("#1F3A5F"), colors.HexColor("#C9D2DE"), colors.HexColor("#F3F5F8")
WIDTH = A4[0] - 40 * mm
MAX_CELL_CHARS = 300  # a table row cannot split across pages


def _style(name: str, size: float, font: str = "Helvetica", **kw: Any) -> ParagraphStyle:
    kw.setdefault("leading", size * 1.35)
    return ParagraphStyle(name, fontName=font, fontSize=size, **kw)


BODY = _style("body", 9)
LABEL = _style("label", 7.5, textColor=colors.HexColor("#5B6B80"))
HEAD = _style("head", 10.5, "Helvetica-Bold", textColor=NAVY, spaceBefore=8, spaceAfter=3)
AMOUNT = _style("amount", 9, alignment=TA_RIGHT)
TOTAL = _style("total", 10, "Helvetica-Bold", alignment=TA_RIGHT)


def _p(value: Any, style: ParagraphStyle = BODY) -> Paragraph:
    shown = str(value if value not in (None, "") else "—")[:MAX_CELL_CHARS]
    return Paragraph(mixed_markup(shown), style)


def _both(zh: str, en: str, style: ParagraphStyle = LABEL) -> Paragraph:
    return Paragraph(f'<font name="{CJK}">{escape(zh)}</font> {escape(en)}', style)


def _grid(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
             ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    return Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT",
                 style=TableStyle(style))


def _share(ppm: int) -> str:
    return f"{(Decimal(ppm) / Decimal(10_000)).normalize():f}%"


def _parties(inv: Invoice) -> Table:
    rows = [
        [_both("卖方", "Seller"), _p(inv.seller_name)],
        [_both("买方", "Buyer"), _p(f"{inv.buyer_name} ({inv.buyer_id})")],
        [_both("发票号", "Invoice no."), _p(inv.number)],
        [_both("开具日期", "Issued"), _p(inv.issued_on.isoformat())],
        [_both("许可", "Licence"), _p(inv.license_id)],
        [_both("许可期限", "Licence period"),
         _p(f"{inv.valid_from.isoformat()} – {inv.valid_to.isoformat() if inv.valid_to else '∞'}")],
    ]
    return _grid(rows, [40 * mm, WIDTH - 40 * mm], header=False)


def _lines(inv: Invoice) -> Table:
    rows: list[list[Any]] = [[_both("作品", "Work"), _both("权利", "Right"),
                              _both("权利人", "Holder"), _both("份额", "Share"),
                              _both("金额", "Amount", _style("ra", 7.5, alignment=TA_RIGHT))]]
    for line in inv.lines:
        amount = format_money(line.amount_minor, inv.currency)
        if line.offer_currency != inv.currency:
            amount += f" ({format_money(line.offer_amount_minor, line.offer_currency)})"
        rows.append([_p(line.work_title), _p(term(line.right)), _p(line.holder_name),
                     _p(_share(line.share_ppm)), _p(amount, AMOUNT)])
    return _grid(rows, [50 * mm, 32 * mm, 42 * mm, 16 * mm, WIDTH - 140 * mm])


def _totals(inv: Invoice) -> Table:
    rows = [
        [_both("小计", "Subtotal", BODY), _p(format_money(inv.subtotal_minor, inv.currency), AMOUNT)],
        [_both("服务费（买方）", "Service fee (buyer)", BODY),
         _p(format_money(inv.licensee_fee_minor, inv.currency), AMOUNT)],
        [_both("应付总额", f"Total due ({inv.currency})", _style("tl", 10, "Helvetica-Bold")),
         _p(format_money(inv.total_minor, inv.currency), TOTAL)],
    ]
    return _grid(rows, [WIDTH - 50 * mm, 50 * mm], header=False)


def _paying(inv: Invoice) -> Table:
    rows = [
        [_both("收款人", "Account holder"), _p(inv.account.holder)],
        [_both("开户行", "Bank"), _p(inv.account.bank)],
        [_both("账号", "Account number"), _p(inv.account.number)],
        [_both("付款附言（必填）", "Payment reference (required)"),
         _p(inv.reference or "—", _style("ref", 11, "Helvetica-Bold"))],
    ]
    return _grid(rows, [50 * mm, WIDTH - 50 * mm], header=False)


def render_invoice_pdf(inv: Invoice) -> bytes:
    story: list[Any] = [
        Paragraph("形式发票", _style("zh", 22, CJK, textColor=NAVY, alignment=1)),
        Paragraph("PRO-FORMA INVOICE", _style("en", 13, "Helvetica-Bold", textColor=NAVY, alignment=1)),
        Spacer(1, 4),
        _p("本形式发票仅为付款通知，并非税务发票。许可在运营方核对到账后生效。", _style("n1", 8.5, alignment=1)),
        _p("This pro-forma invoice is a request for payment, not a tax invoice. The licence becomes "
           "active when the operator has matched your transfer.", _style("n2", 8, alignment=1)),
        Spacer(1, 6), _parties(inv),
        _both("明细", "Lines (per work, right and holder share)", HEAD), _lines(inv),
        _both("合计", "Totals", HEAD), _totals(inv),
        _both("付款方式：银行转账", "How to pay: bank transfer", HEAD), _paying(inv),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm,
                            title=f"Pro-forma invoice {inv.number}", author="Rights Clearinghouse",
                            subject="Pro-forma invoice", creator="clearinghouse")
    doc.build(story)
    return buffer.getvalue()
