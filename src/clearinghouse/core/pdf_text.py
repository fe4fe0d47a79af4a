"""Text in the PDFs reportlab draws (certificates, invoices, statements, notices): Helvetica
where it can draw a character, Adobe's built-in Chinese font for the runs it cannot, escaped for
reportlab's paragraph markup. The font is registered once, here."""

from __future__ import annotations

from itertools import groupby
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

CJK = "STSong-Light"  # Adobe's built-in Chinese CID font: no font file to ship

pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def fits_helvetica(ch: str) -> bool:
    try:
        ch.encode("cp1252")  # the standard fonts' WinAnsi encoding
    except UnicodeEncodeError:
        return False
    return True


def mixed_markup(shown: str) -> str:
    """Paragraph markup for `shown`, switching to the CJK font for runs Helvetica cannot draw."""
    parts = []
    for latin, group in groupby(shown, fits_helvetica):
        piece = escape("".join(group))
        parts.append(piece if latin else f'<font name="{CJK}">{piece}</font>')
    return "".join(parts)
