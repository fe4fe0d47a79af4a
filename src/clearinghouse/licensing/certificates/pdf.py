"""The certificate as a bilingual (Chinese / English) A4 PDF with the signed JSON embedded.

Payload fields shown: license_id, issued_at, valid_from, valid_until, issuer{name},
licensee{name,id}, works[{id,title,type,identifiers}], terms{purpose,channels,uses,portion,
modification,territories,territories_excluded,exclusive,term_days},
rights[{work_id,right,holder{name},share,countries,valid_from,valid_until}],
not_cleared[{work_id,right,holder{name},share,countries,reason}], price{currency,total_minor,
subtotal_minor,licensee_fee_minor,lines[{work_id,work_title,right,holder{name},amount_minor}]},
verify_url. (Version 1 certificates have no per-right countries or not_cleared: dashes.)
Anything missing shows as a dash; other fields are carried only in the embedded JSON.
"""

from __future__ import annotations

import io
import json
from typing import Any
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as TS

from clearinghouse.core.pdf_text import CJK, fits_helvetica, mixed_markup
from clearinghouse.licensing.certificates.document import (
    CertificateFormatError,
    canonical_json,
    parse_document_json,
)
from clearinghouse.licensing.certificates.labels import (
    DASH,
    as_dict,
    as_list,
    countries,
    format_money,
    party_name,
    portion,
    term,
    territories,
    text,
    timestamp,
    validity,
)
from clearinghouse.licensing.certificates.pdf_reading import ATTACHMENT_NAME, read_attachment_isolated

NAVY, GOLD = colors.HexColor("#1F3A5F"), colors.HexColor("#B08D57")
RULE, SHADE = colors.HexColor("#C9D2DE"), colors.HexColor("#F3F5F8")
GREY = colors.HexColor("#5B6B80")
CONTENT_WIDTH = A4[0] - 40 * mm
MAX_CELL_CHARS = 400  # a table row cannot split across pages: cap what one cell may hold



def _style(name: str, size: float, font: str = "Helvetica", **kw: Any) -> ParagraphStyle:
    kw.setdefault("leading", size * 1.35)
    return ParagraphStyle(name, fontName=font, fontSize=size, **kw)


BODY = _style("body", 9)
SMALL = _style("small", 7.5, textColor=colors.HexColor("#4A5566"))
LABEL = _style("label", 7.5, textColor=GREY)
HEAD = _style("head", 10.5, "Helvetica-Bold", textColor=NAVY, spaceBefore=8, spaceAfter=3)
AMOUNT = _style("amount", 9, alignment=TA_RIGHT)
MONO = _style("mono", 7, "Courier", leading=9)


def _markup(value: Any) -> str:
    """Paragraph markup switching to the CJK font for runs Helvetica cannot draw."""
    shown = text(value)
    if len(shown) > MAX_CELL_CHARS:
        shown = shown[: MAX_CELL_CHARS - 1] + "…"
    return mixed_markup(shown)


def _p(value: Any, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(_markup(value), style)


def _both(zh: str, en: str, style: ParagraphStyle = LABEL) -> Paragraph:
    return Paragraph(f'<font name="{CJK}">{escape(zh)}</font> {escape(en)}', style)


def _grid(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY)]
    table.setStyle(TS(style))
    return table


def _summary(cert: dict[str, Any]) -> Table:
    url = str(cert.get("verify_url") or "")
    strong = _style("strong", 9.5, "Helvetica-Bold")
    qr: list[Any] = [_qr(url), Paragraph(escape(url), _style("url", 6, alignment=1, leading=7.5))]
    cells = [
        [_both("许可证编号", "License No."), _both("被许可人", "Licensee"), qr if url else ""],
        [_p(cert.get("license_id"), strong), _p(party_name(cert.get("licensee")), strong), ""],
        [_both("有效期", "Valid"), _both("签发时间", "Issued"), ""],
        [_p(validity(cert)), _p(timestamp(cert.get("issued_at"))), ""],
        [_both("验证", "Verify"), "", ""],
        [_p("扫描二维码或访问其下方网址查询本许可的当前状态；上传本 PDF 或其内嵌的 "
            "certificate.json 即可核验真伪，任何改动都会使签名失效。", SMALL), "", ""],
        [_p("Scan the QR code or open the address beneath it for this license's current status. "
            "Upload this PDF, or the certificate.json embedded in it, to check that it is "
            "genuine: any change invalidates the signature.", SMALL), "", ""],
    ]
    table = Table(cells, colWidths=[72 * mm, 58 * mm, 40 * mm], hAlign="LEFT")
    table.setStyle(TS([
        ("BOX", (0, 0), (-1, -1), 0.8, NAVY), ("BACKGROUND", (0, 0), (1, -1), SHADE),
        ("SPAN", (2, 0), (2, -1)), ("SPAN", (0, 4), (1, 4)), ("SPAN", (0, 5), (1, 5)),
        ("SPAN", (0, 6), (1, 6)), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (2, 0), (2, -1), "CENTER"), ("LINEBEFORE", (2, 0), (2, -1), 0.4, RULE),
        ("LINEBEFORE", (1, 0), (1, 3), 0.4, RULE), ("LINEABOVE", (0, 2), (1, 2), 0.4, RULE),
        ("LINEABOVE", (0, 4), (1, 4), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (1, -1), 8), ("TOPPADDING", (2, 0), (2, 0), 6),
    ]))
    return table


def _works(cert: dict[str, Any]) -> Table:
    rows: list[list[Any]] = [[_both("作品", "Work"), _both("类型", "Type"),
                              _both("标识", "Identifiers"), _both("编号", "ID")]]
    for work in map(as_dict, as_list(cert.get("works"))):
        ids = as_dict(work.get("identifiers"))
        rows.append([_p(work.get("title")), _p(term(work.get("type"))),
                     _p("; ".join(f"{k.upper()} {v}" for k, v in ids.items()) or DASH),
                     _p(work.get("id"), SMALL)])
    return _grid(rows, [w * mm for w in (56, 46, 40, 28)])


def _terms(cert: dict[str, Any]) -> Table:
    terms = as_dict(cert.get("terms"))
    days = terms.get("term_days")
    fields = [
        ("用途", "Purpose", term(terms.get("purpose"))),
        ("渠道", "Channels", term(terms.get("channels"))),
        ("使用次数", "Uses", term(terms.get("uses"))),
        ("使用片段", "Portion", portion(terms.get("portion"))),
        ("修改", "Modification", term(terms.get("modification"))),
        ("地域", "Territories", territories(terms.get("territories"))),
        ("独占", "Exclusive", term(terms.get("exclusive"))),
        ("期限", "Term", f"{days} 天 days" if days is not None else DASH),
    ]
    if terms.get("territories_excluded"):  # shown only when set: it narrows the territory
        fields.append(("除外地域", "Excluded", territories(terms["territories_excluded"])))
    cells = [[_both(zh, en), _p(value)] for zh, en, value in fields]
    half = (len(cells) + 1) // 2
    rows = [cells[i] + (cells[i + half] if i + half < len(cells) else ["", ""])
            for i in range(half)]
    return _grid(rows, [w * mm for w in (28, 57, 28, 57)], header=False)


def _title(titles: dict[str, Any], work_id: Any) -> Any:
    """A work's title where the payload lists the work, else its id."""
    return titles.get(work_id, work_id) if isinstance(work_id, str) else work_id


def _percent(share: Any) -> str:
    return f"{share}%" if share not in (None, "") else DASH


def _rights(cert: dict[str, Any], titles: dict[str, Any]) -> Table:
    rows: list[list[Any]] = [[_both("作品", "Work"), _both("权利", "Right"),
                              _both("权利人", "Rights holder"), _both("份额", "Share"),
                              _both("地域", "Countries"), _both("期限", "Period")]]
    for right in map(as_dict, as_list(cert.get("rights"))):
        period = validity(right) if right.get("valid_from") else DASH
        rows.append([_p(_title(titles, right.get("work_id"))),
                     _p(term(right.get("right"))),
                     _p(party_name(right.get("holder"), right.get("holder_name"))),
                     _p(_percent(right.get("share"))),
                     _p(countries(right.get("countries")), SMALL),
                     _p(period, SMALL)])
    return _grid(rows, [w * mm for w in (34, 28, 38, 14, 30, 26)])


def _not_cleared(cert: dict[str, Any], titles: dict[str, Any]) -> list[Any]:
    """What the license does not cover (a partial purchase), with the reason; nothing if none."""
    parts = [as_dict(p) for p in as_list(cert.get("not_cleared"))]
    if not parts:
        return []
    rows: list[list[Any]] = [[_both("作品", "Work"), _both("权利", "Right"),
                              _both("权利人", "Rights holder"), _both("份额", "Share"),
                              _both("地域", "Countries"), _both("原因", "Reason")]]
    for part in parts:
        rows.append([_p(_title(titles, part.get("work_id"))), _p(term(part.get("right"))),
                     _p(party_name(part.get("holder")) or DASH), _p(_percent(part.get("share"))),
                     _p(countries(part.get("countries")), SMALL),
                     _p(term(part.get("reason")), SMALL)])
    note = _p("本许可不包括下列部分 · This license does NOT cover the following parts:", BODY)
    return [_both("未获许可部分", "Not Cleared", HEAD), note,
            _grid(rows, [w * mm for w in (34, 28, 38, 14, 30, 26)])]


def _price(cert: dict[str, Any], titles: dict[str, Any]) -> Table:
    price = as_dict(cert.get("price"))
    cur = price.get("currency")
    rows: list[list[Any]] = [[_both("项目", "Item"), _both("权利人", "Holder"),
                              _both("金额", f"Amount ({cur or DASH})", _style("lr", 7.5,
                                    textColor=GREY, alignment=TA_RIGHT))]]
    for line in map(as_dict, as_list(price.get("lines"))):
        title = line.get("work_title") or _title(titles, line.get("work_id"))
        right = line.get("right")
        what = " · ".join(str(x) for x in (title, term(right) if right else None) if x)
        amount = line.get("amount_minor", line.get("total_minor"))
        rows.append([_p(what or line.get("description")),
                     _p(party_name(line.get("holder"), line.get("holder_name"))),
                     _p(format_money(amount, line.get("currency", cur)), AMOUNT)])
    for zh, en, key in (("小计", "Subtotal", "subtotal_minor"),
                        ("服务费", "Service fee", "licensee_fee_minor")):
        if key in price:
            rows.append([_both(zh, en, BODY), "", _p(format_money(price[key], cur), AMOUNT)])
    total = _style("total", 10, "Helvetica-Bold", textColor=NAVY)
    total_amount = _style("total_amount", 10, "Helvetica-Bold", textColor=NAVY, alignment=TA_RIGHT)
    rows.append([_both("合计", "Total", total), "",
                 _p(format_money(price.get("total_minor"), cur), total_amount)])
    table = _grid(rows, [w * mm for w in (78, 58, 34)])
    table.setStyle(TS([("LINEABOVE", (0, -1), (-1, -1), 0.8, NAVY)]))
    return table


def _qr(url: str, size: float = 32 * mm) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M", barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _signature(cert: dict[str, Any], signature: dict[str, Any]) -> KeepTogether:
    value = text(signature.get("value"))[:MAX_CELL_CHARS]
    wrapped = "<br/>".join(escape(value[i:i + 64]) for i in range(0, len(value), 64))
    label = [
        _both("数字签名", "Digital signature", _style("sh", 9, "Helvetica-Bold", textColor=NAVY)),
        _p(f"{text(signature.get('alg'))}  ·  {text(signature.get('kid'))}", MONO),
    ]
    issuer = party_name(cert.get("issuer"))
    if issuer:
        label.append(_p(f"签发方 Issuer: {issuer}", SMALL))
    table = Table([[label, Paragraph(wrapped, MONO)]],
                  colWidths=[55 * mm, CONTENT_WIDTH - 55 * mm], hAlign="LEFT")
    table.setStyle(TS([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.8, GOLD),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return KeepTogether([Spacer(1, 7), table])


def _decorate(license_id: str) -> Any:
    def on_page(canvas: Any, doc: Any) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(1.4)
        canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
        canvas.setStrokeColor(GOLD)
        canvas.setLineWidth(0.5)
        canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(GREY)
        canvas.drawString(20 * mm, 14 * mm, f"{license_id}  ·  digitally signed (Ed25519)")
        canvas.drawRightString(width - 20 * mm, 14 * mm, f"{doc.page}")
        canvas.restoreState()

    return on_page


def _header() -> list[Any]:
    return [
        Paragraph(f'<font name="{CJK}">权利结算中心</font>  ·  RIGHTS CLEARINGHOUSE',
                  _style("org", 8.5, textColor=GOLD, alignment=1)),
        Spacer(1, 3),
        Paragraph("许可证书", _style("zh", 24, CJK, textColor=NAVY, alignment=1)),
        Paragraph("LICENSE CERTIFICATE",
                  _style("en", 13, "Helvetica-Bold", textColor=NAVY, alignment=1)),
        Spacer(1, 4),
        Table([[""]], colWidths=[50 * mm], rowHeights=[1],
              style=TS([("LINEABOVE", (0, 0), (-1, -1), 1.2, GOLD)])),
        Spacer(1, 4),
        _p("兹证明下列被许可人已依本证书所列条款获得下列作品的使用许可。",
           _style("i1", 9, alignment=1)),
        _p("This certifies that the licensee named below is licensed to use the works listed, "
           "on the terms stated in this certificate.", _style("i2", 8.5, alignment=1,
                                                              textColor=colors.HexColor("#4A5566"))),
        Spacer(1, 6),
    ]


def render_certificate_pdf(document: dict[str, Any]) -> bytes:
    """A4 certificate PDF with `certificate.json` (the exact signed document) attached."""
    if not isinstance(document, dict) or not isinstance(document.get("certificate"), dict):
        raise CertificateFormatError("expected a signed document with a 'certificate' object")
    canonical_json(document)  # floats or other non-JSON values: refuse before drawing anything
    embedded = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    cert = document["certificate"]
    signature = as_dict(document.get("signature"))
    works = map(as_dict, as_list(cert.get("works")))
    titles = {w["id"]: w.get("title") for w in works if isinstance(w.get("id"), str)}
    # The footer is drawn in Helvetica: keep only what it can draw.
    license_id = "".join(filter(fits_helvetica, str(cert.get("license_id") or "")))[:80]

    story: list[Any] = _header() + [_summary(cert)]
    story += [_both("授权作品", "Licensed Works", HEAD), _works(cert)]
    story += [_both("许可条款", "Terms", HEAD), _terms(cert)]
    story += [_both("权利与权利人", "Rights & Rights Holders", HEAD), _rights(cert, titles)]
    story += _not_cleared(cert, titles)
    story += [_both("价格", "Price", HEAD), _price(cert, titles)]
    story.append(_signature(cert, signature))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=f"许可证书 License Certificate {license_id}".strip(),
        author="Rights Clearinghouse", subject="License certificate", creator="clearinghouse",
    )
    decorate = _decorate(license_id)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    attachment = writer.add_attachment(ATTACHMENT_NAME, embedded.encode("utf-8"))
    attachment.subtype = NameObject("/application/json")
    attachment.description = TextStringObject("Signed license certificate (JSON)")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extract_certificate_from_pdf(data: bytes) -> dict[str, Any]:
    """The signed document embedded in a certificate PDF as `certificate.json`, read in a worker
    process within the bounds of pdf_reading (size, decompression, objects, pages, time)."""
    if not isinstance(data, bytes | bytearray | memoryview) or b"%PDF-" not in bytes(data[:1024]):
        raise CertificateFormatError("not a PDF file")
    return parse_document_json(read_attachment_isolated(bytes(data)))
