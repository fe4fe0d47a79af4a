"""A notice as an A4 PDF drawn with reportlab, like the certificate (licensing/certificates/pdf.py):
Helvetica for what it can draw and Adobe's built-in Chinese CID font for the rest."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from clearinghouse.core.pdf_text import mixed_markup
from clearinghouse.enforcement.notices.facts import NoticeFacts
from clearinghouse.enforcement.notices.wording import Language, notice_lines

NAVY, RULE, GREY = colors.HexColor("#1F3A5F"), colors.HexColor("#C9D2DE"), colors.HexColor("#4A5566")
WIDTH = A4[0] - 40 * mm
MAX_TEXT_CHARS = 600  # a table row cannot split across pages: cap what one cell may hold


def _style(name: str, size: float, font: str = "Helvetica", **kw: Any) -> ParagraphStyle:
    kw.setdefault("leading", size * 1.4)
    return ParagraphStyle(name, fontName=font, fontSize=size, **kw)


BODY = _style("notice-body", 9.5)
LABEL = _style("notice-label", 8, textColor=GREY)
TITLE = _style("notice-title", 15, "Helvetica-Bold", textColor=NAVY, spaceAfter=6)
HEAD = _style("notice-head", 11, "Helvetica-Bold", textColor=NAVY, spaceBefore=10, spaceAfter=4)


def _p(value: Any, style: ParagraphStyle = BODY) -> Paragraph:
    shown = str(value if value not in (None, "") else "—")[:MAX_TEXT_CHARS]
    return Paragraph(mixed_markup(shown), style)


def _grid(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 3),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def render_pdf(facts: NoticeFacts, language: Language) -> bytes:
    n: dict[str, Any] = notice_lines(facts, language)
    story: list[Any] = [_p(n["title"], TITLE),
                        _p(" · ".join(f"{label}: {value}" for label, value in n["header"]), LABEL),
                        Spacer(1, 4 * mm), _p(n["on_behalf"]), Spacer(1, 3 * mm),
                        _grid([[_p(label, LABEL), _p(value)] for label, value in n["rows"]],
                              [45 * mm, WIDTH - 45 * mm]),
                        _p(n["ranges_label"], HEAD)]
    heads = n["range_heads"]
    story.append(_grid([[_p(heads[0], LABEL), _p(heads[1], LABEL)]]
                       + [[_p(a), _p(b)] for a, b in n["ranges"]], [WIDTH / 2, WIDTH / 2]))
    story.append(_p(n["options_label"], HEAD))
    for sentence, label, link in n["options"]:
        story.append(_p(f"• {sentence}" + (f" {label}: {link}" if link else "")))
    if n["deadline"]:
        story += [Spacer(1, 2 * mm), _p(n["deadline"], _style("notice-deadline", 10, "Helvetica-Bold"))]
    story += [Spacer(1, 8 * mm), _p(n["footer"], LABEL)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                      topMargin=18 * mm, bottomMargin=18 * mm, title=str(n["title"]),
                      author=str(n["sender"])).build(story)
    return out.getvalue()
